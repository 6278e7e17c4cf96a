// The coupled Bayes-optimal fixed point (math spec E9–E18, A5): ε = F(ε) with
// F(ε) = Σ_i v_i² [g(1) − g(m_e(λ_i(ε)))], λ_i(ε) = (n/d) v_i² / (Δ + ε), solved by monotone iteration
// from ε = 0, which converges to the smallest root (several roots can exist near a jump).
import type { ActivationModel } from './activation';
import type { ScalarChannel } from './channel';

export type ReadoutProfile = 'power' | 'dense' | 'exp2';

/** Squared readouts v_i² (Σ = 1) for i = 1..k, plus Z_k = Σ i^{−2β} for the power profile. */
export function readoutSquares(k: number, beta: number, profile: ReadoutProfile): { v2: Float64Array; Zk: number } {
  const raw = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    if (profile === 'power') raw[i] = Math.pow(i + 1, -2 * beta);
    else if (profile === 'dense') { const v = k === 1 ? 2.5 : 2.5 - (1.5 * i) / (k - 1); raw[i] = v * v; }
    else raw[i] = Math.exp(-(2 * (i + 1)) / 5);
  }
  let Z = 0;
  for (let i = 0; i < k; i++) Z += raw[i];
  for (let i = 0; i < k; i++) raw[i] /= Z;
  return { v2: raw, Zk: Z };
}

/** Squared readouts with the arrays F needs, prepared once per (k, β, profile). */
export interface PreparedReadouts {
  /** Non-increasing (every built-in profile is), Σ = 1. */
  v2: Float64Array;
  logV2: Float64Array;
  /** suffix[i] = Σ_{j≥i} v_j². */
  suffix: Float64Array;
}

export function prepareReadouts(v2: Float64Array): PreparedReadouts {
  const k = v2.length;
  const logV2 = new Float64Array(k);
  for (let i = 0; i < k; i++) logV2[i] = Math.log(v2[i]);
  const suffix = new Float64Array(k + 1);
  for (let i = k - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + v2[i];
  return { v2, logV2, suffix };
}

export interface BoProblem {
  /** n/d: the theory depends on n and d only through this ratio. */
  nOverD: number;
  delta: number;
  readouts: PreparedReadouts;
  rtol: number;
  maxIter: number;
  /** Skip the per-feature outputs (q, λ) when only ε and k_c are needed (law sweeps). */
  scalarOnly?: boolean;
}

export interface BoSolution {
  eps: number;
  kc: number;
  /** Overlaps q_i (E12), in feature order. */
  q: Float64Array;
  /** Per-feature SNR λ_i(ε) (E9). */
  lambda: Float64Array;
  iterations: number;
}

export class NoConvergenceError extends Error {}

/**
 * Monotone iteration ε_{t+1} = F(ε_t) from 0 (A5). Learned features form a prefix because v² is
 * non-increasing, so F costs O(k_c) table lookups plus a precomputed suffix sum.
 */
export function solveBayesOptimal(act: ActivationModel, ch: ScalarChannel, pb: BoProblem,
  checkCancelled: () => void = () => {}): BoSolution {
  const { nOverD, delta } = pb;
  const { v2, logV2, suffix } = pb.readouts;
  const k = v2.length;
  const logNd = Math.log(nOverD), logLe = Math.log(ch.lambdaE);
  const g1 = act.g1;

  const learnedCount = (eps: number) => {
    // Largest prefix with λ_i > λ_e, i.e. log v_i² > log λ_e + log(Δ+ε) − log(n/d).
    const cut = logLe + Math.log(delta + eps) - logNd;
    let lo = 0, hi = k; // answer in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (logV2[mid - 1] > cut) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  const F = (eps: number) => {
    const kc = learnedCount(eps);
    const shift = logNd - Math.log(delta + eps);
    let s = 0;
    for (let i = 0; i < kc; i++) s += v2[i] * ch.fastGap(logV2[i] + shift).gap;
    return s + g1 * suffix[kc];
  };

  let eps = 0, it = 0;
  for (;;) {
    const next = F(eps);
    it++;
    if (Math.abs(next - eps) <= 1e-300 + pb.rtol * next) { eps = next; break; }
    if (it >= pb.maxIter) {
      throw new NoConvergenceError(`the fixed point ε = F(ε) did not converge in ${pb.maxIter} iterations ` +
        `(last ε = ${next.toPrecision(8)}, last step ${(next - eps).toExponential(2)}); ` +
        'this happens when F is tangent to the diagonal — move n or Δ slightly');
    }
    eps = next;
    if ((it & 63) === 0) checkCancelled();
  }

  // Final overlaps and SNRs at ε^BO (q = 1 − p from the same table, accurate to ~1e-8 relative in p).
  const kc = learnedCount(eps);
  if (pb.scalarOnly) return { eps, kc, q: new Float64Array(0), lambda: new Float64Array(0), iterations: it };
  const q = new Float64Array(k), lambda = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    lambda[i] = nOverD * v2[i] / (delta + eps);
    if (i < kc) q[i] = 1 - ch.fastGap(logV2[i] + logNd - Math.log(delta + eps)).p;
  }
  return { eps, kc, q, lambda, iterations: it };
}

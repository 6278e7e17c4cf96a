// Hebbian storage (math spec A2): W_H = Σ_k u_k e_kᵀ = Uᵀ E, so that S = E W_Hᵀ Uᵀ = (E Eᵀ)(U Uᵀ).
// Trials are stacked into batches and pushed through the same matmul-shaped score function as
// everything else (scoreMatrices), O(pd² + p²d) per trial instead of O(p³) for the Gram product.
import { bmm as batchedMatmul } from './bmm';
import { sampleInstance, type MemoryInstance, type MemoryModel } from './instance';
import { constraintMargins, maxAbs, scoreMatrices } from './scores';

/** What one trial contributes: recall verdict, its margins and the per-input score pairs. */
export interface TrialScores {
  /** Every pair recalled with normalised margin above the threshold. */
  stored: boolean;
  /** min_i (s_ii − max_{j≠i} s_ij) / max|W_ab|: the (M3) margin the rule achieves. */
  boxMargin: number;
  /** Per input: correct score s_ii and the largest competitor score (in the rule's own scale). */
  correct: Float64Array;
  best: Float64Array;
}

/** Hebbian weights for one instance: W = Uᵀ E (d×d, row-major). */
export function hebbianWeights(inst: MemoryInstance): Float64Array {
  return batchedMatmul(inst.U, inst.E, 1, inst.d, inst.p, inst.d, { transA: true });
}

/** Score summary of a weight matrix on one instance (any model). */
export function trialScores(inst: MemoryInstance, W: Float64Array, threshold: number): TrialScores {
  const { d, p, U } = inst;
  const margins = constraintMargins(inst, W);
  const Y = batchedMatmul(inst.E, W, 1, p, d, d, { transB: true });
  const correct = new Float64Array(p), best = new Float64Array(p);
  let minGap = Infinity;
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let a = 0; a < d; a++) s += U[i * d + a] * Y[i * d + a];
    let gap = Infinity;
    for (let jp = 0; jp < p - 1; jp++) gap = Math.min(gap, margins[i * (p - 1) + jp]);
    correct[i] = s;
    best[i] = s - gap;
    minGap = Math.min(minGap, gap);
  }
  const wMax = maxAbs(W);
  const boxMargin = wMax > 0 ? minGap / wMax : 0;
  return { stored: minGap > 0 && boxMargin > threshold, boxMargin, correct, best };
}

/**
 * Runs Hebbian trials [first, first + count) of stream `seed`. The coupled model goes through one
 * batched score computation per chunk; the decoupled model needs per-input competitors and uses the
 * per-instance margin path.
 */
export function hebbianTrials(
  d: number, p: number, model: MemoryModel, seed: number, first: number, count: number, threshold: number,
): TrialScores[] {
  const out: TrialScores[] = [];
  const insts = Array.from({ length: count }, (_, t) => sampleInstance(d, p, model, seed, first + t));
  if (model === 'decoupled') {
    for (const inst of insts) out.push(trialScores(inst, hebbianWeights(inst), threshold));
    return out;
  }
  const E = new Float64Array(count * p * d), U = new Float64Array(count * p * d);
  insts.forEach((inst, t) => { E.set(inst.E, t * p * d); U.set(inst.U, t * p * d); });
  const W = batchedMatmul(U, E, count, d, p, d, { transA: true });
  const S = scoreMatrices(E, W, U, count, p, d);
  for (let t = 0; t < count; t++) {
    const so = t * p * p;
    const correct = new Float64Array(p), best = new Float64Array(p);
    let minGap = Infinity;
    for (let i = 0; i < p; i++) {
      const sii = S[so + i * p + i];
      let mx = -Infinity;
      for (let j = 0; j < p; j++) if (j !== i && S[so + i * p + j] > mx) mx = S[so + i * p + j];
      correct[i] = sii;
      best[i] = mx;
      minGap = Math.min(minGap, sii - mx);
    }
    const wMax = maxAbs(W.subarray(t * d * d, (t + 1) * d * d));
    const boxMargin = wMax > 0 ? minGap / wMax : 0;
    out.push({ stored: minGap > 0 && boxMargin > threshold, boxMargin, correct, best });
  }
  return out;
}

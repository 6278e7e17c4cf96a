// Exact decision of the optimal rule's feasibility (math spec M3) without forming the p(p−1) × d² LP.
//
// Method: a finite Newton method on the unregularised squared hinge
//     f(W) = ½ Σ_k max(0, 1 − a_kᵀ vec W)²,
// a convex piecewise quadratic whose two possible ends are both certificates:
//   • f reaches 0, i.e. every margin is ≥ 1 — in fact we stop as soon as every margin is > 0 — and W
//     itself proves storage feasible (all margins are recomputed from W before we say so);
//   • f* > 0: at the minimiser the gradient −Aᵀh vanishes with h_k = max(0, 1 − a_kᵀw) ≥ 0, so
//     λ = h/Σh is a Farkas certificate. Weak duality turns any λ in the simplex into the bound
//     t*_box ≤ ‖Aᵀλ‖₁ on the (M3) margin (|W_ab| ≤ 1); we call storage infeasible when that bound,
//     recomputed from λ, is ≤ 1e-9 — the spec's own threshold — so the verdict matches (M3) exactly.
// In between neither bound crosses the threshold and the answer is "undecided within budget".
// Newton steps solve (A_IᵀA_I) s = Aᵀh on the rows with margin < 1 by Jacobi-preconditioned CG with
// matrix-free products (row-ops.ts), and the step length is the exact minimiser along s.
import { constraintMargins, maxAbs, minOf } from './scores';
import type { MemoryInstance } from './instance';
import { applyKronecker, kroneckerFactors, maskedRowProducts, normalDiagonal, rowCombination } from './row-ops';
import { FEASIBILITY_THRESHOLD } from './exact-lp';

export type Verdict = 'feasible' | 'infeasible' | 'undecided';

export interface DecideOptions {
  maxNewton?: number;
  maxCgPerStep?: number;
  /** Wall-clock budget in ms for this instance (undecided when it runs out). */
  budgetMs?: number;
  checkCancelled?: () => void;
  /** Storage counts when t*_box exceeds this (spec M3: 1e-9). */
  threshold?: number;
  /**
   * Keep going after the first separating W until every margin is ≥ 1 (the squared hinge is 0), so
   * the certificate is a unit-margin solution rather than the first separator met — used when the
   * score distribution itself is the object of interest. Costs a few extra Newton steps.
   */
  complete?: boolean;
  /** Inner-solve preconditioner: Kronecker (default) or Jacobi. */
  preconditioner?: 'kronecker' | 'jacobi';
}

export interface Decision {
  verdict: Verdict;
  /** Last iterate (the feasibility certificate when verdict = 'feasible'), row-major d×d. */
  W: Float64Array;
  /** min_k a_kᵀ vec W at the last iterate (> 0 when feasible). */
  minMargin: number;
  /** Proven lower bound on t*_box: minMargin / max|W_ab| (0 when W does not separate). */
  lowerBound: number;
  /** Proven upper bound on t*_box from the dual multipliers (‖Aᵀλ‖₁ with Σλ = 1); Infinity if none. */
  upperBound: number;
  newtonSteps: number;
  cgSteps: number;
  /** When infeasible: the Farkas multipliers (λ ≥ 0, Σλ = 1, one per row k) behind upperBound. */
  lambda?: Float64Array;
}

export function decideFeasibility(inst: MemoryInstance, opts: DecideOptions = {}): Decision {
  const { d, p } = inst;
  const n = d * d, K = p * (p - 1);
  const maxNewton = opts.maxNewton ?? 200;
  const maxCg = opts.maxCgPerStep ?? Math.max(50, 2 * n);
  const t0 = performance.now();
  const threshold = opts.threshold ?? FEASIBILITY_THRESHOLD;
  const W = new Float64Array(n);
  const h = new Float64Array(K);
  const q = new Float64Array(K);
  const grad = new Float64Array(n);
  const mask = new Float64Array(K);
  let newtonSteps = 0, cgSteps = 0;
  let upperBound = Infinity;
  /** Latest verified separating W (complete mode keeps iterating past it). */
  let separating: Decision | undefined;
  let margins: Float64Array = new Float64Array(K); // W = 0: every margin is 0

  for (;;) {
    opts.checkCancelled?.();
    const minMargin = minOf(margins);
    const wMax = maxAbs(W);
    if (minMargin > 0 && wMax > 0 && minMargin / wMax > threshold) {
      // `margins` is always recomputed from W itself (never updated incrementally), so W is a
      // certificate as it stands. In `complete` mode keep a copy and go on towards unit margins.
      const cert: Decision = { verdict: 'feasible', W: W.slice(), minMargin, lowerBound: minMargin / wMax, upperBound, newtonSteps, cgSteps };
      if (!opts.complete || minMargin >= 1 - 1e-9) return cert;
      separating = cert;
    }
    // Active rows (margin < 1) and hinge residuals.
    let hSum = 0;
    for (let k = 0; k < K; k++) {
      const r = 1 - margins[k];
      if (r > 0) { mask[k] = 1; h[k] = r; hSum += r; } else { mask[k] = 0; h[k] = 0; }
    }
    rowCombination(inst, h, grad); // Aᵀh = −∇f
    let g1 = 0;
    for (let a = 0; a < n; a++) g1 += Math.abs(grad[a]);
    if (hSum > 0) upperBound = Math.min(upperBound, g1 / hSum);
    if (upperBound <= threshold) {
      const lambda = Float64Array.from(h, (v) => v / hSum);
      return { verdict: 'infeasible', W, minMargin, lowerBound: 0, upperBound, newtonSteps, cgSteps, lambda };
    }
    if (newtonSteps >= maxNewton || (opts.budgetMs !== undefined && performance.now() - t0 > opts.budgetMs)) {
      return separating ? { ...separating, newtonSteps, cgSteps } : { verdict: 'undecided', W, minMargin, lowerBound: 0, upperBound, newtonSteps, cgSteps };
    }

    // Newton direction: (A_IᵀA_I + δ) s = Aᵀh by preconditioned CG.
    const diag = normalDiagonal(inst, mask, new Float64Array(n));
    let mean = 0;
    for (let a = 0; a < n; a++) mean += diag[a];
    mean /= n;
    const delta = 1e-12 * mean;
    const s = new Float64Array(n), r = Float64Array.from(grad), z = new Float64Array(n);
    const Ap = new Float64Array(n), prod = new Float64Array(K);
    const kron = (opts.preconditioner ?? 'kronecker') === 'kronecker' ? kroneckerFactors(inst, mask) : undefined;
    const precondition = () => {
      if (kron) applyKronecker(kron, r, d, z);
      else for (let a = 0; a < n; a++) z[a] = r[a] / (diag[a] + delta || 1);
    };
    precondition();
    const dir = Float64Array.from(z);
    let rz = dot(r, z);
    const r0 = Math.sqrt(dot(r, r));
    // Tighten the inner solve as the gradient shrinks: loose early, near-exact at the end.
    const tol = Math.min(1e-2, Math.sqrt(g1 / Math.max(hSum, 1e-300))) * r0;
    for (let it = 0; it < maxCg; it++) {
      if (it % 32 === 31) opts.checkCancelled?.(); // inner solves can run for seconds at large d
      maskedRowProducts(inst, dir, mask, prod);
      rowCombination(inst, prod, Ap);
      for (let a = 0; a < n; a++) Ap[a] += delta * dir[a];
      const pAp = dot(dir, Ap);
      if (!(pAp > 0)) break;
      const alpha = rz / pAp;
      for (let a = 0; a < n; a++) { s[a] += alpha * dir[a]; r[a] -= alpha * Ap[a]; }
      cgSteps++;
      if (Math.sqrt(dot(r, r)) <= tol) break;
      precondition();
      const rzNew = dot(r, z);
      const beta = rzNew / rz;
      rz = rzNew;
      for (let a = 0; a < n; a++) dir[a] = z[a] + beta * dir[a];
    }

    // Exact line search along s: minimise φ(α) = ½ Σ max(0, 1 − m_k − α q_k)².
    const sMat = s;
    q.set(constraintMargins(inst, sMat));
    const alpha = exactStep(margins, q);
    if (!(alpha > 0)) {
      // No progress possible along this direction (numerically flat): stop honestly.
      return separating ? { ...separating, newtonSteps, cgSteps } : { verdict: 'undecided', W, minMargin, lowerBound: 0, upperBound, newtonSteps, cgSteps };
    }
    for (let a = 0; a < n; a++) W[a] += alpha * s[a];
    margins = constraintMargins(inst, W);
    newtonSteps++;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Minimiser of the convex piecewise quadratic φ(α) = ½ Σ max(0, 1 − m_k − α q_k)² over α ≥ 0.
 * φ' is non-decreasing and piecewise linear, so a bracketed Newton iteration lands exactly on its
 * root once it reaches the right piece.
 */
export function exactStep(m: Float64Array, q: Float64Array): number {
  const deriv = (alpha: number): [number, number] => {
    let g = 0, hh = 0;
    for (let k = 0; k < m.length; k++) {
      const r = 1 - m[k] - alpha * q[k];
      if (r > 0) { g -= r * q[k]; hh += q[k] * q[k]; }
    }
    return [g, hh];
  };
  let [g, hh] = deriv(0);
  if (!(g < 0)) return 0;
  let lo = 0, hi = Infinity;
  let alpha = 1;
  for (let it = 0; it < 100; it++) {
    [g, hh] = deriv(alpha);
    if (g === 0) return alpha;
    if (g < 0) lo = alpha; else hi = alpha;
    let next = hh > 0 ? alpha - g / hh : NaN;
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * alpha, 1) : 0.5 * (lo + hi);
    if (Math.abs(next - alpha) <= 1e-15 * Math.max(1, alpha)) return next;
    alpha = next;
  }
  return alpha;
}

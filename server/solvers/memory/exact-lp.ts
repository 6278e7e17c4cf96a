// The reference decision of math spec (M3) with the dense simplex: maximise t subject to
// g_kᵀ W e_i − t ≥ 0 for every row, −1 ≤ W_ab ≤ 1, 0 ≤ t ≤ 1; storage is feasible iff t* > 1e-9.
// (t ≥ 0 is harmless: W = 0 attains t = 0.) Only for small d and p — the tableau has p(p−1) + d² rows
// and the whole point of `decide.ts` is to avoid it — so tests use it to validate the fast method.
// Known limit: every row has right-hand side 0, so the LP is massively degenerate; at d ≥ 6 with p near
// the transition the simplex can exhaust its iteration limit (it then throws rather than guess).
// The tests stay at d ≤ 5, where it always finishes.
import { solveDenseLp } from '../../numeric/dense-simplex';
import { constraintDirection, type MemoryInstance } from './instance';

export const FEASIBILITY_THRESHOLD = 1e-9;

export interface ExactLpResult {
  tStar: number;
  feasible: boolean;
  /** Row-major d×d optimum. */
  W: Float64Array;
}

export function exactMaxMargin(inst: MemoryInstance): ExactLpResult {
  const { d, p, E } = inst;
  // W = W⁺ − W⁻ with both parts in [0, 1]: every row then has right-hand side 0 and the slack basis
  // is feasible, so the simplex needs no phase 1 (which only adds degenerate pivots here).
  const n2 = d * d;
  const nv = 2 * n2 + 1; // W⁺ (row-major a·d + b), W⁻, then t
  const K = p * (p - 1);
  const A = new Float64Array(K * nv);
  const g = new Float64Array(d);
  for (let i = 0; i < p; i++) {
    for (let jp = 0; jp < p - 1; jp++) {
      constraintDirection(inst, i, jp, g);
      const ro = (i * (p - 1) + jp) * nv;
      // row: t − (g ⊗ e_i)·vec(W⁺ − W⁻) ≤ 0
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) {
          const v = g[a] * E[i * d + b];
          A[ro + a * d + b] = -v;
          A[ro + n2 + a * d + b] = v;
        }
      }
      A[ro + 2 * n2] = 1;
    }
  }
  const c = new Float64Array(nv); c[2 * n2] = 1;
  const upper = new Float64Array(nv).fill(1);
  const res = solveDenseLp({ c, A, b: new Float64Array(K), upper });
  if (res.status !== 'optimal') throw new Error(`exactMaxMargin: simplex ended with status ${res.status}`);
  const tStar = res.x[2 * n2];
  const W = new Float64Array(n2);
  for (let a = 0; a < n2; a++) W[a] = res.x[a] - res.x[n2 + a];
  return { tStar, feasible: tStar > FEASIBILITY_THRESHOLD, W };
}

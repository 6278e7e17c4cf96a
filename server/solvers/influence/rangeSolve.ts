// The (D6) dual system solved on the range of K_rr, for any rank of K_rr.
// (D6) reads s·K(H K + λI) x = b with K = K_rr PSD and s = N_r/N. Forming K(HK + λI) squares the
// condition number of K, and when K is singular (P < N_r·d_out) no Cholesky exists at all; CG on it
// then stalls near a 1e-9 residual, which is a 1e-7 error in Δθ (issue 22). Factor K = L Lᵀ instead
// by a pivoted Cholesky (L is m×r, r = rank K). Writing x = L z, the system becomes
//   s · L (LᵀHL + λI)(LᵀL) z = b,
// whose r×r factors (LᵀHL + λI and LᵀL) are SPD and conditioned like K, not K². Since b lies in the
// range of K (every term of b starts with K_rr or K_rf = J_r J_fᵀ), A x = b holds exactly, and
// Δθ = J_rᵀ x is the unique answer even though x is only one of many Δα_r. Iterative refinement
// against the full D6 residual then removes the rounding of the factorisations.
import { choleskyInPlace, choleskySolve, crossT, dense, Dense, matTVec, matVec } from '../../numeric/linalg';
import { applyBlocks } from './losses';

export interface PivotedCholesky {
  /** m×r lower factor in the original row order: K ≈ L Lᵀ. */
  L: Dense;
  rank: number;
}

/**
 * Pivoted (outer-product) Cholesky of a PSD matrix, stopping once the largest remaining Schur
 * diagonal falls to relTol·max diag(K) (the rounding floor of a rank-deficient K) or at maxRank.
 */
export function pivotedCholesky(K: Dense, relTol: number, maxRank = K.rows): PivotedCholesky {
  const n = K.rows;
  const diag = new Float64Array(n);
  let dmax = 0;
  for (let i = 0; i < n; i++) { diag[i] = K.data[i * n + i]; dmax = Math.max(dmax, diag[i]); }
  const used = new Uint8Array(n);
  const cols: Float64Array[] = [];
  const stop = relTol * dmax;
  while (cols.length < Math.min(maxRank, n)) {
    let p = -1, best = stop;
    for (let i = 0; i < n; i++) if (!used[i] && diag[i] > best) { best = diag[i]; p = i; }
    if (p < 0) break;
    used[p] = 1;
    const col = new Float64Array(n);
    const piv = Math.sqrt(diag[p]);
    for (let i = 0; i < n; i++) {
      if (used[i] && i !== p) continue;
      let s = K.data[i * n + p];
      for (const c of cols) s -= c[i] * c[p];
      col[i] = s / piv;
    }
    col[p] = piv;
    for (let i = 0; i < n; i++) if (!used[i]) diag[i] -= col[i] * col[i];
    cols.push(col);
  }
  const r = cols.length;
  const L = dense(n, r);
  for (let k = 0; k < r; k++) for (let i = 0; i < n; i++) L.data[i * r + k] = cols[k][i];
  return { L, rank: r };
}

export interface RangeSolveResult {
  x: Float64Array;
  rank: number;
  refinements: number;
  /** ‖b − A x‖/‖b‖ of the full D6 operator after refinement. */
  relResidual: number;
}

/**
 * Solves s·K(H K + λI) x = b for x in range(K). `apply` is the full D6 operator (used for the
 * refinement residuals); H is block-diagonal with d_out-blocks over K's rows.
 */
export function solveD6OnRange(
  K: Dense, H: Float64Array, dOut: number, lambda: number, s: number, b: Float64Array,
  apply: (v: Float64Array) => Float64Array, maxRank?: number,
): RangeSolveResult {
  const m = K.rows;
  const { L, rank } = pivotedCholesky(K, Math.max(m, 1) * 1e-15, maxRank);
  const r = rank;
  const bNorm = Math.sqrt(b.reduce((a, v) => a + v * v, 0));
  if (r === 0 || bNorm === 0) return { x: new Float64Array(m), rank: r, refinements: 0, relResidual: 0 };
  // HL = blockdiag(H) L, column by column through the same block product the operator uses
  const HL = dense(m, r);
  const col = new Float64Array(m), hcol = new Float64Array(m);
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < m; i++) col[i] = L.data[i * r + k];
    applyBlocks(H, col, dOut, hcol);
    for (let i = 0; i < m; i++) HL.data[i * r + k] = hcol[i];
  }
  const M = crossT(L, HL);
  for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) {
    const v = 0.5 * (M.data[i * r + j] + M.data[j * r + i]);
    M.data[i * r + j] = v; M.data[j * r + i] = v;
  }
  for (let i = 0; i < r; i++) M.data[i * r + i] += lambda;
  const LM = choleskyInPlace(M);
  const LG = choleskyInPlace(crossT(L, L));
  const solve = (rhs: Float64Array): Float64Array => {
    const y = choleskySolve(LG, matTVec(L, rhs));
    for (let i = 0; i < r; i++) y[i] /= s;
    return matVec(L, choleskySolve(LG, choleskySolve(LM, y)));
  };
  const x = solve(b);
  let res = residual(apply, x, b);
  let rel = norm(res) / bNorm, refinements = 0;
  // each round gains the factorisations' accuracy again; stop when it no longer helps
  while (refinements < 4 && rel > 1e-15) {
    const dx = solve(res);
    const trial = x.map((v, i) => v + dx[i]);
    const resTrial = residual(apply, trial, b);
    const relTrial = norm(resTrial) / bNorm;
    if (!(relTrial < 0.5 * rel)) break;
    x.set(trial); res = resTrial; rel = relTrial; refinements++;
  }
  return { x, rank: r, refinements, relResidual: rel };
}

function residual(apply: (v: Float64Array) => Float64Array, x: Float64Array, b: Float64Array): Float64Array {
  const ax = apply(x);
  for (let i = 0; i < b.length; i++) ax[i] = b[i] - ax[i];
  return ax;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

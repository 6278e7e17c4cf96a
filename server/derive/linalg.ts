// Dense float64 linear algebra for the small matrices of derivation checks: LU with partial pivoting,
// from which inverse, determinant and a 1-norm condition number follow. Sizes are tiny (≲ 100), so the
// plain O(n³) loops are the clearest choice.
import { Tensor, tensor } from './tensor';

export interface LU { n: number; lu: Float64Array; perm: Int32Array; sign: number; singular: boolean }

export function luDecompose(a: Tensor): LU {
  const n = a.shape[0];
  const lu = Float64Array.from(a.data);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1, singular = false;
  for (let k = 0; k < n; k++) {
    let p = k, best = Math.abs(lu[k * n + k]);
    for (let i = k + 1; i < n; i++) { const v = Math.abs(lu[i * n + k]); if (v > best) { best = v; p = i; } }
    if (best === 0) { singular = true; continue; }
    if (p !== k) {
      for (let j = 0; j < n; j++) { const t = lu[k * n + j]; lu[k * n + j] = lu[p * n + j]; lu[p * n + j] = t; }
      const t = perm[k]; perm[k] = perm[p]; perm[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] /= pivot);
      if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { n, lu, perm, sign, singular };
}

/** Inverse via LU; a singular matrix yields a matrix of NaN (the caller reports it as ill-conditioned). */
export function inverse(a: Tensor): Tensor {
  const { n, lu, perm, singular } = luDecompose(a);
  const out = tensor([n, n]);
  if (singular) { out.data.fill(NaN); return out; }
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // Solve L U x = P e_j column by column.
    for (let i = 0; i < n; i++) col[i] = perm[i] === j ? 1 : 0;
    for (let i = 0; i < n; i++) { let s = col[i]; for (let k = 0; k < i; k++) s -= lu[i * n + k] * col[k]; col[i] = s; }
    for (let i = n - 1; i >= 0; i--) {
      let s = col[i];
      for (let k = i + 1; k < n; k++) s -= lu[i * n + k] * col[k];
      col[i] = s / lu[i * n + i];
    }
    for (let i = 0; i < n; i++) out.data[i * n + j] = col[i];
  }
  return out;
}

export function determinant(a: Tensor): number {
  const { n, lu, sign, singular } = luDecompose(a);
  if (singular) return 0;
  let d = sign;
  for (let i = 0; i < n; i++) d *= lu[i * n + i];
  return d;
}

/** log|det A|, summed in log space so large matrices do not overflow. */
export function logAbsDeterminant(a: Tensor): number {
  const { n, lu, singular } = luDecompose(a);
  if (singular) return -Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(Math.abs(lu[i * n + i]));
  return s;
}

export function norm1(a: Tensor): number {
  const [r, c] = a.shape;
  let best = 0;
  for (let j = 0; j < c; j++) {
    let s = 0;
    for (let i = 0; i < r; i++) s += Math.abs(a.data[i * c + j]);
    if (s > best || Number.isNaN(s)) best = s;
  }
  return best;
}

/** κ₁(A) = ‖A‖₁ ‖A⁻¹‖₁ given the already computed inverse; ∞ for a singular matrix. */
export function conditionNumber(a: Tensor, inv: Tensor): number {
  const k = norm1(a) * norm1(inv);
  return Number.isFinite(k) ? k : Infinity;
}

// Matrix-free products with the constraint matrix A (rows a_k = g_k ⊗ e_i, k = i·(p−1) + j'),
// restricted to the rows selected by a 0/1 mask. Neither A (p(p−1) × d²) nor AᵀA is ever formed;
// both products are O(p²d + pd²) and matmul-shaped (batchedMatmul), which is what makes them fast:
//   A·vec(V)   = all margins of V (scores.ts: Y = E Vᵀ, then S = Y Uᵀ or per-input G_i y_i);
//   Aᵀr        = Σ_i z_i e_iᵀ = Zᵀ E  with  z_i = Σ_j r_k g_k  (coupled: Z = diag(R1) U − R U).
import { bmm as batchedMatmul } from './bmm';
import { choleskyInPlace, choleskyInverse, dense } from '../../numeric/linalg';
import { constraintDirection, type MemoryInstance } from './instance';
import { constraintMargins } from './scores';

/** out[k] = mask_k · a_kᵀ vec(V) for every row. */
export function maskedRowProducts(inst: MemoryInstance, V: Float64Array, mask: Float64Array, out: Float64Array): Float64Array {
  const m = constraintMargins(inst, V);
  for (let k = 0; k < m.length; k++) out[k] = mask[k] * m[k];
  return out;
}

/** Σ_k r_k a_k as a row-major d×d matrix (rows with r_k = 0 contribute nothing). */
export function rowCombination(inst: MemoryInstance, r: Float64Array, out?: Float64Array): Float64Array {
  const { d, p, E, U } = inst;
  let Z: Float64Array;
  if (inst.G) {
    // z_i = G_iᵀ r_i, one (1×(p−1))·((p−1)×d) product per input.
    Z = batchedMatmul(r, inst.G, p, 1, p - 1, d, { strideA: p - 1, strideB: (p - 1) * d });
  } else {
    // Coefficient matrix R (p×p, zero diagonal): z_i = (Σ_j R_ij) u_i − Σ_j R_ij u_j.
    const R = new Float64Array(p * p);
    const rs = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let jp = 0; jp < p - 1; jp++) {
        const v = r[i * (p - 1) + jp];
        R[i * p + (jp < i ? jp : jp + 1)] = v;
        s += v;
      }
      rs[i] = s;
    }
    Z = batchedMatmul(R, U, 1, p, p, d);
    for (let i = 0; i < p; i++) for (let a = 0; a < d; a++) Z[i * d + a] = rs[i] * U[i * d + a] - Z[i * d + a];
  }
  return batchedMatmul(Z, E, 1, d, p, d, { transA: true }, out);
}

/** Diagonal of A_Iᵀ A_I for the masked rows (a Jacobi preconditioner): (a, b) ↦ Σ_k g_{k,a}² e_{i,b}². */
export function normalDiagonal(inst: MemoryInstance, mask: Float64Array, out: Float64Array): Float64Array {
  const { d, p, E } = inst;
  out.fill(0);
  const z = new Float64Array(d), g = new Float64Array(d);
  for (let i = 0; i < p; i++) {
    z.fill(0);
    let any = false;
    for (let jp = 0; jp < p - 1; jp++) {
      if (mask[i * (p - 1) + jp] === 0) continue;
      any = true;
      constraintDirection(inst, i, jp, g);
      for (let a = 0; a < d; a++) z[a] += g[a] * g[a];
    }
    if (!any) continue;
    const eo = i * d;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[a * d + b] += z[a] * E[eo + b] * E[eo + b];
  }
  return out;
}

/**
 * Kronecker preconditioner for A_IᵀA_I = Σ_i (Σ_{j∈I_i} g_ij g_ijᵀ) ⊗ e_i e_iᵀ. Treating the
 * competitor part and the input part as independent gives X ⊗ Y with X = Σ_k mask_k g_k g_kᵀ and
 * Y = EᵀE / p; its inverse applies as R ↦ X⁻¹ R Y⁻¹ (row-major vec: (X ⊗ Y) vec V = vec(X V Yᵀ)),
 * O(d³) per application. Returns the two inverses (a small ridge keeps them positive definite).
 */
export function kroneckerFactors(inst: MemoryInstance, mask: Float64Array): { Xinv: Float64Array; Yinv: Float64Array } {
  const { d, p, E, U } = inst;
  let X: Float64Array;
  if (inst.G) {
    // Gᵀ diag(mask) G over all stored differences.
    const K = p * (p - 1);
    const MG = new Float64Array(K * d);
    for (let k = 0; k < K; k++) if (mask[k] !== 0) for (let a = 0; a < d; a++) MG[k * d + a] = inst.G[k * d + a];
    X = batchedMatmul(MG, inst.G, 1, d, K, d, { transA: true });
  } else {
    // Σ m_ij (u_i − u_j)(u_i − u_j)ᵀ = Uᵀ diag(row + column sums) U − Uᵀ (M + Mᵀ) U.
    const Ms = new Float64Array(p * p);
    const deg = new Float64Array(p);
    for (let i = 0; i < p; i++) for (let jp = 0; jp < p - 1; jp++) {
      if (mask[i * (p - 1) + jp] === 0) continue;
      const j = jp < i ? jp : jp + 1;
      Ms[i * p + j] += 1; Ms[j * p + i] += 1; deg[i] += 1; deg[j] += 1;
    }
    for (let i = 0; i < p; i++) Ms[i * p + i] -= deg[i];
    const MU = batchedMatmul(Ms, U, 1, p, p, d);
    X = batchedMatmul(U, MU, 1, d, p, d, { transA: true });
    for (let a = 0; a < d * d; a++) X[a] = -X[a];
  }
  const Y = batchedMatmul(E, E, 1, d, p, d, { transA: true });
  for (let a = 0; a < d * d; a++) Y[a] /= p;
  return { Xinv: spdInverse(X, d), Yinv: spdInverse(Y, d) };
}

/** out = X⁻¹ R Y⁻¹ for the factors above. */
export function applyKronecker(f: { Xinv: Float64Array; Yinv: Float64Array }, R: Float64Array, d: number, out: Float64Array): Float64Array {
  const T = batchedMatmul(f.Xinv, R, 1, d, d, d);
  return batchedMatmul(T, f.Yinv, 1, d, d, d, {}, out);
}

function spdInverse(A: Float64Array, d: number): Float64Array {
  let tr = 0;
  for (let a = 0; a < d; a++) tr += A[a * d + a];
  const M = dense(d, d, Float64Array.from(A));
  for (let a = 0; a < d; a++) M.data[a * d + a] += 1e-8 * (tr / d) + 1e-300;
  return choleskyInverse(choleskyInPlace(M)).data;
}

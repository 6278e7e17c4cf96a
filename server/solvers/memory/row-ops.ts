// Matrix-free products with the constraint matrix A (rows a_k = g_k ⊗ e_i, k = i·(p−1) + j'),
// restricted to the rows selected by a 0/1 mask. Neither A (p(p−1) × d²) nor AᵀA is ever formed;
// both products are O(p²d + pd²) and matmul-shaped (batchedMatmul), which is what makes them fast:
//   A·vec(V)   = all margins of V (scores.ts: Y = E Vᵀ, then S = Y Uᵀ or per-input G_i y_i);
//   Aᵀr        = Σ_i z_i e_iᵀ = Zᵀ E  with  z_i = Σ_j r_k g_k  (coupled: Z = diag(R1) U − R U).
import { batchedMatmul } from '../../numeric/batched-matmul';
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

// Matrix-free products with the constraint matrix A (rows a_k = g_k ⊗ e_i, k = i·(p−1) + j') on a
// subset of rows given per input. Neither A nor AᵀA is ever formed: A·vec(V) needs y_i = V e_i (pd²)
// and one d-dot per row; Aᵀr needs z_i = Σ_j r_k g_k per input and p rank-one updates.
import { constraintDirection, type MemoryInstance } from './instance';

/** Per input i, the competitor slots j' whose rows take part. */
export type RowSets = Int32Array[];

export function allRows(p: number): RowSets {
  return Array.from({ length: p }, () => Int32Array.from({ length: p - 1 }, (_, j) => j));
}

export function countRows(rows: RowSets): number {
  return rows.reduce((s, r) => s + r.length, 0);
}

/** out[k] = a_kᵀ vec(V) for the listed rows (other entries untouched). */
export function rowProducts(inst: MemoryInstance, V: Float64Array, rows: RowSets, out: Float64Array): void {
  const { d, p, E } = inst;
  const y = new Float64Array(d), g = new Float64Array(d);
  for (let i = 0; i < p; i++) {
    const set = rows[i];
    if (set.length === 0) continue;
    const eo = i * d;
    for (let a = 0; a < d; a++) {
      let s = 0;
      const va = a * d;
      for (let b = 0; b < d; b++) s += V[va + b] * E[eo + b];
      y[a] = s;
    }
    for (let t = 0; t < set.length; t++) {
      const jp = set[t];
      constraintDirection(inst, i, jp, g);
      let s = 0;
      for (let a = 0; a < d; a++) s += g[a] * y[a];
      out[i * (p - 1) + jp] = s;
    }
  }
}

/** out = Σ_{listed k} r_k a_k as a d×d matrix (overwritten). */
export function rowCombination(inst: MemoryInstance, r: Float64Array, rows: RowSets, out: Float64Array): Float64Array {
  const { d, p, E } = inst;
  out.fill(0);
  const z = new Float64Array(d), g = new Float64Array(d);
  for (let i = 0; i < p; i++) {
    const set = rows[i];
    if (set.length === 0) continue;
    z.fill(0);
    let any = false;
    for (let t = 0; t < set.length; t++) {
      const jp = set[t];
      const rk = r[i * (p - 1) + jp];
      if (rk === 0) continue;
      any = true;
      constraintDirection(inst, i, jp, g);
      for (let a = 0; a < d; a++) z[a] += rk * g[a];
    }
    if (!any) continue;
    const eo = i * d;
    for (let a = 0; a < d; a++) {
      const za = z[a];
      if (za === 0) continue;
      const oa = a * d;
      for (let b = 0; b < d; b++) out[oa + b] += za * E[eo + b];
    }
  }
  return out;
}

/** Diagonal of A_Iᵀ A_I (a Jacobi preconditioner): entry (a, b) = Σ_k g_{k,a}² e_{i,b}². */
export function normalDiagonal(inst: MemoryInstance, rows: RowSets, out: Float64Array): Float64Array {
  const { d, p, E } = inst;
  out.fill(0);
  const z = new Float64Array(d), g = new Float64Array(d);
  for (let i = 0; i < p; i++) {
    const set = rows[i];
    if (set.length === 0) continue;
    z.fill(0);
    for (let t = 0; t < set.length; t++) {
      constraintDirection(inst, i, set[t], g);
      for (let a = 0; a < d; a++) z[a] += g[a] * g[a];
    }
    const eo = i * d;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[a * d + b] += z[a] * E[eo + b] * E[eo + b];
  }
  return out;
}

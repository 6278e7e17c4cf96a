// Scores and recall margins of a weight matrix W on a storage problem (math spec M1): s_ij = c_jᵀ W e_i.
// Everything here goes through `batchedMatmul`, so the heavy part (p²d + pd² per trial) is one
// matmul-shaped call that a GPU kernel can take over.
import { bmm as batchedMatmul } from './bmm';
import type { MemoryInstance } from './instance';

/**
 * Score matrices S[t] = E[t] · W[t]ᵀ · U[t]ᵀ (p×p, rows = inputs i, columns = targets j) for a batch of
 * trials stacked along the first axis. `W` may be one shared d×d matrix (strideW = 0).
 */
export function scoreMatrices(
  E: Float64Array, W: Float64Array, U: Float64Array, batch: number, p: number, d: number, strideW = d * d,
): Float64Array {
  const Y = batchedMatmul(E, W, batch, p, d, d, { transB: true, strideB: strideW }); // y_i = W e_i
  return batchedMatmul(Y, U, batch, p, d, p, { transB: true });
}

/** y_i = W e_i for every input, as a p×d array. */
export function mappedInputs(inst: MemoryInstance, W: Float64Array): Float64Array {
  return batchedMatmul(inst.E, W, 1, inst.p, inst.d, inst.d, { transB: true });
}

/**
 * Margin of every constraint row k = i·(p−1) + j': g_ijᵀ W e_i = s_ii − s_ij (coupled) or
 * (u_i − v_ij)ᵀ W e_i (decoupled).
 */
export function constraintMargins(inst: MemoryInstance, W: Float64Array): Float64Array {
  const { d, p } = inst;
  const Y = mappedInputs(inst, W);
  const m = new Float64Array(p * (p - 1));
  if (inst.G) {
    // One (p−1)×d by d product per input: the competitors are private to each input.
    const r = batchedMatmul(inst.G, Y, p, p - 1, d, 1, { strideA: (p - 1) * d, strideB: d });
    m.set(r);
    return m;
  }
  const S = batchedMatmul(Y, inst.U, 1, p, d, p, { transB: true });
  for (let i = 0; i < p; i++) {
    const sii = S[i * p + i];
    for (let jp = 0; jp < p - 1; jp++) {
      const j = jp < i ? jp : jp + 1;
      m[i * (p - 1) + jp] = sii - S[i * p + j];
    }
  }
  return m;
}

/** Per-input correct score s_ii and largest competitor score, from a margin vector and Y = W Eᵀ. */
export function correctAndBestCompetitor(inst: MemoryInstance, W: Float64Array): { correct: Float64Array; best: Float64Array } {
  const { d, p, U } = inst;
  const Y = mappedInputs(inst, W);
  const margins = constraintMargins(inst, W);
  const correct = new Float64Array(p), best = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let a = 0; a < d; a++) s += U[i * d + a] * Y[i * d + a];
    correct[i] = s;
    let mn = Infinity;
    for (let jp = 0; jp < p - 1; jp++) mn = Math.min(mn, margins[i * (p - 1) + jp]);
    best[i] = s - mn;
  }
  return { correct, best };
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > m) m = v; }
  return m;
}

export function minOf(a: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}

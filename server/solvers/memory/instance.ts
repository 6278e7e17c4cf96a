// One random storage problem of the associative-memory model (math spec §2): p inputs e_i and p targets
// u_i, i.i.d. uniform on the unit sphere of R^d, plus — in the decoupled model — fresh competitors
// v_ij for every input. Constraint (i, j) reads g_ijᵀ W e_i ≥ margin with g_ij = u_i − c_ij, where the
// competitor c_ij is u_j (coupled) or v_ij (decoupled). Constraint rows are indexed k = i·(p−1) + j'
// with j' = 0..p−2 running over the p−1 competitors of input i.
import { Rng } from '../../numeric/rng';

export type MemoryModel = 'coupled' | 'decoupled';

export interface MemoryInstance {
  d: number;
  p: number;
  model: MemoryModel;
  /** p×d inputs, row i = e_i (unit norm). */
  E: Float64Array;
  /** p×d targets, row i = u_i (unit norm). */
  U: Float64Array;
  /** Decoupled only: p×(p−1)×d differences u_i − v_ij (stored, because they are not shared). */
  G?: Float64Array;
}

/** Fills `out[off..off+d)` with a uniform point of the unit sphere (normalised Gaussian). */
export function sphereRow(rng: Rng, out: Float64Array, off: number, d: number): void {
  let s = 0;
  do {
    s = 0;
    for (let a = 0; a < d; a++) { const x = rng.normal(); out[off + a] = x; s += x * x; }
  } while (s === 0);
  const inv = 1 / Math.sqrt(s);
  for (let a = 0; a < d; a++) out[off + a] *= inv;
}

/**
 * Samples trial `trial` of stream `seed`. Each trial has its own derived stream, so a trial's problem
 * does not depend on how many trials run or in which order (reproducible per (seed, trial)).
 */
export function sampleInstance(d: number, p: number, model: MemoryModel, seed: number, trial: number): MemoryInstance {
  const rng = Rng.derive(seed, trial);
  const E = new Float64Array(p * d), U = new Float64Array(p * d);
  for (let i = 0; i < p; i++) sphereRow(rng, E, i * d, d);
  for (let i = 0; i < p; i++) sphereRow(rng, U, i * d, d);
  const inst: MemoryInstance = { d, p, model, E, U };
  if (model === 'decoupled') {
    const G = new Float64Array(p * (p - 1) * d);
    const v = new Float64Array(d);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p - 1; j++) {
        sphereRow(rng, v, 0, d);
        const o = (i * (p - 1) + j) * d;
        for (let a = 0; a < d; a++) G[o + a] = U[i * d + a] - v[a];
      }
    }
    inst.G = G;
  }
  return inst;
}

/** Index of the target that competitor slot j' of input i stands for (coupled model). */
export function competitorIndex(i: number, jp: number): number {
  return jp < i ? jp : jp + 1;
}

/** Writes g_ij (row k = i·(p−1) + j') into out[0..d). */
export function constraintDirection(inst: MemoryInstance, i: number, jp: number, out: Float64Array): Float64Array {
  const { d, p, U, G } = inst;
  if (G) {
    const o = (i * (p - 1) + jp) * d;
    for (let a = 0; a < d; a++) out[a] = G[o + a];
  } else {
    const j = competitorIndex(i, jp);
    for (let a = 0; a < d; a++) out[a] = U[i * d + a] - U[j * d + a];
  }
  return out;
}

// The Adam-student protocol's shared pieces (shared/math/scaling-laws.md, the Adam experiment): its
// configuration and per-seed result, the teacher and the student's initialisation, and the feature
// overlaps that count learned directions. Both trainings use them — the typed-array student
// (adamStudent.ts) and the one on the kernel primitives (kernelStudent.ts) — so neither imports the other.
import type { Rng } from '../../numeric/rng';
import type { Activation } from './studentMlp';
import { orthonormalRows, Teacher } from './teacher';

export interface AdamRunConfig {
  d: number; k: number; width: number; n: number; delta: number;
  v2: Float64Array; act: Activation;
  lr: number; epochs: number; batches: number; nTest: number;
  vInit: 'zero' | 'inv_sqrt_width';
  renormalise: boolean;
}

export interface AdamSeedResult {
  testMse: number; trainMse: number; learned: number;
  /** Per teacher feature: max over student rows of |w_j·w0_i|. */
  maxOverlap: Float64Array;
  /** Mean train MSE per epoch. */
  lossTrace: Float64Array;
}

export function makeTeacher(d: number, k: number, v2: Float64Array, rng: Rng): Teacher {
  const v0 = new Float64Array(k);
  for (let i = 0; i < k; i++) v0[i] = Math.sqrt(v2[i]);
  return { d, k, W0: orthonormalRows(k, d, rng), v0 };
}

/** Student initialisation: torch.nn.Linear's U(−1/√d, 1/√d) divided by √d; v = p^{−1/2} or 0. */
export function initialStudent(cfg: AdamRunConfig, rng: Rng): { W: Float64Array; v: Float64Array } {
  const { d, width: p } = cfg;
  const W = new Float64Array(p * d);
  const bound = 1 / Math.sqrt(d);
  for (let i = 0; i < W.length; i++) W[i] = ((2 * rng.uniform() - 1) * bound) / Math.sqrt(d);
  const v = new Float64Array(p).fill(cfg.vInit === 'zero' ? 0 : 1 / Math.sqrt(p));
  return { W, v };
}

/** Per teacher feature i: max over student rows j of |cos(w_j, w0_i)|. */
export function featureOverlaps(W: Float64Array, p: number, teacher: Teacher): Float64Array {
  const { d, k, W0 } = teacher;
  const out = new Float64Array(k);
  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let nn = 0;
    for (let c = 0; c < d; c++) nn += W[j * d + c] ** 2;
    norms[j] = Math.sqrt(nn) || 1;
  }
  for (let i = 0; i < k; i++) {
    let best = 0;
    for (let j = 0; j < p; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += W[j * d + c] * W0[i * d + c];
      best = Math.max(best, Math.abs(dot) / norms[j]);
    }
    out[i] = best;
  }
  return out;
}

// Training/test data for the influence solvers: seeded synthetic teacher data or a workspace CSV,
// and the forget set (explicit indices or a seeded fraction, per class for classification).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../../numeric/rng';
import { SolverInputError } from '../registry';
import type { LossName } from './losses';

export interface Dataset {
  /** Inputs, row-major n×d. */
  X: Float64Array;
  /** Targets, row-major n×d_out (one-hot for classification, ±1 when d_out = 1). */
  Y: Float64Array;
  n: number;
  d: number;
  /** Class index per row for classification (used to sample the forget set per class). */
  classes?: Int32Array;
}

/** Labels from teacher outputs: continuous with noise (rls) or the argmax class (softmax_ce). */
export function labelsFromScores(scores: Float64Array, n: number, dOut: number, loss: LossName, noise: number, rng: Rng): { Y: Float64Array; classes?: Int32Array } {
  const Y = new Float64Array(n * dOut);
  if (loss === 'rls') {
    for (let i = 0; i < n * dOut; i++) Y[i] = scores[i] + noise * rng.normal();
    return { Y };
  }
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (dOut === 1) {
      const y = scores[i] + noise * rng.normal() >= 0 ? 1 : -1;
      Y[i] = y; classes[i] = y > 0 ? 1 : 0;
      continue;
    }
    let best = 0, bestV = -Infinity;
    for (let a = 0; a < dOut; a++) {
      const v = scores[i * dOut + a] + noise * rng.normal();
      if (v > bestV) { bestV = v; best = a; }
    }
    Y[i * dOut + best] = 1; classes[i] = best;
  }
  return { Y, classes };
}

/** x ~ N(0, I_d); a random linear teacher W_T x/√d gives the scores. */
export function syntheticData(n: number, d: number, dOut: number, loss: LossName, noise: number, rng: Rng): Dataset {
  const X = rng.normals(n * d);
  const W = rng.normals(dOut * d);
  const scores = new Float64Array(n * dOut);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dOut; a++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += W[a * d + k] * X[i * d + k];
      scores[i * dOut + a] = s / Math.sqrt(d);
    }
  }
  const { Y, classes } = labelsFromScores(scores, n, dOut, loss, noise, rng);
  return { X, Y, n, d, classes };
}

/**
 * Resolves a data path against the job's data root (SolverContext.dataRoot: the workspace folder) and
 * confines it there: the resolved real path must stay under the root's real path, so neither `..`, an
 * absolute path elsewhere nor a symlink can escape. An absolute path inside the root is what the
 * language server passes once the checker has resolved the path against the .tlab file.
 */
export function resolveDataPath(p: string, root: string): string {
  const full = path.resolve(root, p);
  const realRoot = fs.realpathSync(root);
  const outside = (q: string) => { const rel = path.relative(realRoot, q); return rel.startsWith('..') || path.isAbsolute(rel); };
  if (!fs.existsSync(full)) {
    if (outside(path.resolve(realRoot, p))) throw new SolverInputError(`data path '${p}' leads outside the workspace (${root}); only files inside it can be read`, 'data');
    throw new SolverInputError(`data file not found: '${p}'`, 'data');
  }
  const real = fs.realpathSync(full);
  if (outside(real)) {
    throw new SolverInputError(`data path '${p}' leads outside the workspace (${root}); only files inside it can be read`, 'data');
  }
  if (!fs.statSync(real).isFile()) throw new SolverInputError(`data path '${p}' is not a file`, 'data');
  return real;
}

/**
 * Parses a numeric CSV (an optional header line is skipped). For rls the last d_out columns are the
 * targets; for softmax_ce the last column is the class (0..d_out−1, or ±1 / 0/1 when d_out = 1).
 */
export function parseCsv(text: string, dOut: number, loss: LossName): Dataset {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  const rows: number[][] = [];
  lines.forEach((line, k) => {
    const cells = line.split(',').map((c) => c.trim());
    const nums = cells.map(Number);
    if (nums.some((v) => !Number.isFinite(v) || cells.some((c) => c === ''))) {
      if (k === 0 && rows.length === 0) return; // header
      throw new SolverInputError(`CSV line ${k + 1}: every cell must be a finite number`, 'data');
    }
    rows.push(nums);
  });
  if (rows.length < 3) throw new SolverInputError('CSV needs at least 3 data rows', 'data');
  const width = rows[0].length;
  if (rows.some((r) => r.length !== width)) throw new SolverInputError('CSV rows have different numbers of columns', 'data');
  const nTarget = loss === 'rls' ? dOut : 1;
  const d = width - nTarget;
  if (d < 1) throw new SolverInputError(`CSV has ${width} columns: need at least one feature plus ${nTarget} target column(s)`, 'data');
  const n = rows.length;
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n * dOut);
  let classes: Int32Array | undefined;
  if (loss !== 'rls') classes = new Int32Array(n);
  rows.forEach((r, i) => {
    for (let k = 0; k < d; k++) X[i * d + k] = r[k];
    if (loss === 'rls') { for (let a = 0; a < dOut; a++) Y[i * dOut + a] = r[d + a]; return; }
    const c = r[d];
    if (dOut === 1) {
      if (c !== 1 && c !== -1 && c !== 0) throw new SolverInputError(`CSV row ${i + 1}: binary label must be ±1 or 0/1, got ${c}`, 'data');
      Y[i] = c === 1 ? 1 : -1; classes![i] = c === 1 ? 1 : 0;
    } else {
      if (!Number.isInteger(c) || c < 0 || c >= dOut) throw new SolverInputError(`CSV row ${i + 1}: class ${c} is not an integer in [0, ${dOut - 1}]`, 'data');
      Y[i * dOut + c] = 1; classes![i] = c;
    }
  });
  return { X, Y, n, d, classes };
}

/** Row subset of a dataset. */
export function takeRows(ds: Dataset, from: number, to: number, dOut: number): Dataset {
  return {
    X: ds.X.slice(from * ds.d, to * ds.d),
    Y: ds.Y.slice(from * dOut, to * dOut),
    n: to - from,
    d: ds.d,
    classes: ds.classes?.slice(from, to),
  };
}

/**
 * The forget set: explicit indices, or round(fraction·N) points drawn without replacement (per
 * class when classes are known, so every class loses the same share). At least one point is
 * forgotten and at least one retained.
 */
export function chooseForget(n: number, indices: number[] | undefined, fraction: number, classes: Int32Array | undefined, rng: Rng): number[] {
  let forget: number[];
  // `forget = []` is a list written on purpose: falling back to a random forget set would answer
  // another question than the one asked (and removing nothing has no influence to measure).
  if (indices && indices.length === 0) throw new SolverInputError('forget = [] names no point: give the indices to remove, or leave `forget` out to draw forget_fraction of the points', 'forget');
  if (indices) {
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new SolverInputError(`forget index ${i} is not an integer in [0, ${n - 1}]`, 'forget');
    }
    forget = [...new Set(indices)].sort((a, b) => a - b);
  } else {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = classes ? classes[i] : 0;
      if (!byClass.has(c)) byClass.set(c, []);
      byClass.get(c)!.push(i);
    }
    forget = [];
    for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
      const members = byClass.get(c)!;
      rng.shuffle(members);
      forget.push(...members.slice(0, Math.round(fraction * members.length)));
    }
    if (forget.length === 0) forget.push(rng.int(n));
    if (forget.length >= n) forget.pop();
    forget.sort((a, b) => a - b);
  }
  if (forget.length >= n) throw new SolverInputError('the forget set may not contain every training point', 'forget');
  return forget;
}

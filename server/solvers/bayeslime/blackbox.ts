// Built-in black boxes on synthetic tabular data (seeded), and the map from a perturbation z to the
// model input: z_j = 1 keeps the instance's feature, z_j = 0 replaces it by the background value.
import { Rng } from '../../numeric/rng';
import { SolverInputError } from '../registry';
import { compileFeatureExpr, FeatureExprError } from './featureExpr';

export type BlackBoxName = 'logistic' | 'forest' | 'expr';
export type BlackBox = (x: ArrayLike<number>) => number;

/** A logistic model σ(wᵀx/√d + c): the explained output is the positive-class probability. */
export function logisticBox(d: number, rng: Rng): BlackBox {
  const w = rng.normals(d, 2);
  const c = 0.5 * rng.normal();
  return (x) => {
    let s = c;
    for (let j = 0; j < d; j++) s += w[j] * x[j];
    s /= Math.sqrt(d);
    return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
  };
}

/**
 * A random-forest-like step function: the mean of `trees` random axis-aligned trees of depth
 * `depth` (random feature and threshold per node, leaf values in [0, 1]). Piecewise constant, with
 * interactions, so a linear surrogate is only locally adequate — the situation explanations face.
 */
export function forestBox(d: number, rng: Rng, trees = 20, depth = 3): BlackBox {
  const nodes = (1 << depth) - 1;
  const feat = new Int32Array(trees * nodes), thr = new Float64Array(trees * nodes);
  const leaves = new Float64Array(trees * (1 << depth));
  for (let i = 0; i < feat.length; i++) { feat[i] = rng.int(d); thr[i] = 0.5 * rng.normal(); }
  for (let i = 0; i < leaves.length; i++) leaves[i] = rng.uniform();
  return (x) => {
    let s = 0;
    for (let t = 0; t < trees; t++) {
      let node = 0;
      for (let level = 0; level < depth; level++) {
        const k = t * nodes + node;
        node = 2 * node + (x[feat[k]] > thr[k] ? 2 : 1);
      }
      s += leaves[t * (1 << depth) + node - nodes];
    }
    return s / trees;
  };
}

export function exprBox(src: string, d: number): BlackBox {
  try {
    return compileFeatureExpr(src, d);
  } catch (e) {
    if (e instanceof FeatureExprError) throw new SolverInputError(`expr: ${e.message}`, 'expr');
    throw e;
  }
}

/** Queries the black box on perturbations z (row-major n×d) of `instance` against `background`. */
export function queryPerturbations(box: BlackBox, Z: ArrayLike<number>, n: number, instance: ArrayLike<number>, background: ArrayLike<number>): Float64Array {
  const d = instance.length;
  const x = new Float64Array(d);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) x[j] = Z[r * d + j] ? instance[j] : background[j];
    const v = box(x);
    if (!Number.isFinite(v)) {
      throw new SolverInputError(`the black box returned ${v} at the perturbed input (${Array.from(x, (t) => t.toFixed(3)).join(', ')})`, 'expr');
    }
    y[r] = v;
  }
  return y;
}

/**
 * A logistic-regression black box trained on a table (rows × d features, labels 0/1) by Newton's
 * method with a small ridge penalty (which also keeps separable data finite).
 */
export function trainedLogisticBox(X: Float64Array, labels: Float64Array, n: number, d: number, ridge = 1e-2): BlackBox {
  const k = d + 1;
  let w = new Float64Array(k); // intercept first
  const row = (i: number, j: number) => (j === 0 ? 1 : X[i * d + j - 1]);
  for (let it = 0; it < 50; it++) {
    const g = new Float64Array(k);
    const H = new Float64Array(k * k);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += w[j] * row(i, j);
      const p = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
      for (let a = 0; a < k; a++) {
        g[a] += (p - labels[i]) * row(i, a);
        for (let b = 0; b < k; b++) H[a * k + b] += p * (1 - p) * row(i, a) * row(i, b);
      }
    }
    for (let a = 0; a < k; a++) { g[a] = g[a] / n + ridge * w[a]; for (let b = 0; b < k; b++) H[a * k + b] /= n; H[a * k + a] += ridge; }
    const step = solveSmall(H, g, k);
    w = w.map((v, j) => v - step[j]);
    if (Math.sqrt(step.reduce((a, b) => a + b * b, 0)) < 1e-12 * (1 + Math.sqrt(w.reduce((a, b) => a + b * b, 0)))) break;
  }
  return (x) => {
    let s = w[0];
    for (let j = 0; j < d; j++) s += w[j + 1] * x[j];
    return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
  };
}

/** Gaussian elimination with partial pivoting for the small (d+1)² Newton systems. */
function solveSmall(H: Float64Array, g: Float64Array, k: number): Float64Array {
  const a = H.slice(), x = g.slice();
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r * k + c]) > Math.abs(a[p * k + c])) p = r;
    for (let j = 0; j < k; j++) { const t = a[c * k + j]; a[c * k + j] = a[p * k + j]; a[p * k + j] = t; }
    { const t = x[c]; x[c] = x[p]; x[p] = t; }
    for (let r = c + 1; r < k; r++) {
      const f = a[r * k + c] / a[c * k + c];
      for (let j = c; j < k; j++) a[r * k + j] -= f * a[c * k + j];
      x[r] -= f * x[c];
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = x[r];
    for (let j = r + 1; j < k; j++) s -= a[r * k + j] * x[j];
    x[r] = s / a[r * k + r];
  }
  return x;
}

/** Numeric CSV (optional header): every column but the last is a feature, the last a 0/1 label. */
export function parseTable(text: string): { X: Float64Array; labels: Float64Array; n: number; d: number } {
  const rows: number[][] = [];
  text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).forEach((line, k) => {
    const cells = line.split(',').map((c) => c.trim());
    const nums = cells.map(Number);
    if (cells.some((c) => c === '') || nums.some((v) => !Number.isFinite(v))) {
      if (k === 0 && rows.length === 0) return; // header
      throw new SolverInputError(`CSV line ${k + 1}: every cell must be a finite number`, 'data');
    }
    rows.push(nums);
  });
  if (rows.length < 2) throw new SolverInputError('CSV needs at least 2 data rows', 'data');
  const width = rows[0].length;
  if (width < 2 || rows.some((r) => r.length !== width)) throw new SolverInputError('CSV rows need the same number (≥ 2) of columns: features, then a 0/1 label', 'data');
  const n = rows.length, d = width - 1;
  const X = new Float64Array(n * d), labels = new Float64Array(n);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) X[i * d + j] = r[j];
    if (r[d] !== 0 && r[d] !== 1) throw new SolverInputError(`CSV row ${i + 1}: the label (last column) must be 0 or 1, got ${r[d]}`, 'data');
    labels[i] = r[d];
  });
  return { X, labels, n, d };
}

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

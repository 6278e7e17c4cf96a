// How perturbations are drawn (bayeslime.md A3–A5): a fixed uniform budget, the PTG procedure, or
// focused sampling (Algorithm 1), which queries the black box where the surrogate's predictive
// scale is largest. Perturbations are z_j ~ Bernoulli(½) i.i.d. (project convention).
import { Rng } from '../../numeric/rng';
import { BlrFit, fitBlr, halfWidthsAnalytic, predictive, ptgCount, ptgCountRefined } from './blr';
import { KernelName, proximity } from './kernels';

export interface Explainer {
  d: number;
  kernel: KernelName;
  l2: boolean;
  level: number;
  /** Scaled-Inv-χ²(n₀, σ₀²) prior on σ² (n₀ = 0: the uninformative default). */
  prior?: { dof: number; scale: number };
  /** Black-box outputs for n perturbations (row-major n×d in {0,1}). */
  query(Z: Float64Array, n: number): Float64Array;
  checkCancelled?(): void;
  /** Fraction of the query budget spent. */
  progress?(fraction: number): void;
}

/** A growing set of queried perturbations with their outputs and proximity weights. */
export class Perturbations {
  Z: number[] = [];
  y: number[] = [];
  pi: number[] = [];
  constructor(readonly ex: Explainer) {}
  get n(): number { return this.y.length; }
  add(Z: Float64Array, n: number): void {
    const d = this.ex.d;
    const y = this.ex.query(Z, n);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) this.Z.push(Z[r * d + j]);
      this.y.push(y[r]);
      this.pi.push(proximity(this.ex.kernel, Z, r * d, d));
    }
  }
  fit(): BlrFit {
    return fitBlr(this.Z, this.y, this.pi, this.ex.d, this.ex.l2, this.ex.prior);
  }
}

export function uniformPerturbations(n: number, d: number, rng: Rng): Float64Array {
  const Z = new Float64Array(n * d);
  for (let i = 0; i < Z.length; i++) Z[i] = rng.uniform() < 0.5 ? 1 : 0;
  return Z;
}

/** Half-widths of the features only (the intercept is not reported). */
export function featureHalfWidths(fit: BlrFit, level: number): Float64Array {
  return halfWidthsAnalytic(fit, level).subarray(1);
}

export function median(a: ArrayLike<number>): number {
  const s = Float64Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

export interface TracePoint { n: number; medianWidth: number; maxWidth: number }

export interface SamplingResult {
  fit: BlrFit;
  set: Perturbations;
  trace: TracePoint[];
  /** PTG count computed from the seed fit (PTG mode only). */
  ptgSeed?: number;
  seedFit?: BlrFit;
}

function tracePoint(fit: BlrFit, level: number): TracePoint {
  const w = featureHalfWidths(fit, level);
  return { n: fit.n, medianWidth: median(w), maxWidth: Math.max(...w) };
}

/** Uniform sampling in batches; stops at `maxN` or, when `stopWidth` is set, once every half-width ≤ it. */
export function sampleUniform(ex: Explainer, rng: Rng, nInit: number, maxN: number, batch: number, stopWidth?: number): SamplingResult {
  const set = new Perturbations(ex);
  set.add(uniformPerturbations(nInit, ex.d, rng), nInit);
  let fit = set.fit();
  const trace = [tracePoint(fit, ex.level)];
  while (set.n < maxN && !(stopWidth !== undefined && trace[trace.length - 1].maxWidth <= stopWidth)) {
    ex.checkCancelled?.();
    const b = Math.min(batch, maxN - set.n);
    set.add(uniformPerturbations(b, ex.d, rng), b);
    fit = set.fit();
    trace.push(tracePoint(fit, ex.level));
    ex.progress?.(set.n / maxN);
  }
  return { fit, set, trace };
}

/** (A3) PTG: a seed of S₀ perturbations, G = ⌈G(W)⌉ from the seed fit, then G − S₀ more (capped at `cap`). */
export type PtgRule = 'paper' | 'refined';

/** Total perturbations a rule predicts for median half-width W, from a fit. */
export function ptgFor(fit: BlrFit, halfWidth: number, rule: PtgRule, level: number): number {
  return Math.ceil(rule === 'paper' ? ptgCount(fit, halfWidth) : ptgCountRefined(fit, halfWidth, level));
}

export function samplePtg(ex: Explainer, rng: Rng, halfWidth: number, seedSize: number, cap: number, rule: PtgRule = 'paper', warn?: (m: string) => void): SamplingResult {
  const set = new Perturbations(ex);
  set.add(uniformPerturbations(seedSize, ex.d, rng), seedSize);
  const seedFit = set.fit();
  const G = ptgFor(seedFit, halfWidth, rule, ex.level);
  let target = Math.max(G, seedSize);
  if (target > cap) {
    warn?.(`PTG asks for ${G} perturbations for half-width ${halfWidth}; capped at max_n_samples = ${cap}`);
    target = cap;
  }
  if (target > set.n) set.add(uniformPerturbations(target - set.n, ex.d, rng), target - set.n);
  const fit = set.fit();
  return { fit, set, trace: [tracePoint(seedFit, ex.level), tracePoint(fit, ex.level)], ptgSeed: G, seedFit };
}

export interface FocusOptions {
  nInit: number;
  maxN: number;
  batch: number;
  pool: number;
  temperature: number;
  stopWidth?: number;
}

/**
 * (A4) Focused sampling. Each round scores a fresh pool of candidates by their predictive scale σ̂(z)
 * and picks a batch ∝ softmax(σ̂/T): LIME without replacement (Gumbel top-k on the logits, which never
 * exponentiates and so cannot underflow at T = 5e-4), SHAP with replacement.
 */
export function sampleFocused(ex: Explainer, rng: Rng, o: FocusOptions): SamplingResult {
  const d = ex.d;
  const set = new Perturbations(ex);
  let init = uniformPerturbations(o.nInit, d, rng);
  if (ex.kernel === 'shap') {
    // SHAP starts from the d one-hot coalitions, then uniform draws.
    const oneHot = new Float64Array(d * d);
    for (let j = 0; j < d; j++) oneHot[j * d + j] = 1;
    const rest = uniformPerturbations(Math.max(0, o.nInit - d), d, rng);
    init = new Float64Array(oneHot.length + rest.length);
    init.set(oneHot); init.set(rest, oneHot.length);
  }
  set.add(init, init.length / d);
  let fit = set.fit();
  const trace = [tracePoint(fit, ex.level)];
  while (set.n < o.maxN && !(o.stopWidth !== undefined && trace[trace.length - 1].maxWidth <= o.stopWidth)) {
    ex.checkCancelled?.();
    const C = uniformPerturbations(o.pool, d, rng);
    const logits = new Float64Array(o.pool);
    let mx = -Infinity;
    for (let c = 0; c < o.pool; c++) { logits[c] = predictive(fit, C, c * d).scale / o.temperature; mx = Math.max(mx, logits[c]); }
    const b = Math.min(o.batch, o.maxN - set.n);
    const chosen = ex.kernel === 'lime' ? gumbelTopK(logits, Math.min(b, o.pool), rng) : categorical(logits, mx, b, rng);
    const Zb = new Float64Array(chosen.length * d);
    chosen.forEach((c, r) => Zb.set(C.subarray(c * d, (c + 1) * d), r * d));
    set.add(Zb, chosen.length);
    fit = set.fit();
    trace.push(tracePoint(fit, ex.level));
    ex.progress?.(set.n / o.maxN);
  }
  return { fit, set, trace };
}

/** k indices without replacement with probabilities ∝ exp(logit): the k largest logit + Gumbel noise. */
function gumbelTopK(logits: Float64Array, k: number, rng: Rng): number[] {
  const keys = Array.from(logits, (l, i) => ({ i, key: l - Math.log(-Math.log(rng.uniform() || Number.MIN_VALUE)) }));
  keys.sort((a, b) => b.key - a.key);
  return keys.slice(0, k).map((e) => e.i);
}

/** k draws with replacement ∝ exp(logit − max) (the maximum is subtracted before exponentiating). */
function categorical(logits: Float64Array, mx: number, k: number, rng: Rng): number[] {
  const cum = new Float64Array(logits.length);
  let s = 0;
  for (let i = 0; i < logits.length; i++) { s += Math.exp(logits[i] - mx); cum[i] = s; }
  const out: number[] = [];
  for (let r = 0; r < k; r++) {
    const u = rng.uniform() * s;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] > u) hi = mid; else lo = mid + 1; }
    out.push(lo);
  }
  return out;
}

/** Mean predictive scale over a fresh uniform candidate pool (spec C5's comparison statistic). */
export function meanPredictiveScale(fit: BlrFit, d: number, pool: number, rng: Rng): number {
  const C = uniformPerturbations(pool, d, rng);
  let s = 0;
  for (let c = 0; c < pool; c++) s += predictive(fit, C, c * d).scale;
  return s / pool;
}

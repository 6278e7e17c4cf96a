// Registry entry of BayesLIME / BayesSHAP (math: shared/math/bayeslime.md): explain one instance of a
// built-in or expression black box with a Bayesian linear surrogate, credible intervals, PTG and
// focused sampling.
import { Rng } from '../../numeric/rng';
import { ParamIssue, SolverDef, SolverInputError, Value } from '../registry';
import { fitBlr, halfWidthsMc, ptgHalfWidth, refinedHalfWidthPredictor } from './blr';
import * as fs from 'node:fs';
import { resolveDataPath } from '../influence/data';
import { BlackBox, exprBox, forestBox, logisticBox, parseTable, queryPerturbations, trainedLogisticBox } from './blackbox';
import { KernelName } from './kernels';
import {
  Explainer, featureHalfWidths, meanPredictiveScale, median, PtgRule, ptgFor, SamplingResult,
  sampleFocused, samplePtg, sampleUniform, uniformPerturbations,
} from './sampling';

function makeBlackBox(p: Record<string, Value>, d: number, rng: Rng): BlackBox {
  if (p.black_box === 'expr') return exprBox(p.expr as string, d);
  return p.black_box === 'forest' ? forestBox(d, rng) : logisticBox(d, rng);
}

function vectorParam(p: Record<string, Value>, name: string, d: number): Float64Array | undefined {
  const v = p[name] as number[] | undefined;
  if (v === undefined) return undefined;
  if (v.length !== d) throw new SolverInputError(`\`${name}\` has ${v.length} entries but d = ${d}`, name);
  return Float64Array.from(v);
}

/**
 * BayesSHAP on tabular data first keeps the top features by |coefficient| of a ridge fit on 1,000
 * uniform perturbations (bayeslime.md A5); the others stay at the instance's values (z_j = 1).
 */
function selectFeatures(ex: Explainer, top: number, rng: Rng): number[] {
  const n = 1000;
  const Z = uniformPerturbations(n, ex.d, rng);
  const y = ex.query(Z, n);
  const fit = fitBlr(Z, y, new Float64Array(n).fill(1), ex.d, true);
  return Array.from({ length: ex.d }, (_, j) => j)
    .sort((a, b) => Math.abs(fit.phi[b + 1]) - Math.abs(fit.phi[a + 1]) || a - b)
    .slice(0, top)
    .sort((a, b) => a - b);
}

const explain: SolverDef = {
  id: 'bayeslime.explain',
  title: 'BayesLIME / BayesSHAP: feature importances with credible intervals, PTG and focused sampling',
  doc: 'Explains one instance of a black box by a Bayesian weighted linear surrogate on binary perturbations ' +
    '(z_j = 1 keeps feature j, 0 replaces it by the background value). Closed-form posterior (bayeslime.md B3–B8), ' +
    'analytic t or Monte Carlo credible intervals (B9), perturbations-to-go for a desired half-width (B10, or a refined ' +
    'rule), and focused sampling (Algorithm 1) that queries where the predictive scale is largest. LIME or SHAP kernel.',
  paper: 'D. Slack, S. Hilgard, S. Singh, H. Lakkaraju, "Reliable Post hoc Explanations: Modeling Uncertainty in Explainability", NeurIPS 2021 (arXiv:2008.05030)',
  mathSpec: 'bayeslime.md',
  version: '2',
  params: [
    { name: 'black_box', kind: 'enum', values: ['logistic', 'forest', 'expr'], default: 'logistic',
      doc: 'logistic: σ(wᵀx/√d + c) with seeded w; forest: mean of 20 random depth-3 axis-aligned trees (a step function); expr: the expression `expr` of the features x1..xd' },
    { name: 'expr', kind: 'string', default: '', doc: 'black box as an expression of x1..xd (with black_box = expr), e.g. "sigmoid(2*x1 - x3) + 0.2*(x2 > 0)"' },
    { name: 'd', kind: 'integer', default: 8, min: 1, max: 200, doc: 'number of features (a CSV sets it from its columns)' },
    { name: 'data', kind: 'string', default: 'synthetic',
      doc: "'synthetic', or a workspace-relative CSV (features, then a 0/1 label): black_box = logistic is then a logistic regression trained on it, the instance is row `row` and the background the column means" },
    { name: 'row', kind: 'integer', default: 0, min: 0, doc: 'row of the CSV to explain (when `instance` is not given)' },
    { name: 'model_seed', kind: 'integer', default: 0, min: 0, max: 2147483647, doc: 'seed of the built-in black box and of the default instance (the run seed only drives the perturbations)' },
    { name: 'instance', kind: 'vector', optional: true, doc: 'the explained input (length d); default: a seeded N(0, I) draw' },
    { name: 'background', kind: 'vector', optional: true, doc: 'values that replace "off" features (length d); default 0 (the data mean)' },
    { name: 'kernel', kind: 'enum', values: ['lime', 'shap'], default: 'lime', doc: 'proximity kernel: LIME exp(−D²/(2w²)), w = 0.75√d; or the SHAP kernel (1.0 at the empty/full coalitions)' },
    { name: 'sampling', kind: 'enum', values: ['focused', 'ptg', 'uniform'], default: 'focused',
      doc: 'focused: Algorithm 1 (the spec default); ptg: a seed of ptg_init, then PTG(cred_width) in total; uniform: n_samples uniform perturbations' },
    { name: 'n_samples', kind: 'integer', default: 1000, min: 2, max: 1000000, doc: 'perturbations for sampling = uniform' },
    { name: 'cred_width', kind: 'number', default: 0.01, min: 0, exclusiveMin: true, max: 1e6, doc: 'desired credible half-width W (the interval is φ ± W): target of PTG and of stop_at_width' },
    { name: 'stop_at_width', kind: 'boolean', default: false, doc: 'focused/uniform sampling stop after the first batch at which every feature\'s half-width ≤ cred_width' },
    { name: 'max_n_samples', kind: 'integer', default: 10000, min: 2, max: 1000000, doc: 'query budget of focused sampling (also caps PTG and stop_at_width runs)' },
    { name: 'batch', kind: 'integer', default: 2500, min: 1, max: 1000000, doc: 'queries per focused-sampling round' },
    { name: 'n_init', kind: 'integer', default: 100, min: 2, max: 1000000, doc: 'initial uniform perturbations of focused sampling (SHAP: the d one-hot coalitions first)' },
    { name: 'pool', kind: 'integer', default: 10000, min: 1, max: 1000000, doc: 'candidate pool per focused round' },
    { name: 'temperature', kind: 'number', optional: true, min: 0, exclusiveMin: true, doc: 'softmax temperature T of focused sampling; default 5e-4 (LIME) or 1e-2 (SHAP)' },
    { name: 'ptg_init', kind: 'integer', default: 200, min: 2, max: 1000000, doc: 'seed size S₀ of the PTG procedure' },
    { name: 'ptg_rule', kind: 'enum', values: ['paper', 'refined'], default: 'paper',
      doc: 'how many perturbations G(W) reach the half-width W = `cred_width`. paper: G(W) = 4 s² 1.96² / (π̄ W²) (B10; s² the noise scale of B5 from the seed batch, π̄ its mean proximity weight; conservative, since it freezes s²); refined: a project rule that lets s² and the posterior covariance V shrink with N (s² ≈ r + q/N fitted on the seed batch, then N found by bisection so that the predicted half-width is W)' },
    { name: 'level', kind: 'number', default: 0.95, min: 0.5, max: 0.999, doc: 'credible level 1 − a' },
    { name: 'l2', kind: 'boolean', default: true, doc: 'N(0, σ²I) prior on the coefficients (+I in V_φ and φ̂ᵀφ̂ in s²); false = flat prior' },
    { name: 'prior_dof', kind: 'number', default: 0, min: 0, max: 1e9, doc: 'n₀ of the Scaled-Inv-χ²(n₀, σ₀²) prior on σ² (0: the uninformative limit, the spec default)' },
    { name: 'prior_scale', kind: 'number', default: 0, min: 0, max: 1e9, doc: 'σ₀² of that prior (used when prior_dof > 0)' },
    { name: 'intervals', kind: 'enum', values: ['analytic', 'mc'], default: 'analytic', doc: 'half-widths from the t quantile, or from Monte Carlo draws (σ² then φ | σ²)' },
    { name: 'mc_samples', kind: 'integer', default: 10000, min: 100, max: 2000000, doc: 'Monte Carlo draws for intervals = mc' },
    { name: 'stability_neighbours', kind: 'integer', default: 0, min: 0, max: 100, doc: 'neighbours x′ for the local Lipschitz ratio (spec C6 uses 5; each costs one more explanation)' },
    { name: 'stability_eps', kind: 'number', default: 0.1, min: 0, exclusiveMin: true, max: 1e6, doc: 'radius of the neighbourhood (0.1 for tabular data)' },
    { name: 'top_features', kind: 'integer', default: 15, min: 1, max: 200, doc: 'BayesSHAP keeps this many features (ranked by a ridge fit on 1,000 perturbations) when d is larger' },
  ],
  outputs: [
    { name: 'phi', kind: 'vector', doc: 'posterior mean feature importances φ̂_1..d (0 for features dropped by SHAP preselection)' },
    { name: 'ci_halfwidth', kind: 'vector', doc: 'credible half-widths per feature (interval φ̂ ± half-width)' },
    { name: 'ptg', kind: 'integer', doc: 'perturbations needed in total for half-width cred_width (ptg mode: from the seed fit; otherwise from the final fit)' },
    { name: 'n_used', kind: 'integer', doc: 'black-box queries used by the explanation (SHAP preselection queries excluded)' },
    { name: 'phi_lower', kind: 'vector', doc: 'φ̂ − half-width per feature' },
    { name: 'phi_upper', kind: 'vector', doc: 'φ̂ + half-width per feature' },
    { name: 'intercept', kind: 'number', doc: 'posterior mean intercept φ̂_0' },
    { name: 's2', kind: 'number', doc: 's² of B5: (weighted residual sum of squares + φ̂ᵀφ̂)/N, from the data alone; PTG (B10) uses this one' },
    { name: 's2_posterior', kind: 'number', doc: 'scale of the σ² posterior (B6), (n₀σ₀² + N s²)/(n₀ + N): equals s2 when prior_dof = 0; the credible intervals and the predictive scale use this one' },
    { name: 'ci_median', kind: 'number', doc: 'median credible half-width over the explained features' },
    { name: 'ci_max', kind: 'number', doc: 'largest credible half-width over the explained features' },
    { name: 'predicted_halfwidth', kind: 'number', doc: 'median half-width that the PTG rule predicts at n_used, from a seed fit on the first ptg_init perturbations (−1 when n_used < ptg_init or in focused mode)' },
    { name: 'mean_pred_scale', kind: 'number', doc: 'mean predictive scale (B8) over 2,000 fresh uniform candidates' },
    { name: 'n_trace', kind: 'trace', doc: 'queries after each fitting round' },
    { name: 'width_trace', kind: 'trace', doc: 'median feature half-width after each fitting round' },
    { name: 'features', kind: 'vector', doc: 'indices (0-based) of the explained features' },
    { name: 'lipschitz', kind: 'number', doc: 'local Lipschitz ratio max ‖φ(x) − φ(x′)‖/‖x − x′‖ over the stability neighbours (−1 when stability_neighbours = 0)' },
  ],
  cost: (p) => {
    const d = p.d as number;
    const n = p.sampling === 'uniform' ? (p.n_samples as number) : (p.max_n_samples as number);
    const rounds = p.sampling === 'focused' ? Math.ceil(n / (p.batch as number)) : 1;
    // measured: the defaults (10,000 queries, 4 rounds, d = 8) take ~0.6 s
    return (n * d * d * rounds + rounds * (p.pool as number) * d * d) / 1e7;
  },
  memoryEstimate: (p) => {
    // The perturbation matrix Z (n × d) with its kernel-weighted copy and the queried points, the n-long
    // labels/weights; per focused round a candidate pool (pool × d) with logits and sort keys; the
    // (d+1)-square posterior; Monte Carlo intervals keep mc_samples draws per coefficient.
    const d = p.d as number;
    const n = p.sampling === 'uniform' ? (p.n_samples as number) : (p.max_n_samples as number);
    const pool = p.sampling === 'focused' ? (p.pool as number) : 0;
    const mc = p.intervals === 'mc' ? (p.mc_samples as number) * (d + 1) * 8 : 0;
    return 4 * 2 ** 20 + n * d * 8 * 3 + n * 8 * 4 + pool * (d * 8 * 2 + 64) + (d + 1) ** 2 * 8 * 4 + mc;
  },
  validate(p) {
    const issues: ParamIssue[] = [];
    if (p.black_box === 'expr' && (p.expr as string).trim() === '') issues.push({ param: 'expr', message: 'black_box = expr needs an expression of x1..xd in `expr`' });
    if (p.black_box !== 'expr' && (p.expr as string).trim() !== '') issues.push({ param: 'expr', severity: 'warning', message: '`expr` is ignored unless black_box = expr' });
    const budget = p.sampling === 'uniform' ? (p.n_samples as number) : (p.max_n_samples as number);
    if (budget * (p.d as number) > 2e7) issues.push({ param: p.sampling === 'uniform' ? 'n_samples' : 'max_n_samples', message: `${budget} perturbations of ${p.d} features exceed the 2e7-entry limit` });
    if (p.sampling === 'focused' && (p.pool as number) * (p.d as number) > 2e7) issues.push({ param: 'pool', message: 'the candidate pool exceeds the 2e7-entry limit' });
    if (p.sampling === 'focused' && (p.n_init as number) > (p.max_n_samples as number)) issues.push({ param: 'n_init', message: 'n_init exceeds max_n_samples' });
    if (p.kernel === 'shap' && p.sampling === 'focused' && (p.n_init as number) < Math.min(p.d as number, p.top_features as number)) {
      issues.push({ param: 'n_init', message: 'BayesSHAP focused sampling starts with the d one-hot coalitions: n_init must be at least d' });
    }
    return issues;
  },
  async run(p, ctx) {
    let dAll = p.d as number;
    const modelRng = Rng.derive(p.model_seed as number, 11);
    let box: BlackBox, defaultInstance: Float64Array, defaultBackground: Float64Array;
    if (p.data !== 'synthetic') {
      const root = ctx.dataRoot || process.cwd();
      const table = parseTable(fs.readFileSync(resolveDataPath(p.data as string, root), 'utf8'));
      dAll = table.d;
      const r = p.row as number;
      if (r >= table.n) throw new SolverInputError(`row ${r} does not exist: the CSV has ${table.n} data rows`, 'row');
      if (p.black_box === 'forest') throw new SolverInputError('a CSV trains black_box = logistic (or use expr); forest is synthetic only', 'black_box');
      box = p.black_box === 'expr' ? exprBox(p.expr as string, dAll) : trainedLogisticBox(table.X, table.labels, table.n, dAll);
      defaultInstance = table.X.slice(r * dAll, (r + 1) * dAll);
      defaultBackground = new Float64Array(dAll);
      for (let i = 0; i < table.n; i++) for (let j = 0; j < dAll; j++) defaultBackground[j] += table.X[i * dAll + j] / table.n;
    } else {
      box = makeBlackBox(p, dAll, modelRng);
      defaultInstance = modelRng.normals(dAll);
      defaultBackground = new Float64Array(dAll);
    }
    const instance = vectorParam(p, 'instance', dAll) ?? defaultInstance;
    const background = vectorParam(p, 'background', dAll) ?? defaultBackground;
    const kernel = p.kernel as KernelName;
    const level = p.level as number;
    const baseFull = (x: Float64Array): Explainer => ({
      d: dAll, kernel, l2: p.l2 as boolean, level, prior: { dof: p.prior_dof as number, scale: p.prior_scale as number },
      query: (Z, n) => queryPerturbations(box, Z, n, x, background),
      checkCancelled: ctx.checkCancelled,
    });
    const full: Explainer = { ...baseFull(instance), progress: (f) => ctx.progress(0.8 * f, 'sampling perturbations') };
    let features = Array.from({ length: dAll }, (_, j) => j);
    if (kernel === 'shap' && dAll > (p.top_features as number)) {
      features = selectFeatures(full, p.top_features as number, Rng.derive(ctx.seed, 2));
      ctx.warn(`BayesSHAP explains the top ${features.length} of ${dAll} features (ridge preselection)`);
    }
    const d = features.length;
    // Perturbations live on the explained features; the rest stay "on".
    const restrict = (e: Explainer): Explainer => ({
      ...e, d,
      query: (Zs, n) => {
        const Z = new Float64Array(n * dAll).fill(1);
        for (let r = 0; r < n; r++) features.forEach((f, j) => { Z[r * dAll + f] = Zs[r * d + j]; });
        return e.query(Z, n);
      },
    });
    const ex = restrict(full);
    const W = p.cred_width as number;
    const rule = p.ptg_rule as PtgRule;
    const maxN = p.max_n_samples as number;
    const stop = p.stop_at_width ? W : undefined;
    if (p.sampling === 'ptg' && p.stop_at_width) ctx.warn('stop_at_width has no effect with sampling = ptg');
    const sample = (e: Explainer, rng: Rng): SamplingResult => {
      if (p.sampling === 'uniform') {
        const n = p.n_samples as number;
        return stop !== undefined
          ? sampleUniform(e, rng, Math.min(p.n_init as number, n), Math.min(n, maxN), p.batch as number, stop)
          : sampleUniform(e, rng, n, n, n);
      }
      if (p.sampling === 'ptg') return samplePtg(e, rng, W, p.ptg_init as number, maxN, rule, ctx.warn);
      const T = (p.temperature as number | undefined) ?? (kernel === 'lime' ? 5e-4 : 1e-2);
      return sampleFocused(e, rng, { nInit: p.n_init as number, maxN, batch: p.batch as number, pool: p.pool as number, temperature: T, stopWidth: stop });
    };
    const res = sample(ex, Rng.derive(ctx.seed, 1));
    ctx.progress(0.8, 'fitted');
    const fit = res.fit;
    let hw: Float64Array;
    if (p.intervals === 'mc') hw = halfWidthsMc(fit, p.mc_samples as number, Rng.derive(ctx.seed, 3), level).subarray(1);
    else hw = featureHalfWidths(fit, level);
    const phi = new Array<number>(dAll).fill(0), ci = new Array<number>(dAll).fill(0);
    features.forEach((f, j) => { phi[f] = fit.phi[j + 1]; ci[f] = hw[j]; });
    for (const v of [...phi, ...ci, fit.s2, fit.s2Post]) {
      if (!Number.isFinite(v)) throw new SolverInputError('the surrogate fit produced non-finite values (check the black box outputs)', 'black_box');
    }
    // (C6) local Lipschitz ratio: explain `stability_neighbours` points drawn uniformly from the ball of
    // radius stability_eps around the instance, each with its own perturbations.
    let lipschitz = -1;
    const nb = p.stability_neighbours as number;
    if (nb > 0) {
      const eps = p.stability_eps as number;
      const nrng = Rng.derive(ctx.seed, 5);
      lipschitz = 0;
      for (let k = 0; k < nb; k++) {
        ctx.checkCancelled();
        const dir = nrng.normals(dAll);
        const norm = Math.sqrt(dir.reduce((a, v) => a + v * v, 0)) || 1;
        const radius = eps * Math.pow(nrng.uniform(), 1 / dAll);
        const xn = instance.map((v, j) => v + (radius * dir[j]) / norm);
        const fn = sample(restrict(baseFull(xn)), Rng.derive(ctx.seed, 100 + k)).fit;
        let num = 0;
        for (let j = 0; j < d; j++) num += (fn.phi[j + 1] - fit.phi[j + 1]) ** 2;
        if (radius > 0) lipschitz = Math.max(lipschitz, Math.sqrt(num) / radius);
      }
    }
    const ptg = res.ptgSeed ?? ptgFor(fit, W, rule, level);
    let predicted = -1;
    const S0 = p.ptg_init as number;
    if (p.sampling !== 'focused' && fit.n >= S0) {
      const seed = fitBlr(res.set.Z.slice(0, S0 * d), res.set.y.slice(0, S0), res.set.pi.slice(0, S0), d, p.l2 as boolean, ex.prior);
      predicted = rule === 'paper' ? ptgHalfWidth(seed, fit.n) : refinedHalfWidthPredictor(seed, level)(fit.n);
    }
    return {
      phi, ci_halfwidth: ci,
      ptg: Number.isFinite(ptg) ? ptg : -1,
      n_used: fit.n,
      phi_lower: phi.map((v, j) => v - ci[j]),
      phi_upper: phi.map((v, j) => v + ci[j]),
      intercept: fit.phi[0],
      s2: fit.s2,
      s2_posterior: fit.s2Post,
      ci_median: median(hw),
      ci_max: Math.max(...hw),
      predicted_halfwidth: predicted,
      mean_pred_scale: meanPredictiveScale(fit, d, 2000, Rng.derive(ctx.seed, 4)),
      n_trace: res.trace.map((t) => t.n),
      width_trace: res.trace.map((t) => t.medianWidth),
      features,
      lipschitz,
    };
  },
};

export const solvers: SolverDef[] = [explain];

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';
import { studentTQuantile } from '../../numeric/distributions';
import { Rng } from '../../numeric/rng';
import { SolverInputError } from '../registry';
import { fitBlr, halfWidthsAnalytic, halfWidthsMc, predictive, ptgCount } from './blr';
import { forestBox, logisticBox, queryPerturbations } from './blackbox';
import { compileFeatureExpr } from './featureExpr';
import { limeWeight, proximity, shapWeight } from './kernels';
import { Explainer, featureHalfWidths, median, Perturbations, sampleFocused, sampleUniform, uniformPerturbations } from './sampling';
import { ptgCountRefined } from './blr';

// bayeslime.md §6: N = 8, d = 2.
const Z8 = [1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0, 0];
const Y8 = [0.9, 0.2, 1.0, 0.1, 0.8, 0.3, 1.1, 0];
const PI8 = [1, 1, 0.5, 0.5, 1, 1, 0.5, 0.5];
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('C1: the 8-point reference example (φ̂, V_φ, s², t quantile, half-widths, PTG, predictive) to 1e-5', () => {
  const fit = fitBlr(Z8, Y8, PI8, 2);
  [0.211765, 0.502941, 0.102941].forEach((v, i) => close(fit.phi[i], v, 1e-5, `phi[${i}]`));
  const V = [[0.294118, -0.176471, -0.176471], [-0.176471, 0.372549, 0.039216], [-0.176471, 0.039216, 0.372549]];
  V.forEach((row, i) => row.forEach((v, j) => close(fit.V.data[i * 3 + j], v, 1e-5, `V[${i}][${j}]`)));
  close(fit.s2, 0.0560662, 1e-5, 's2');
  close(studentTQuantile(0.975, 8), 2.306004, 1e-5, 't_{8,0.975}');
  const hw = halfWidthsAnalytic(fit, 0.95);
  [0.296122, 0.333275, 0.333275].forEach((v, i) => close(hw[i], v, 1e-5, `half-width[${i}]`));
  close(ptgCount(fit, 0.1), 114.87, 1e-2, 'PTG(0.1)'); // the spec prints 2 decimals
  close(ptgCount(fit, 0.05), 459.49, 1e-2, 'PTG(0.05)');
  close(ptgCount(fit, 0.1, 1.959964), 114.867, 1e-3, 'PTG(0.1) exact quantile');
  close(ptgCount(fit, 0.05, 1.959964), 459.469, 1e-3, 'PTG(0.05) exact quantile');
  close(fit.piMean, 0.75, 1e-15, 'π̄');
  const pr = predictive(fit, [1, 0]);
  close(pr.mean, 0.714706, 1e-5, 'predictive mean');
  close(pr.scale, 0.271396, 1e-5, 'predictive scale');
});

test('kernels: SHAP weights for M = 4 and the LIME width for 4 features', () => {
  close(shapWeight(1, 4), 0.25, 1e-12, 'shap |z|=1');
  close(shapWeight(2, 4), 0.125, 1e-12, 'shap |z|=2');
  close(shapWeight(3, 4), 0.25, 1e-12, 'shap |z|=3');
  assert.equal(shapWeight(0, 4), 1);
  assert.equal(shapWeight(4, 4), 1);
  close(limeWeight(1, 4), 0.800737, 1e-6, 'LIME π(D=1)');
  close(proximity('lime', [1, 1, 0, 1], 0, 4), 0.800737, 1e-6, 'LIME via z');
});

test('C2: Monte Carlo half-widths agree with the analytic t ones (S = 200,000, tol 3e-3)', () => {
  const fit = fitBlr(Z8, Y8, PI8, 2);
  const an = halfWidthsAnalytic(fit);
  const mc = halfWidthsMc(fit, 200000, new Rng(2021));
  for (let j = 0; j < 3; j++) close(mc[j], an[j], 3e-3, `MC half-width ${j}`);
  // drawing φ from N(φ̂, s²V) (normal, no σ² draw) would give 1.96/2.306 of the width: the test can tell
  assert.ok(Math.abs(an[1] * 1.96 / 2.306 - an[1]) > 10 * 3e-3);
});

test('C3: 95% intervals cover the true coefficients in 95% ± 3% over repeated runs (d = 8, LIME kernel)', () => {
  // Data drawn from the model (B1, B2): φ ~ N(0, σ²I), y | z ~ N(φᵀz̃, σ²/π(z)). 300 runs × 8 features.
  const d = 8, N = 400, runs = 300, sigma = 1;
  const rng = new Rng(77);
  let covered = 0, total = 0;
  for (let r = 0; r < runs; r++) {
    const phi = rng.normals(d + 1, sigma);
    const Z = uniformPerturbations(N, d, rng);
    const y = new Float64Array(N), pi = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      pi[i] = proximity('lime', Z, i * d, d);
      let f = phi[0];
      for (let j = 0; j < d; j++) f += phi[j + 1] * Z[i * d + j];
      y[i] = f + (sigma / Math.sqrt(pi[i])) * rng.normal();
    }
    const fit = fitBlr(Z, y, pi, d);
    const hw = halfWidthsAnalytic(fit, 0.95);
    for (let j = 1; j <= d; j++) { total++; if (Math.abs(fit.phi[j] - phi[j]) <= hw[j]) covered++; }
  }
  const rate = covered / total; // binomial sd ≈ 0.0044: the ±0.03 band is ~7 sd wide
  assert.ok(Math.abs(rate - 0.95) <= 0.03, `coverage ${rate}`);
});

function explainer(box: 'logistic' | 'forest', kernel: 'lime' | 'shap', d = 8): Explainer {
  const mrng = new Rng(42);
  const f = box === 'logistic' ? logisticBox(d, mrng) : forestBox(d, mrng);
  const inst = mrng.normals(d), bg = new Float64Array(d);
  return { d, kernel, l2: true, level: 0.95, query: (Z, n) => queryPerturbations(f, Z, n, inst, bg) };
}

function halfWidthAfter(ex: Explainer, seedN: number, W: number, rule: 'paper' | 'refined', rng: Rng): { G: number; ratio: number } {
  const set = new Perturbations(ex);
  set.add(uniformPerturbations(seedN, ex.d, rng), seedN);
  const seed = set.fit();
  const G = Math.ceil(rule === 'paper' ? ptgCount(seed, W) : ptgCountRefined(seed, W));
  if (G > seedN) set.add(uniformPerturbations(G - seedN, ex.d, rng), G - seedN);
  return { G, ratio: median(featureHalfWidths(set.fit(), 0.95)) / W };
}

test('PTG: the refined count brings the median half-width within 15% of W; B10 is conservative (C4 range)', () => {
  for (const [box, kernel, W] of [['logistic', 'lime', 0.005], ['forest', 'lime', 0.005], ['logistic', 'shap', 0.01], ['forest', 'shap', 0.01]] as const) {
    const ex = explainer(box, kernel);
    for (let s = 0; s < 3; s++) {
      const { G, ratio } = halfWidthAfter(ex, 200, W, 'refined', Rng.derive(s, 5));
      assert.ok(G > 200, `${box}/${kernel}: the test needs G beyond the seed (G = ${G})`);
      assert.ok(Math.abs(ratio - 1) <= 0.15, `${box}/${kernel} seed ${s}: half-width ${ratio.toFixed(3)} W after ${G}`);
    }
  }
  // The paper's B10 freezes s² at the seed: the spec's C4 requires [0.5 W, 1.1 W] (LIME, W = 0.01).
  const ex = explainer('logistic', 'lime');
  for (let s = 0; s < 3; s++) {
    const { ratio } = halfWidthAfter(ex, 200, 0.01, 'paper', Rng.derive(s, 6));
    assert.ok(ratio >= 0.5 && ratio <= 1.1, `B10 ratio ${ratio}`);
  }
});

test('focused sampling reaches a half-width with fewer queries than uniform sampling (BayesSHAP, 12 black boxes)', () => {
  // Forest black boxes with model seeds 0..11, until every half-width ≤ 0.02 (batches of 10). Measured
  // over 16 boxes: focused/uniform = 0.974 (SHAP) and 0.963 (LIME), focused fewer in 14 (8) and more in
  // 1 (0) of them; at the looser W = 0.05 there is no gain (bench/bayeslime.bench.ts, README).
  const d = 8;
  let focused = 0, uniform = 0, wins = 0, losses = 0;
  for (let m = 0; m < 12; m++) {
    const mrng = Rng.derive(m, 11);
    const box = forestBox(d, mrng);
    const inst = mrng.normals(d), bg = new Float64Array(d);
    const ex: Explainer = { d, kernel: 'shap', l2: true, level: 0.95, query: (Z, n) => queryPerturbations(box, Z, n, inst, bg) };
    const f = sampleFocused(ex, Rng.derive(m, 1), { nInit: 50, maxN: 40000, batch: 10, pool: 1000, temperature: 1e-2, stopWidth: 0.02 }).set.n;
    const u = sampleUniform(ex, Rng.derive(m, 2), 50, 40000, 10, 0.02).set.n;
    focused += f; uniform += u;
    if (f < u) wins++;
    if (f > u) losses++;
  }
  assert.ok(focused < uniform, `focused ${focused} vs uniform ${uniform} queries (ratio ${(focused / uniform).toFixed(3)})`);
  assert.ok(wins > 2 * losses, `focused fewer in ${wins}, more in ${losses} of 12`);
});

test('the solver: focused sampling spends max_n_samples in batches; PTG mode uses ⌈G⌉ queries; seeded', async () => {
  const runner = new InProcessRunner();
  const a = (await runner.solve({ solver: 'bayeslime.explain', params: { max_n_samples: 3000, batch: 1000, pool: 2000 }, seed: 4 })).outputs;
  assert.equal(a.n_used, 3000);
  assert.deepEqual(a.n_trace, [100, 1100, 2100, 3000]);
  const b = (await runner.solve({ solver: 'bayeslime.explain', params: { max_n_samples: 3000, batch: 1000, pool: 2000 }, seed: 4 })).outputs;
  assert.deepEqual(a.phi, b.phi);
  const p = (await runner.solve({ solver: 'bayeslime.explain', params: { sampling: 'ptg', cred_width: 0.01 }, seed: 4 })).outputs;
  assert.equal(p.n_used, p.ptg);
  // predicted_halfwidth inverts B10 at n_used from the same seed, so it equals W up to the ceiling
  close(p.predicted_halfwidth as number, 0.01, 1e-5, 'PTG prediction at G');
  const u = (await runner.solve({ solver: 'bayeslime.explain', params: { sampling: 'uniform', n_samples: 500, kernel: 'shap' }, seed: 4 })).outputs;
  assert.equal(u.n_used, 500);
  assert.equal((u.phi as number[]).length, 8);
  const lower = u.phi_lower as number[], upper = u.phi_upper as number[];
  (u.ci_halfwidth as number[]).forEach((h, j) => close(upper[j] - lower[j], 2 * h, 1e-12, 'interval'));
});

test('an expression black box: a linear expression with the LIME kernel is recovered exactly', async () => {
  const runner = new InProcessRunner();
  // f(x) = 0.5 + 2 x1 − x3 at instance (1, 1, 1) against background 0: φ = (2, 0, −1), no residual
  const o = (await runner.solve({ solver: 'bayeslime.explain', params: {
    black_box: 'expr', expr: '0.5 + 2*x1 - x3', d: 3, instance: [1, 1, 1], sampling: 'uniform', n_samples: 20000, l2: false,
  }, seed: 1 })).outputs;
  (o.phi as number[]).forEach((v, j) => close(v, [2, 0, -1][j], 1e-9, `phi ${j}`));
  close(o.intercept as number, 0.5, 1e-9, 'intercept');
  assert.ok((o.ci_max as number) < 1e-6);
});

test('feature expressions: precedence, comparisons, functions; errors name the column', () => {
  const f = compileFeatureExpr('-x1^2 + 2*max(x2, 0) + (x3 > 0.5) + sigmoid(0)', 3);
  close(f([3, -1, 1]), -9 + 0 + 1 + 0.5, 1e-15, 'expr');
  assert.throws(() => compileFeatureExpr('x4 + 1', 3), /x1\.\.x3/);
  assert.throws(() => compileFeatureExpr('foo(x1)', 3), /unknown name 'foo'/);
  assert.throws(() => compileFeatureExpr('x1 +', 3), /column/);
  assert.throws(() => compileFeatureExpr('constructor', 3), /unknown name/);
});

test('bad input gives SolverInputError with the parameter name', async () => {
  const runner = new InProcessRunner();
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { black_box: 'expr' } }), /needs an expression/);
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { black_box: 'expr', expr: 'x1 +* 2', sampling: 'uniform' } }),
    (e: unknown) => e instanceof SolverInputError && e.param === 'expr');
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { black_box: 'expr', expr: 'log(x1 - 10)', sampling: 'uniform', d: 2 } }),
    (e: unknown) => e instanceof SolverInputError && /NaN/.test(e.message));
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { instance: [1, 2] } }),
    (e: unknown) => e instanceof SolverInputError && e.param === 'instance');
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { cred_width: 0 } }), /range/);
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { kernel: 'shapp' } }), /did you mean 'shap'/);
});

test('a CSV black box: logistic regression trained on the file, a row explained against the column means', async () => {
  const { trainedLogisticBox } = await import('./blackbox');
  // the trainer recovers a known logistic model from 3,000 samples
  const rng = new Rng(8);
  const n = 3000, d = 3, w = [1.5, -1, 0];
  const X = rng.normals(n * d), labels = new Float64Array(n);
  const prob = (x: ArrayLike<number>) => 1 / (1 + Math.exp(-(0.3 + w[0] * x[0] + w[1] * x[1] + w[2] * x[2])));
  for (let i = 0; i < n; i++) labels[i] = rng.uniform() < prob(X.subarray(i * d, (i + 1) * d)) ? 1 : 0;
  const box = trainedLogisticBox(X, labels, n, d);
  let err = 0;
  for (let i = 0; i < 200; i++) { const x = rng.normals(d); err += Math.abs(box(x) - prob(x)) / 200; }
  assert.ok(err < 0.03, `mean |p̂ − p| ${err}`);

  const runner = new InProcessRunner();
  const o = (await runner.solve({ solver: 'bayeslime.explain', params: { data: 'examples/data/bayeslime_tabular.csv', row: 3, sampling: 'uniform' } })).outputs;
  assert.equal((o.phi as number[]).length, 5);
  assert.equal(o.n_used, 1000);
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { data: 'examples/data/bayeslime_tabular.csv', row: 5000 } }),
    (e: unknown) => e instanceof SolverInputError && e.param === 'row');
  await assert.rejects(runner.solve({ solver: 'bayeslime.explain', params: { data: '../outside.csv' } }),
    (e: unknown) => e instanceof SolverInputError && e.param === 'data');
});

test('(B6) an informative Scaled-Inv-χ²(n₀, σ₀²) prior: dof n₀ + N and scale (n₀σ₀² + N s²)/(n₀ + N)', () => {
  const flat = fitBlr(Z8, Y8, PI8, 2);
  const fit = fitBlr(Z8, Y8, PI8, 2, true, { dof: 4, scale: 0.1 });
  assert.equal(fit.dof, 12);
  close(fit.s2Post, (4 * 0.1 + 8 * 0.0560662) / 12, 1e-7, 's2 posterior scale with prior');
  // issue 22: the (B5) s² stays the data's value under a prior, and PTG (B10) uses it
  close(fit.s2, 0.0560662, 1e-5, 'B5 s2 with prior');
  close(ptgCount(fit, 0.1), 114.87, 1e-2, 'PTG(0.1) with prior');
  const hw = halfWidthsAnalytic(fit);
  close(hw[1], studentTQuantile(0.975, 12) * Math.sqrt(fit.s2Post * fit.V.data[4]), 1e-12, 'half-width');
  assert.deepEqual(Array.from(fit.phi), Array.from(flat.phi)); // φ̂ does not depend on the σ² prior
  // MC draws use the same posterior: they agree with the analytic t half-widths
  const mc = halfWidthsMc(fit, 100000, new Rng(5));
  for (let j = 0; j < 3; j++) close(mc[j], hw[j], 5e-3, `MC with prior ${j}`);
});

test('(C6) local Lipschitz ratio: for a linear black box it is ‖w ⊙ δ‖/‖δ‖, between min|w| and max|w|', async () => {
  const runner = new InProcessRunner();
  // f = 2 x1 − x2 + 0.5 x3 against background 0: φ_j(x) = w_j x_j exactly (l2 off, no residual)
  const params = { black_box: 'expr', expr: '2*x1 - x2 + 0.5*x3', d: 3, instance: [0.3, -0.2, 1], sampling: 'uniform', n_samples: 500, l2: false };
  const o = (await runner.solve({ solver: 'bayeslime.explain', params: { ...params, stability_neighbours: 5 }, seed: 2 })).outputs;
  const L = o.lipschitz as number;
  assert.ok(L >= 0.5 - 1e-9 && L <= 2 + 1e-9, `Lipschitz ratio ${L}`);
  const off = (await runner.solve({ solver: 'bayeslime.explain', params, seed: 2 })).outputs;
  assert.equal(off.lipschitz, -1);
  assert.deepEqual(off.phi, o.phi); // the neighbours do not disturb the main explanation
});

test('issue 22: with prior_dof > 0, s2 (B5) and s2_posterior (B6) are reported apart; PTG counts from the B5 value', async () => {
  const runner = new InProcessRunner();
  const base = { sampling: 'ptg', cred_width: 0.02, ptg_init: 200, ptg_rule: 'paper' };
  const flat = (await runner.solve({ solver: 'bayeslime.explain', params: base, seed: 3 })).outputs;
  const pri = (await runner.solve({ solver: 'bayeslime.explain', params: { ...base, prior_dof: 50, prior_scale: 0.05 }, seed: 3 })).outputs;
  assert.equal(flat.s2, flat.s2_posterior);
  const n = pri.n_used as number;
  // the posterior scale is the dof-weighted mean of the prior scale and the data's s²
  close(pri.s2_posterior as number, (50 * 0.05 + n * (pri.s2 as number)) / (50 + n), 1e-12, 's2_posterior');
  assert.ok(Math.abs((pri.s2 as number) - (pri.s2_posterior as number)) > 1e-6);
  // the σ² prior changes neither φ̂ nor B5's s², so the same seed gives the same PTG count with and without it
  assert.equal(pri.ptg, flat.ptg);
  assert.equal(pri.s2, flat.s2);
  assert.deepEqual(pri.phi, flat.phi);
});

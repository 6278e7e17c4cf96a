// Reference values: shared/math/scaling-laws.md §6 (tables A, B, C and the constants) and §5 (R1–R5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';
import { SolverInputError } from '../registry';
import { activationModel } from './activation';
import { scalarChannel } from './channel';

const runner = new InProcessRunner();
const solve = (solver: string, params: Record<string, any>) => runner.solve({ solver, params });
const rel = (a: number, b: number) => Math.abs(a / b - 1);
const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(rel(a, b) <= tol, `${what}: got ${a}, expected ${b} (rel err ${rel(a, b).toExponential(2)} > ${tol})`);

test('thresholds of tanh(2x) match the reference constants (R1)', async () => {
  const r = await solve('scaling.thresholds', {});
  const o = r.outputs as any;
  close(o.mu1_removed, 0.7294775, 1e-6, 'μ1');
  close(o.mu[3], -0.613981, 1e-5, 'μ3');
  assert.ok(Math.abs(o.mu[0]) < 1e-12 && Math.abs(o.mu[2]) < 1e-12 && Math.abs(o.mu[4]) < 1e-12, 'even μ vanish');
  close(o.g1, 0.1031238, 1e-5, 'g(1)');
  close(o.g_prime_1, 0.4916643, 2e-5, "g'(1)");
  close(o.lambda_e, 19.27408, 1e-5, 'λ_e');
  close(o.lambda_s, 17.67977, 1e-4, 'λ_s');
  close(o.q_jump, 0.7508, 2e-4, 'q_jump');
  assert.ok(o.hermite_tail < 1e-8 && o.hermite_tail >= 0, `tail ${o.hermite_tail}`);
  assert.ok(r.warnings.some((w) => /linear part removed/.test(w) && /0\.72947/.test(w)), r.warnings.join('|'));
  // g(q) is increasing with g(0) = g'(0) = 0.
  assert.equal(o.g[0], 0);
  assert.equal(o.g_prime[0], 0);
  for (let i = 1; i < o.g.length; i++) assert.ok(o.g[i] > o.g[i - 1]);
});

test('the scalar channel jumps at λ_e: m_e = 0 at and below it, ≥ q_jump above (R3)', async () => {
  const base = (await solve('scaling.thresholds', {})).outputs as any;
  const le = base.lambda_e as number;
  const below = (await solve('scaling.thresholds', { lambda: le * (1 - 1e-6) })).outputs as any;
  const above = (await solve('scaling.thresholds', { lambda: le * (1 + 1e-6) })).outputs as any;
  const spin = (await solve('scaling.thresholds', { lambda: 0.99 * base.lambda_s })).outputs as any;
  assert.equal(below.m_e, 0);
  assert.ok(below.q_star > 0.74 && below.phi < 0, 'between λ_s and λ_e a non-zero fixed point exists but loses');
  assert.ok(Math.abs(above.m_e - 0.7508) < 1e-3 && above.phi > 0);
  assert.equal(spin.q_star, 0);
  // A large-λ point against the plain iteration from q = 1 (A2).
  const act = activationModel('tanh(2*x)');
  let q = 1;
  for (let i = 0; i < 10000; i++) { const r = 50 * act.gp(q); q = r / (1 + r); }
  const at50 = (await solve('scaling.thresholds', { lambda: 50 })).outputs as any;
  assert.ok(Math.abs(at50.m_e - q) < 1e-12, `${at50.m_e} vs ${q}`);
});

test('the m_e table agrees with the direct solve to 1e-7 (A4)', () => {
  const act = activationModel('tanh(2*x)');
  const ch = scalarChannel(act);
  let worst = 0;
  for (let i = 0; i < 400; i++) {
    const u = Math.log(ch.lambdaE) + 1e-4 + (i / 399) * Math.log(1e16);
    const direct = ch.qStar(Math.exp(u));
    const fast = ch.fastGap(u);
    worst = Math.max(worst, rel(fast.p, direct.p), rel(fast.gap, act.gap(direct.p)));
  }
  assert.ok(worst < 1e-7, `worst relative error ${worst}`);
});

const TABLE_A_EPS = [0.00242195, 0.00211877, 0.0018555, 0.00162392, 0.00141899, 0.00122879, 0.00106057, 0.000905449,
  0.000768, 0.000641745, 0.000526453, 0.000424071, 0.000332742, 0.000272262, 0.000224035, 0.000185022,
  0.000153206, 0.000127119, 0.000105643, 8.79075e-05, 7.32256e-05];
const TABLE_A_KC = [31, 35, 39, 43, 47, 52, 57, 63, 69, 76, 84, 92, 100, 100, 100, 100, 100, 100, 100, 100, 100];

test('table A: β = 1, d = 200, k = 100, Δ = 0.01 on the 21-point α grid (R2, to 1e-5)', async () => {
  for (let i = 0; i <= 20; i++) {
    const alpha = 2 * Math.pow(35, i / 20);
    const o = (await solve('scaling.bayes_optimal', { d: 200, k: 100, beta: 1, delta: 0.01, alpha })).outputs as any;
    close(o.eps, TABLE_A_EPS[i], 1e-5, `ε at α = ${alpha}`);
    assert.equal(o.k_c, TABLE_A_KC[i], `k_c at α = ${alpha}`);
    assert.equal(o.q.length, 100);
    assert.equal(o.q.filter((x: number) => x > 0).length, o.k_c);
    if (i === 0) {
      assert.ok(Math.abs(o.q[0] - 0.9999) < 1e-4 && Math.abs(o.q[30] - 0.7886) < 2e-3, `q_1 ${o.q[0]}, q_31 ${o.q[30]}`);
      assert.equal(o.q[31], 0);
      close(o.kc_closed_form_real, 31.97, 1e-3, 'E14 real');
      assert.equal(o.kc_closed_form, 31);
      close(o.n_over_d_onset, 3.565, 1e-3, 'onset n/d (E15)');
      assert.equal(o.regime, 'feature_learning');
    }
  }
});

test('the 4-digit table-A values hold to 2e-3 and the same call through n = α d² gives the same ε', async () => {
  const four = [0.002422, 0.002119, 0.001856, 0.001623, 0.001419, 0.001228, 0.001060, 0.000906, 0.000769, 0.000641, 0.000526, 0.000424];
  for (let i = 0; i < four.length; i++) {
    const alpha = 2 * Math.pow(35, i / 20);
    const a = (await solve('scaling.bayes_optimal', { alpha })).outputs as any;
    close(a.eps, four[i], 2e-3, `ε at α = ${alpha}`);
  }
  const viaN = (await solve('scaling.bayes_optimal', { n: 2 * 200 * 200 })).outputs as any;
  close(viaN.eps, 0.00242195, 1e-5, 'ε via n');
  // The theory depends only on n/d: d = 400 with the same n/d gives the same ε and k_c.
  const wide = (await solve('scaling.bayes_optimal', { d: 400, n: 400 * 400 })).outputs as any;
  assert.equal(wide.eps, viaN.eps);
});

test('table B: β = 0.3, Δ = 0.04, with the several-roots point α = 1.35 and the overlap vectors', async () => {
  const cases: [number, number, number][] = [[0.3, 0.09633, 2], [0.6, 0.08362, 8], [0.9, 0.06978, 20], [1.2, 0.05318, 43],
    [1.35, 0.04108, 67], [1.5, 0.02518, 100], [2.1, 0.01391, 100], [3.0, 0.00849, 100], [0.15, 0.10312, 0]];
  for (const [alpha, eps, kc] of cases) {
    const o = (await solve('scaling.bayes_optimal', { beta: 0.3, delta: 0.04, alpha })).outputs as any;
    close(o.eps, eps, 1e-3, `ε at α = ${alpha}`);
    assert.equal(o.k_c, kc, `k_c at α = ${alpha}`);
  }
  const idx = [0, 4, 9, 19, 49, 99];
  const q1 = ((await solve('scaling.bayes_optimal', { beta: 0.3, delta: 0.04, alpha: 1 })).outputs as any);
  assert.equal(q1.k_c, 26);
  const want1 = [0.984, 0.952, 0.916, 0.833, 0, 0];
  idx.forEach((i, j) => assert.ok(Math.abs(q1.q[i] - want1[j]) <= 2e-3, `α=1 q_${i + 1} = ${q1.q[i]}`));
  const q2 = ((await solve('scaling.bayes_optimal', { beta: 0.3, delta: 0.04, alpha: 2 })).outputs as any);
  const want2 = [0.996, 0.989, 0.983, 0.973, 0.949, 0.910];
  idx.forEach((i, j) => assert.ok(Math.abs(q2.q[i] - want2[j]) <= 2e-3, `α=2 q_${i + 1} = ${q2.q[i]}`));
});

test('table C: Δ = 0.04, β = 0.7 power and dense readouts', async () => {
  const alphas = [1, 1.5, 2, 2.5];
  const power = [[0.02036, 19], [0.01584, 27], [0.01305, 34], [0.01097, 42]];
  const dense = [[0.06251, 47], [0.02638, 88], [0.01493, 100], [0.01079, 100]];
  for (let i = 0; i < 4; i++) {
    const a = (await solve('scaling.bayes_optimal', { beta: 0.7, delta: 0.04, alpha: alphas[i] })).outputs as any;
    close(a.eps, power[i][0], 1e-3, `power ε at α = ${alphas[i]}`);
    assert.equal(a.k_c, power[i][1]);
    const b = (await solve('scaling.bayes_optimal', { beta: 0.7, delta: 0.04, alpha: alphas[i], readouts: 'dense' })).outputs as any;
    close(b.eps, dense[i][0], 1e-3, `dense ε at α = ${alphas[i]}`);
    assert.equal(b.k_c, dense[i][1]);
  }
});

test('refinement regime re-check (R4): ε at α = 168.8 and 337.6, slope −1.007, ratio 1.0036', async () => {
  const a = (await solve('scaling.bayes_optimal', { alpha: 168.8 })).outputs as any;
  const b = (await solve('scaling.bayes_optimal', { alpha: 337.6 })).outputs as any;
  close(a.eps, 2.99237e-5, 1e-4, 'ε(168.8)');
  close(b.eps, 1.48856e-5, 1e-4, 'ε(337.6)');
  assert.ok(Math.abs(Math.log(b.eps / a.eps) / Math.log(2) + 1.007) < 1e-3);
  // The spec's printed ratio 1.0036 does not follow from its own ε: 2.99237e-5 / (100·(0.01 + 2.99237e-5)/(168.8·200))
  // = 1.00720, which is what the definition ε / (k d (Δ+ε)/n) gives; we test the definition.
  close(a.ratio_to_law, 2.99237e-5 / (100 * (0.01 + 2.99237e-5) / (168.8 * 200)), 2e-4, 'ratio to k d (Δ+ε)/n');
  assert.equal(a.regime, 'refinement');
  assert.equal(a.law_constant, 1);
});

test('two laws on a wide teacher (R4, R5): slopes −1/2 and −1, constant ≈ 3.07 for β = 1', async () => {
  const o = (await solve('scaling.bayes_optimal', { d: 100000, k: 100000, beta: 1, delta: 1, n: 1e6 * 100000, laws: true })).outputs as any;
  assert.ok(Math.abs(o.slope_feature_learning + 0.5) <= 0.03, `feature-learning slope ${o.slope_feature_learning}`);
  assert.ok(Math.abs(o.slope_refinement + 1) <= 0.05, `refinement slope ${o.slope_refinement}`);
  assert.equal(o.slope_feature_learning_predicted, -0.5);
  // At n/d = 1e6: k_c ≈ 177 (1 ≪ k_c ≪ k) and ε ≪ Δ.
  assert.ok(o.k_c > 10 && o.k_c < 10000);
  close(o.eps * o.n_over_d / o.k_c, 3.07, 0.05, 'ε (n/d)/k_c');
  close(o.law_constant, 2.988, 1e-3, 'E17 constant 1 + g(1) λ_e/(2β−1)');
  const s = (await solve('scaling.bayes_optimal', { d: 100000, k: 100000, beta: 0.75, delta: 1, n: 1e6 * 100000, laws: true })).outputs as any;
  assert.ok(s.slope_feature_learning >= -0.40 && s.slope_feature_learning <= -0.30, `β = 0.75 slope ${s.slope_feature_learning}`);
  const r = s.eps * s.n_over_d / s.k_c;
  assert.ok(r >= 4.4 && r <= 5.2, `β = 0.75 constant ${r}`);
});

test('the tlab two_laws setup is accepted and fast (d = 40000, k = 20000, n up to 4e16)', async () => {
  const t0 = performance.now();
  const lo = (await solve('scaling.bayes_optimal', { d: 40000, k: 20000, beta: 1, delta: 1, n: 1e12 * 40000 })).outputs as any;
  assert.equal(lo.k_c, 20000);
  close(lo.eps, 20000 * 40000 * (1 + lo.eps) / (1e12 * 40000), 2e-3, 'refinement ε ≈ k d (Δ+ε)/n');
  assert.ok(performance.now() - t0 < 5000);
});

test('bad input: alpha and n together or neither, non-odd or non-finite activations, parse errors', async () => {
  await assert.rejects(solve('scaling.bayes_optimal', { alpha: 2, n: 80000 }), /either `alpha`.*or `n`/);
  await assert.rejects(solve('scaling.bayes_optimal', { k: 100 }), (e: any) => /alpha.*or.*n/.test(e.message));
  await assert.rejects(solve('scaling.bayes_optimal', { alpha: -1 }), /out of its documented range/);
  await assert.rejects(solve('scaling.bayes_optimal', { alpha: 2, delta: 0 }), /out of its documented range/);
  const bad = async (activation: string, re: RegExp) => {
    await assert.rejects(solve('scaling.thresholds', { activation }), (e: any) => {
      assert.ok(e instanceof SolverInputError, `${activation}: ${e}`);
      assert.equal(e.param, 'activation');
      assert.match(e.message, re);
      return true;
    });
  };
  await bad('relu(x)', /even Hermite components.*μ0 = .*μ2 = /);
  await bad('x^2', /even Hermite/);
  await bad('tanh(2*x) + 0.1*x^2', /μ0 = 0\.1.*μ2 = 0\.2/);
  await bad('log(x)', /not finite/);
  await bad('tanh(2*x', /expected '\)'/);
  await bad('3*x', /no non-linear part/);
});

test('other odd activations work: erf and x^3 have known coefficients; the cubic has no linear removal issue', async () => {
  // x³ = He_3 + 3 He_1: μ1 = 3, μ3 = 6 and g(q) = 6 q³ after removing 3x.
  const cube = (await solve('scaling.thresholds', { activation: 'x^3' })).outputs as any;
  close(cube.mu1_removed, 3, 1e-12, 'μ1 of x³');
  close(cube.mu[3], 6, 1e-12, 'μ3 of x³');
  close(cube.g1, 6, 1e-12, 'g(1) of He_3');
  // For g = 6q³: λ_s = min_q q/((1−q)·18q²) = min 1/(18 q(1−q)) = 2/9 at q = 1/2.
  close(cube.lambda_s, 2 / 9, 1e-8, 'λ_s of He_3');
  // λ_e < 1 here (the bracket must not assume λ_e ≥ 1). Reference: scipy brentq on Φ_λ(q*(λ)) with the
  // plain iteration from q = 1, g = 6q³: λ_e = 0.242629456770, q*(λ_e) from q/(1−q) = 18 λ q².
  close(cube.lambda_e, 0.24262945677, 1e-9, 'λ_e of He_3');
  const qj = (1 + Math.sqrt(1 - 4 / (18 * cube.lambda_e))) / 2;
  close(cube.q_jump, qj, 1e-9, 'q_jump of He_3');
  const e = (await solve('scaling.thresholds', { activation: 'erf(x)' })).outputs as any;
  // E[erf(z) z] = 2/√(3π)
  close(e.mu1_removed, 2 / Math.sqrt(3 * Math.PI), 1e-10, 'μ1 of erf');
  assert.ok(e.lambda_e > e.lambda_s && e.q_jump > 0 && e.q_jump < 1);
});

test('a fixed point that does not converge within the iteration cap is a clear error, not a silent value', async () => {
  const { solveBayesOptimal, prepareReadouts, readoutSquares, NoConvergenceError } = await import('./bayesOptimal');
  const act = activationModel('tanh(2*x)');
  const ch = scalarChannel(act);
  const readouts = prepareReadouts(readoutSquares(100, 0.3, 'power').v2);
  assert.throws(() => solveBayesOptimal(act, ch, { nOverD: 1.35 * 200, delta: 0.04, readouts, rtol: 1e-12, maxIter: 3 }),
    (e: unknown) => e instanceof NoConvergenceError && /did not converge in 3 iterations/.test((e as Error).message));
});

test('Gauss–Hermite quadrature gives the same thresholds and table-A error as the trapezoid rule', async () => {
  const gh = (await solve('scaling.thresholds', { quadrature: 'gauss_hermite' })).outputs as any;
  close(gh.lambda_e, 19.27408, 1e-5, 'λ_e (Gauss–Hermite)');
  close(gh.g1, 0.1031238, 1e-5, 'g(1) (Gauss–Hermite)');
  const bo = (await solve('scaling.bayes_optimal', { alpha: 2, quadrature: 'gauss_hermite' })).outputs as any;
  close(bo.eps, 0.00242195, 1e-5, 'ε at α = 2 (Gauss–Hermite)');
  assert.equal(bo.k_c, 31);
});

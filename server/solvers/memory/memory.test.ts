import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';
import { SolverInputError } from '../registry';
import { decideFeasibility } from './decide';
import { exactMaxMargin } from './exact-lp';
import { constraintDirection, sampleInstance, type MemoryInstance, type MemoryModel } from './instance';
import { hebbianTrials, hebbianWeights, trialScores } from './hebbian';

/** Every margin g_kᵀ W e_i by the definition (explicit loops, independent of the matmul kernels). */
function naiveMargins(inst: MemoryInstance, W: Float64Array): number[] {
  const { d, p, E } = inst;
  const g = new Float64Array(d);
  const out: number[] = [];
  for (let i = 0; i < p; i++) for (let jp = 0; jp < p - 1; jp++) {
    constraintDirection(inst, i, jp, g);
    let s = 0;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += g[a] * W[a * d + b] * E[i * d + b];
    out.push(s);
  }
  return out;
}

/** ‖Σ_k λ_k (g_k ⊗ e_i)‖₁ by the definition. */
function naiveDualBound(inst: MemoryInstance, lambda: Float64Array): number {
  const { d, p, E } = inst;
  const M = new Float64Array(d * d), g = new Float64Array(d);
  for (let i = 0; i < p; i++) for (let jp = 0; jp < p - 1; jp++) {
    const l = lambda[i * (p - 1) + jp];
    if (l === 0) continue;
    constraintDirection(inst, i, jp, g);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) M[a * d + b] += l * g[a] * E[i * d + b];
  }
  return M.reduce((s, x) => s + Math.abs(x), 0);
}

test('the Newton decider agrees with the exact dense LP (M3), and both of its certificates verify', () => {
  const counts = { feasible: 0, infeasible: 0 };
  const cases: [number, number, MemoryModel][] = [[4, 9, 'coupled'], [4, 10, 'decoupled'], [5, 13, 'coupled'], [5, 13, 'decoupled']];
  for (const [d, p, model] of cases) {
    for (let t = 0; t < 7; t++) {
      const inst = sampleInstance(d, p, model, 21, t);
      const lp = exactMaxMargin(inst);
      const dec = decideFeasibility(inst);
      assert.notEqual(dec.verdict, 'undecided', `d=${d} p=${p} ${model} trial ${t}`);
      assert.equal(dec.verdict === 'feasible', lp.feasible, `d=${d} p=${p} ${model} trial ${t}: LP t* = ${lp.tStar}`);
      if (dec.verdict === 'feasible') {
        counts.feasible++;
        const m = naiveMargins(inst, dec.W);
        const wMax = dec.W.reduce((s, x) => Math.max(s, Math.abs(x)), 0);
        assert.ok(Math.min(...m) > 0, 'certificate W separates every pair');
        // The certified margin is a lower bound on the LP optimum.
        assert.ok(Math.min(...m) / wMax <= lp.tStar + 1e-9, `${Math.min(...m) / wMax} > t* = ${lp.tStar}`);
      } else {
        counts.infeasible++;
        const lam = dec.lambda!;
        assert.ok(lam.every((x) => x >= 0));
        assert.ok(Math.abs(lam.reduce((s, x) => s + x, 0) - 1) < 1e-12);
        assert.ok(naiveDualBound(inst, lam) <= 1e-9, 'Farkas certificate: ‖Aᵀλ‖₁ ≤ 1e-9');
      }
    }
  }
  // The cases straddle the transition, so both verdicts must actually have been exercised.
  assert.ok(counts.feasible >= 4 && counts.infeasible >= 4, JSON.stringify(counts));
});

test('the exact LP optimum is consistent with a direct check of its own W', () => {
  const inst = sampleInstance(4, 6, 'coupled', 2, 0);
  const lp = exactMaxMargin(inst);
  assert.ok(lp.feasible && lp.tStar > 0.01, `t* = ${lp.tStar}`);
  const m = naiveMargins(inst, lp.W);
  assert.ok(Math.abs(Math.min(...m) - lp.tStar) < 1e-9);
  assert.ok(lp.W.every((x) => Math.abs(x) <= 1 + 1e-9));
});

test('Hebbian batched scores equal the spec formula S = (E Eᵀ)(U Uᵀ)', () => {
  const d = 6, p = 9;
  const [ts] = hebbianTrials(d, p, 'coupled', 5, 3, 1, 1e-9);
  const inst = sampleInstance(d, p, 'coupled', 5, 3);
  const { E, U } = inst;
  const gram = (X: Float64Array) => Array.from({ length: p * p }, (_, x) => {
    const i = Math.floor(x / p), j = x % p;
    let s = 0;
    for (let a = 0; a < d; a++) s += X[i * d + a] * X[j * d + a];
    return s;
  });
  const GE = gram(E), GU = gram(U);
  for (let i = 0; i < p; i++) {
    const row = Array.from({ length: p }, (_, j) => { let s = 0; for (let k = 0; k < p; k++) s += GE[i * p + k] * GU[k * p + j]; return s; });
    assert.ok(Math.abs(ts.correct[i] - row[i]) < 1e-12);
    assert.ok(Math.abs(ts.best[i] - Math.max(...row.filter((_, j) => j !== i))) < 1e-12);
  }
  // The per-instance path (used by the decoupled model) gives the same verdict and margin.
  const single = trialScores(inst, hebbianWeights(inst), 1e-9);
  assert.equal(single.stored, ts.stored);
  assert.ok(Math.abs(single.boxMargin - ts.boxMargin) < 1e-12);
});

// Reference Monte Carlo of math spec §6 (spec re-check column), within 3 binomial standard errors
// of the spec's own sample plus ours: 3·√(P(1−P)(1/T_spec + 1/T)).
const hebbianRefs: [number, number, number, number][] = [
  // d, p, P, T_spec
  [16, 8, 0.908, 4000], [16, 10, 0.777, 4000], [16, 12, 0.586, 4000], [16, 16, 0.181, 4000],
  [32, 24, 0.894, 4000], [32, 32, 0.590, 4000],
  [64, 100, 0.619, 1000],
];

test('Hebbian storage probability reproduces the reference Monte Carlo numbers', async () => {
  const runner = new InProcessRunner();
  for (const [d, p, P, Tspec] of hebbianRefs) {
    const T = d >= 64 ? 500 : 4000;
    const r = await runner.solve({ solver: 'memory.capacity', params: { d, p, rule: 'hebbian', trials: T }, seed: 2024 });
    const ps = r.outputs.p_success as number;
    const tol = 3 * Math.sqrt(P * (1 - P) * (1 / Tspec + 1 / T));
    assert.ok(Math.abs(ps - P) <= tol, `d=${d} p=${p}: P = ${ps}, reference ${P} ± ${tol.toFixed(3)}`);
    assert.equal(r.outputs.n_undecided, 0);
    assert.equal((r.outputs.n_stored as number) + (r.outputs.n_not_stored as number), T);
    // Correct scores spread around 1 with std ≈ √(p−1)/d (spec M6).
    const cs = r.outputs.correct_score as { mean: number; std: number };
    assert.ok(Math.abs(cs.mean - 1) < 0.02, `mean correct score ${cs.mean}`);
    assert.ok(Math.abs(cs.std / (Math.sqrt(p - 1) / d) - 1) < 0.15, `std ${cs.std} vs ${Math.sqrt(p - 1) / d}`);
  }
});

test('coupled and decoupled models agree within error bars (d = 6)', async () => {
  const runner = new InProcessRunner();
  const T = 80;
  for (const p of [15, 17]) {
    const c = await runner.solve({ solver: 'memory.capacity', params: { d: 6, p, model: 'coupled', trials: T }, seed: 7 });
    const u = await runner.solve({ solver: 'memory.capacity', params: { d: 6, p, model: 'decoupled', trials: T }, seed: 7 });
    assert.equal(c.outputs.n_undecided, 0);
    assert.equal(u.outputs.n_undecided, 0);
    const a = c.outputs.p_success as number, b = u.outputs.p_success as number;
    const pool = (a + b) / 2;
    const se = Math.sqrt(Math.max(pool * (1 - pool), 0.05) * 2 / T);
    assert.ok(Math.abs(a - b) <= 3 * se, `p=${p}: coupled ${a} vs decoupled ${b} (3σ = ${(3 * se).toFixed(3)})`);
  }
});

test('optimal rule stores far more than Hebbian, with unit-margin scores sitting just above the best competitor', async () => {
  const runner = new InProcessRunner();
  const d = 6, p = 10;
  const opt = await runner.solve({ solver: 'memory.capacity', params: { d, p, trials: 20 }, seed: 1 });
  const heb = await runner.solve({ solver: 'memory.capacity', params: { d, p, rule: 'hebbian', trials: 400 }, seed: 1 });
  assert.ok((opt.outputs.p_success as number) >= 0.9, `optimal ${opt.outputs.p_success}`);
  assert.ok((heb.outputs.p_success as number) <= 0.2, `hebbian ${heb.outputs.p_success}`);
  // Optimal: the certificate rescaled to minimum margin 1 has every gap ≥ 1 and many exactly at 1
  // (binding rows, so even the 5% quantile is 1); Hebbian gaps spread below zero.
  const og = (opt.outputs.score_quantiles as { gap: number[] }).gap;
  assert.ok(Math.abs(og[0] - 1) < 1e-6, `optimal gap quantiles ${og}`);
  const hg = (heb.outputs.score_quantiles as { gap: number[] }).gap;
  assert.ok(hg[0] < 0 && hg[2] > 0, `hebbian gap quantiles ${hg}`);
  assert.ok(Math.abs((opt.outputs.p_log_p_over_d2 as number) - (p * Math.log(p)) / (d * d)) < 1e-12);
});

test('memory.capacity is deterministic per seed and rejects bad input by parameter', async () => {
  const runner = new InProcessRunner();
  const a = await runner.solve({ solver: 'memory.capacity', params: { d: 5, p: 12, trials: 6 }, seed: 9 });
  const b = await runner.solve({ solver: 'memory.capacity', params: { d: 5, p: 12, trials: 6 }, seed: 9 });
  assert.deepEqual(
    { ...a.outputs, seconds_per_trial: 0 },
    { ...b.outputs, seconds_per_trial: 0 },
  );
  await assert.rejects(runner.solve({ solver: 'memory.capacity', params: { d: 5, p: 1 } }), /out of its documented range/);
  await assert.rejects(runner.solve({ solver: 'memory.capacity', params: { rule: 'hebian' } }), /did you mean 'hebbian'/);
  await assert.rejects(
    runner.solve({ solver: 'memory.capacity', params: { d: 64, p: 3000, model: 'decoupled' } }),
    (e: unknown) => e instanceof SolverInputError && e.param === 'p',
  );
  const t = await runner.solve({ solver: 'memory.capacity', params: { d: 4, p: 6, trials: 50 }, budget: 'test' });
  assert.equal((t.outputs.n_stored as number) + (t.outputs.n_not_stored as number) + (t.outputs.n_undecided as number), 12);
  assert.ok(t.warnings.some((w) => /test budget/.test(w)));
});

test('memory.capacity honours cancellation and reports progress', async () => {
  const runner = new InProcessRunner();
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    runner.solve({ solver: 'memory.capacity', params: { d: 6, p: 14, trials: 50 } }, { signal: ac.signal }),
    (e: unknown) => e instanceof Error && e.name === 'CancelledError',
  );
  const seen: number[] = [];
  await runner.solve({ solver: 'memory.capacity', params: { d: 4, p: 6, trials: 3 } }, { onProgress: (f) => seen.push(f) });
  assert.deepEqual(seen, [1 / 3, 2 / 3, 1]);
});

test('memory estimate grows with p and counts the decoupled competitor store', async () => {
  const { getSolver } = await import('../index');
  const def = getSolver('memory.capacity')!;
  const est = (p: number, model: string, rule = 'optimal') => def.memoryEstimate!({ d: 32, p, model, rule, trials: 10, margin: 1e-9, budget_s: 60 });
  assert.ok(est(100, 'coupled') < est(200, 'coupled'));
  // decoupled stores p(p−1)·d doubles of competitors on top
  assert.ok(est(200, 'decoupled') - est(200, 'coupled') >= 8 * 200 * 199 * 32);
  assert.ok(est(200, 'coupled', 'hebbian') > 0);
});

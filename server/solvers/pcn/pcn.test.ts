// Claims C1–C3 of shared/math/pcn.md, at sizes that keep the suite fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../numeric/rng';
import { computeErrors, infer, PcnNetwork, PcnState, topDownInit, valueGradients, weightGradient } from './network';
import { complete, denoise, patternMse, trainMemory } from './memory';
import { binaryPatterns, shapeImages } from './patterns';
import { InProcessRunner } from '../../engine/runner';

function randomState(sizes: number[], batch: number, seed: number) {
  const net = new PcnNetwork({ sizes, activation: 'tanh' }, seed);
  const st = new PcnState(net, batch);
  const rng = new Rng(seed + 1);
  for (const x of st.x) for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return { net, st };
}

test('C1: value-node gradients (P4) match central finite differences of the energy', () => {
  const { net, st } = randomState([5, 4, 3, 3], 2, 11);
  computeErrors(net, st);
  valueGradients(net, st);
  const analytic = st.grad.map((g) => Float64Array.from(g));
  const h = 1e-6;
  for (let l = 0; l <= net.L; l++) {
    for (let i = 0; i < st.x[l].length; i++) {
      const keep = st.x[l][i];
      st.x[l][i] = keep + h; const ep = computeErrors(net, st);
      st.x[l][i] = keep - h; const em = computeErrors(net, st);
      st.x[l][i] = keep;
      const fd = (ep - em) / (2 * h);
      const rel = Math.abs(fd - analytic[l][i]) / Math.max(1, Math.abs(fd));
      assert.ok(rel < 1e-6, `layer ${l} node ${i}: analytic ${analytic[l][i]} vs fd ${fd}`);
    }
  }
});

test('C1: weight gradients (P5) match central finite differences of the energy', () => {
  const { net, st } = randomState([4, 3, 5], 3, 5);
  const h = 1e-6;
  for (let l = 0; l < net.L; l++) {
    computeErrors(net, st);
    const g = new Float64Array(net.theta[l + 1].length);
    weightGradient(net, st, l, g);
    const th = net.theta[l + 1];
    for (let i = 0; i < th.length; i++) {
      const keep = th[i];
      th[i] = keep + h; const ep = computeErrors(net, st);
      th[i] = keep - h; const em = computeErrors(net, st);
      th[i] = keep;
      const fd = (ep - em) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) / Math.max(1, Math.abs(fd)) < 1e-6, `θ^${l + 1}[${i}]: ${g[i]} vs ${fd}`);
    }
  }
});

test('top-down initialisation leaves only the data-layer error', () => {
  const { net, st } = randomState([6, 5, 4], 2, 3);
  topDownInit(net, st);
  computeErrors(net, st);
  assert.ok(st.eps[1].every((e) => Math.abs(e) < 1e-15));
  assert.ok(st.eps[0].some((e) => Math.abs(e) > 1e-3));
});

test('C2: γ shrinks by exactly 0.9 after each step whose energy did not decrease, never grows, and E_T ≤ E_0', () => {
  // A large γ makes the energy overshoot, so the rule must fire.
  const { net, st } = randomState([8, 6, 6], 4, 21);
  topDownInit(net, st);
  const g0 = 1.5;
  const tr = infer(net, st, { steps: 40, gamma: g0 });
  assert.equal(tr.gamma[0], g0);
  let fired = 0;
  for (let t = 1; t < tr.gamma.length; t++) {
    const increased = tr.energy[t] >= tr.energy[t - 1]; // energy after step t vs before it
    const expected = increased ? tr.gamma[t - 1] * 0.9 : tr.gamma[t - 1];
    assert.ok(Math.abs(tr.gamma[t] - expected) < 1e-15, `step ${t + 1}: γ ${tr.gamma[t]} expected ${expected}`);
    assert.ok(tr.gamma[t] <= tr.gamma[t - 1]);
    if (increased) fired++;
  }
  assert.ok(fired > 0, 'the large step size should trigger the rule at least once');
  assert.ok(tr.energy[tr.energy.length - 1] <= tr.energy[0]);
});

test('C3 (reduced): stored binary patterns become fixed points, are denoised and completed', () => {
  // The spec's setting is n0 = 64, widths 128, N = 10, 5000 epochs (bench/pcn.bench.ts runs it);
  // here a narrower net with fewer patterns keeps the test to seconds.
  const rng = new Rng(4);
  const N = 5, n0 = 32;
  const data = binaryPatterns(N, n0, rng);
  const net = new PcnNetwork({ sizes: [n0, 64, 64], activation: 'relu' }, 9);
  const r = trainMemory(net, data, N, { alpha: 2e-3, gamma: 0.1, steps: 32, maxEpochs: 1500, tolerance: 1e-6 });
  const e = r.energyPerPixel[r.energyPerPixel.length - 1];
  assert.ok(e < 1e-4, `energy per pixel ${e}`);
  assert.ok(r.energyPerPixel[r.energyPerPixel.length - 1] < r.energyPerPixel[0] / 100);
  const fixed = denoise(net, data, N, { iterations: 1, steps: 250, gamma: 0.05 });
  assert.ok(Math.max(...patternMse(fixed, data, N)) < 1e-3);
  const noisy = Float64Array.from(data, (v) => v + 0.1 * rng.normal());
  const before = patternMse(noisy, data, N);
  const after = patternMse(denoise(net, noisy, N, { iterations: 30, steps: 250, gamma: 0.05 }), data, N);
  assert.ok(after.every((m, i) => m < 0.005 && m < before[i]), `denoised ${after} from ${before}`);
  const mask = new Uint8Array(N * n0);
  for (let s = 0; s < N; s++) for (let i = 0; i < (3 * n0) / 4; i++) mask[s * n0 + i] = 1;
  const completed = patternMse(complete(net, data, mask, N, { steps: 2000, gamma: 0.05 }), data, N);
  assert.ok(completed.every((m) => m < 0.001), `completion ${completed}`);
});

test('generated shape images are deterministic per seed, in [0, 1] and not blank', () => {
  const a = shapeImages(6, 16, new Rng(2)), b = shapeImages(6, 16, new Rng(2));
  assert.deepEqual(a, b);
  for (let s = 0; s < 6; s++) {
    const img = a.subarray(s * 256, (s + 1) * 256);
    const lit = img.filter((v) => v > 0).length;
    assert.ok(lit > 5 && lit < 256, `image ${s} has ${lit} lit pixels`);
    assert.ok(img.every((v) => v >= 0 && v <= 1));
  }
});

test('pcn.train and pcn.retrieve through the runner: deterministic, validated, denoising beats the noise', async () => {
  const runner = new InProcessRunner();
  const params = { dim: 32, width: 48, patterns: 4, alpha: 2e-3, epochs: 1000, retrieval_steps: 100 };
  const a = await runner.solve({ solver: 'pcn.train', params, seed: 1 });
  const b = await runner.solve({ solver: 'pcn.train', params, seed: 1 });
  assert.deepEqual(a.outputs, b.outputs);
  assert.equal(a.outputs.inference_monotone, true);
  assert.ok((a.outputs.energy_per_pixel as number) < 1e-3);
  const r = await runner.solve({ solver: 'pcn.retrieve', params: { ...params, mode: 'denoise', noise: 0.01, iterations: 10 }, seed: 1 });
  assert.ok((r.outputs.mse_mean as number) < (r.outputs.mse_corrupted as number) / 2, JSON.stringify(r.outputs.mse));
  await assert.rejects(runner.solve({ solver: 'pcn.retrieve', params: { mode: 'complete', visible: 1.5 } }), /visible/);
  await assert.rejects(runner.solve({ solver: 'pcn.train', params: { activation: 'relux' } }), /did you mean 'relu'/);
});

test('issue 22: gamma_decays counts a firing of the 0.9 rule at the last step T (reproducer: 9 decays, the last at t = T = 40)', async () => {
  const runner = new InProcessRunner();
  for (const precision of ['float64', 'float32']) {
    const params = { patterns: 5, dim: 32, width: 48, gamma: 1.0, T: 40, epochs: 10, alpha: 0.0001, retrieval_steps: 50, precision };
    const o = (await runner.solve({ solver: 'pcn.train', params, seed: 1 })).outputs;
    const E = o.inference_energy as number[];
    const rises: number[] = [];
    for (let t = 1; t < E.length; t++) if (E[t] >= E[t - 1]) rises.push(t);
    assert.deepEqual(rises, [3, 5, 12, 22, 24, 28, 30, 34, 40], precision);
    assert.equal(o.gamma_decays, rises.length, precision);
  }
});

test('float32 (engine GEMMs) and float64 (blocked GEMMs here) training agree: energies to 1e-4 relative, same retrieval', async () => {
  const runner = new InProcessRunner();
  const base = { dim: 32, width: 64, patterns: 5, alpha: 2e-3, epochs: 60, retrieval_steps: 50 };
  const a = (await runner.solve({ solver: 'pcn.train', params: { ...base, precision: 'float32' }, seed: 2 })).outputs;
  const b = (await runner.solve({ solver: 'pcn.train', params: { ...base, precision: 'float64' }, seed: 2 })).outputs;
  const Ea = a.inference_energy as number[], Eb = b.inference_energy as number[];
  for (let t = 0; t < Eb.length; t++) assert.ok(Math.abs(Ea[t] - Eb[t]) <= 1e-4 * Eb[t], `step ${t}: ${Ea[t]} vs ${Eb[t]}`);
  const ea = a.energy as number[], eb = b.energy as number[];
  assert.ok(Math.abs(ea[ea.length - 1] - eb[eb.length - 1]) <= 1e-2 * eb[eb.length - 1], `final energy ${ea[ea.length - 1]} vs ${eb[eb.length - 1]}`);
  assert.ok(Math.abs((a.fixed_point_mse as number) - (b.fixed_point_mse as number)) <= 1e-3 * (b.fixed_point_mse as number));
});

test('pcn.retrieve exposes the stored, corrupted and retrieved patterns as matrices (rows and first-pattern images)', async () => {
  const runner = new InProcessRunner();
  const params = { dim: 24, width: 32, patterns: 3, alpha: 2e-3, epochs: 30, retrieval_steps: 20, mode: 'complete', visible: 0.5 };
  const o = (await runner.solve({ solver: 'pcn.retrieve', params, seed: 1 })).outputs;
  const stored = o.stored as number[][], corrupted = o.corrupted as number[][], retrieved = o.retrieved as number[][];
  assert.equal(stored.length, 3);
  assert.ok(stored.every((r) => r.length === 24 && r.every((v) => v === 0 || v === 1)));
  // completion: the first half observed, the rest starts at 0
  for (let s = 0; s < 3; s++) for (let i = 0; i < 24; i++) assert.equal(corrupted[s][i], i < 12 ? stored[s][i] : 0);
  assert.equal(retrieved.length, 3);
  const img = o.stored_image as number[][];
  assert.deepEqual([img.length, img[0].length], [4, 6]);
  assert.deepEqual(img.flat(), stored[0]);
  assert.deepEqual((o.retrieved_image as number[][]).flat(), retrieved[0]);
});

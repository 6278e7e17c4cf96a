// The Adam student: gradients, teacher construction, determinism, and a small but real learning run.
// The full trend check (α = 2..10 against ε^BO) is heavier and lives in bench/scaling-adam.bench.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';
import { Rng } from '../../numeric/rng';
import { cpuStudentKernel, newStudent } from './studentMlp';
import { orthonormalRows } from './teacher';
import { scaledTanh } from './kernelStudent';
import { compileScalarExpr } from '../../numeric/scalarExpr';

const runner = new InProcessRunner();

test('student gradients match central finite differences of the batch MSE', () => {
  const rng = new Rng(3);
  const d = 7, p = 4, rows = 9;
  const X = Float32Array.from(rng.normals(rows * d));
  const y = rng.normals(rows);
  const plain = { f: (u: number) => Math.tanh(2 * u), df: (u: number) => { const t = Math.tanh(2 * u); return 2 * (1 - t * t); } };
  const c = compileScalarExpr('tanh(2*x) + 0.1*x^3');
  const viaDual = { f: c.evaluate, df: c.derivative, dual: { fn: c.dual, slot: c.dualSlot } };
  for (const act of [plain, viaDual]) {
  const s = newStudent(d, p, rng.normals(p * d, 0.5), rng.normals(p, 0.7));
  const b = { X, y, start: 2, rows: 6 };
  const gW = new Float64Array(p * d), gv = new Float64Array(p);
  cpuStudentKernel.gradients(s, b, act, gW, gv);
  const h = 1e-6;
  const fd = (arr: Float64Array, i: number) => {
    const keep = arr[i];
    arr[i] = keep + h; const up = cpuStudentKernel.mse(s, b, act);
    arr[i] = keep - h; const dn = cpuStudentKernel.mse(s, b, act);
    arr[i] = keep;
    return (up - dn) / (2 * h);
  };
  for (let i = 0; i < p * d; i++) assert.ok(Math.abs(gW[i] - fd(s.W, i)) < 1e-7, `dW[${i}] ${gW[i]} vs ${fd(s.W, i)}`);
  for (let j = 0; j < p; j++) assert.ok(Math.abs(gv[j] - fd(s.v, j)) < 1e-7, `dv[${j}]`);
  }
});

test('teacher rows are orthonormal', () => {
  const k = 12, d = 30;
  const W = orthonormalRows(k, d, new Rng(5));
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) {
    let dot = 0;
    for (let c = 0; c < d; c++) dot += W[i * d + c] * W[j * d + c];
    assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12, `(${i}, ${j}) ${dot}`);
  }
});

test('Adam on a small teacher learns its leading features and beats the trivial predictor by far; same seed, same result', async () => {
  // d = 24, k = 12, α = 4 (n = 2304), width = k_c: a few seconds on one core.
  const params = { d: 24, k: 12, beta: 1, delta: 0.01, alpha: 4, width: 10, epochs: 300, seeds: 2, n_test: 3000 };
  const a = await runner.solve({ solver: 'scaling.adam_student', params, seed: 11 });
  const o = a.outputs as any;
  // The noiseless teacher's output variance Σ v_i² E[tanh(2z)²] ≈ 0.62 is the error of predicting 0.
  // g(1) = 0.103 is the error of a student that learns only the linear part (μ1² of the 0.62 variance);
  // half of it means non-linear features were learned.
  assert.ok(o.test_mse.mean < 0.5 * 0.1031, `test MSE ${o.test_mse.mean}`);
  assert.equal(o.test_mse.n, 2);
  assert.ok(o.learned_features.mean >= 2, `learned ${o.learned_features.mean}`);
  // The leading feature (largest readout) is the one found first.
  assert.ok(o.max_overlaps[0] > 0.7, `overlap with feature 1: ${o.max_overlaps[0]}`);
  assert.ok(o.eps_bo > 0 && o.eps_bo < o.test_mse.mean * 10, `ε_BO ${o.eps_bo}`);
  assert.ok(o.loss_trace[o.loss_trace.length - 1] < o.loss_trace[0], 'training loss decreases');
  const b = await runner.solve({ solver: 'scaling.adam_student', params, seed: 11 });
  assert.deepEqual(b.outputs, a.outputs);
});

test('adam_student rejects k > d, oversized data and alpha together with n', async () => {
  await assert.rejects(runner.solve({ solver: 'scaling.adam_student', params: { d: 10, k: 20, alpha: 1, epochs: 1 } }), /k = 20 > d = 10/);
  await assert.rejects(runner.solve({ solver: 'scaling.adam_student', params: { d: 4000, k: 10, alpha: 100, epochs: 1 } }), /exceeds/);
  // The paper's largest run (α = 70 at d = 200) is accepted.
  const { resolveParams } = await import('../registry');
  const { getSolver } = await import('../index');
  assert.deepEqual(resolveParams(getSolver('scaling.adam_student')!, { alpha: 70, width: 100, epochs: 1 }).issues, []);
  await assert.rejects(runner.solve({ solver: 'scaling.adam_student', params: { alpha: 1, n: 100, epochs: 1 } }), /either `alpha`/);
  await assert.rejects(runner.solve({ solver: 'scaling.adam_student', params: { alpha: 1, epochs: 1, activation: 'tanh(2*' } }),
    (e: any) => e.param === 'activation');
});

test('the test budget shrinks epochs and seeds and says so', async () => {
  const r = await runner.solve({ solver: 'scaling.adam_student', params: { d: 200, k: 6, alpha: 1, width: 4, epochs: 500, seeds: 5 }, budget: 'test' });
  assert.equal(r.outputs.epochs_run, 20);
  assert.equal((r.outputs.test_mse as any).n, 2);
  assert.ok(r.warnings.some((w) => /test budget: 20 epochs/.test(w)));
  // n = α d² = 40000 is capped for the smoke run, and ε_BO still refers to the n asked for.
  assert.equal(r.outputs.n, 5000);
  assert.ok(r.warnings.some((w) => /trained on 5000 samples instead of 40000/.test(w)));
  const bo = await runner.solve({ solver: 'scaling.bayes_optimal', params: { d: 200, k: 6, alpha: 1 } });
  assert.equal(r.outputs.eps_bo, bo.outputs.eps);
});

test('tanh(c·x) is recognised for the engine kernel; other activations are not', () => {
  assert.equal(scaledTanh('tanh(2*x)'), 2);
  assert.equal(scaledTanh(' tanh(x * 0.5) '), 0.5);
  assert.equal(scaledTanh('tanh(x/4)'), 0.25);
  assert.equal(scaledTanh('tanh(x)'), 1);
  assert.equal(scaledTanh('tanh(2*x) - 0.7*x'), null);
  assert.equal(scaledTanh('erf(x)'), null);
  assert.equal(scaledTanh('tanh(2*x'), null);
});

test('the engine-kernel (float32) and typed-array (float64) students agree on the same draws', async () => {
  const params = { d: 16, k: 8, alpha: 4, width: 6, epochs: 150, seeds: 1, n_test: 2000 };
  const job = await runner.solve({ solver: 'scaling.adam_student', params, seed: 4 });
  const viaKernel = job.outputs as any;
  const viaJs = (await runner.solve({ solver: 'scaling.adam_student', params: { ...params, implementation: 'js' }, seed: 4 })).outputs as any;
  assert.match(viaKernel.backend, /^cpu:/);
  // the solver trains on the job's kernels, so both report the same backend
  assert.equal(viaKernel.backend, job.backend);
  assert.equal(viaJs.backend, 'cpu-js');
  const a = viaKernel.test_mse.mean, b = viaJs.test_mse.mean;
  assert.ok(Math.abs(a / b - 1) < 0.05, `kernel ${a} vs js ${b}`);
  assert.ok(Math.abs(viaKernel.loss_trace[0] / viaJs.loss_trace[0] - 1) < 1e-4, 'first epoch losses agree');
});

test('a cancelled job stops with CancelledError', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(runner.solve({ solver: 'scaling.adam_student', params: { d: 20, k: 10, alpha: 2, width: 5, epochs: 100000, seeds: 1 } }, { signal: ac.signal }),
    (e: any) => e.name === 'CancelledError');
});

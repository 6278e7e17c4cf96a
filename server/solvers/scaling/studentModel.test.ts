// The kernel-primitive Adam student (studentModel.ts) on the CPU kernels: loss and first Adam step
// against the definition (finite differences), and step-for-step agreement with the float64
// typed-array student on odd sizes and uneven row blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../numeric/rng';
import { CpuKernels } from '../../engine/kernels/cpuBackend';
import { StudentModel } from './studentModel';
import { cpuStudentKernel, newStudent, TORCH_ADAM } from './studentMlp';

function randn(rng: Rng, n: number, s = 1) { return Float32Array.from({ length: n }, () => s * rng.normal()); }

function studentLoss(x: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>, v: ArrayLike<number>, n: number, d: number, p: number): number {
  let loss = 0;
  for (let b = 0; b < n; b++) {
    let f = 0;
    for (let j = 0; j < p; j++) {
      let h = 0;
      for (let i = 0; i < d; i++) h += x[b * d + i] * w[j * d + i];
      f += Math.tanh(2 * h) * v[j];
    }
    loss += (f - y[b]) ** 2;
  }
  return loss / n;
}

const kernels = new CpuKernels();

test('student model: loss and first Adam step match the definition (each weight moves by ≈ lr·sign(grad))', async () => {
  const rng = new Rng(5);
  const d = 8, p = 5, n = 20, lr = 1e-3;
  const x = randn(rng, n * d), y = randn(rng, n);
  const w = randn(rng, p * d, 0.3), v = randn(rng, p, 0.5);
  const s = new StudentModel(kernels, { d, p, maxRows: n, lr });
  s.setData(x, y, n);
  s.setWeights(w, v);
  s.step(0, n);
  const want = studentLoss(x, y, w, v, n, d, p);
  assert.ok(Math.abs((await s.lastLoss()) - want) < 1e-5 * want);
  const { w: w1, v: v1 } = await s.weights();
  let checked = 0;
  for (let i = 0; i < p * d + p; i += 3) {
    const h = 1e-4;
    const onW = i < p * d;
    const wp = Float64Array.from(w), wm = Float64Array.from(w), vp = Float64Array.from(v), vm = Float64Array.from(v);
    if (onW) { wp[i] += h; wm[i] -= h; } else { vp[i - p * d] += h; vm[i - p * d] -= h; }
    const g = (studentLoss(x, y, wp, vp, n, d, p) - studentLoss(x, y, wm, vm, n, d, p)) / (2 * h);
    if (Math.abs(g) < 1e-3) continue;
    const moved = onW ? w1[i] - w[i] : v1[i - p * d] - v[i - p * d];
    assert.ok(Math.abs(moved + lr * Math.sign(g)) < 1e-6, `param ${i} moved ${moved}, grad ${g}`);
    checked++;
  }
  assert.ok(checked > 10);
  s.dispose();
});

test('student model follows the float64 typed-array student step for step (odd sizes, uneven blocks, renormalisation, evaluation)', async () => {
  const rng = new Rng(8);
  const d = 13, p = 6, n = 50, rows = 17, lr = 0.01;
  const x = randn(rng, n * d), y = randn(rng, n), xt = randn(rng, 30 * d), yt = randn(rng, 30);
  const w = randn(rng, p * d, 0.3), v = randn(rng, p, 0.5);
  const model = new StudentModel(kernels, { d, p, maxRows: rows, lr });
  model.setData(x, y, n);
  model.setWeights(w, v);
  const ref = newStudent(d, p, Float64Array.from(w), Float64Array.from(v));
  const act = { f: (u: number) => Math.tanh(2 * u), df: (u: number) => 2 * (1 - Math.tanh(2 * u) ** 2) };
  const y64 = Float64Array.from(y);
  for (let step = 0; step < 4; step++) {
    const start = step * 11, r = step === 3 ? 16 : rows;
    model.step(start, r);
    const lossRef = cpuStudentKernel.trainStep(ref, { X: x, y: y64, start, rows: r }, act, { ...TORCH_ADAM, lr });
    assert.ok(Math.abs((await model.lastLoss()) - lossRef) < 1e-5 * lossRef, `step ${step}`);
  }
  model.renormalizeRows();
  cpuStudentKernel.normaliseRows(ref);
  const got = await model.weights();
  for (let i = 0; i < got.w.length; i++) assert.ok(Math.abs(got.w[i] - ref.W[i]) < 1e-5, `w[${i}]`);
  for (let i = 0; i < got.v.length; i++) assert.ok(Math.abs(got.v[i] - ref.v[i]) < 1e-5, `v[${i}]`);
  // evaluation in chunks of maxRows (30 test rows > 17) against the typed-array MSE
  const e = await model.evaluate(xt, yt, 30);
  const eRef = cpuStudentKernel.mse(ref, { X: xt, y: Float64Array.from(yt), start: 0, rows: 30 }, act);
  assert.ok(Math.abs(e - eRef) < 1e-5 * eRef, `${e} vs ${eRef}`);
  assert.throws(() => model.step(40, 17), /beyond/);
  model.dispose();
});

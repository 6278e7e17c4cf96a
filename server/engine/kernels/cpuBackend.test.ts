// The CPU backend's model kernels against direct loops: the student gradient by finite differences
// of the loss, one Adam step against torch's formula, and the PCN step against pcn.md Eq. 3 written out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../numeric/rng';
import { CpuKernels, CpuMlpStudent } from './cpuBackend';

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

test('student: loss and first Adam step match the definition (the first step moves every weight by ≈ lr·sign(grad))', async () => {
  const rng = new Rng(5);
  const d = 8, p = 5, n = 20, lr = 1e-3;
  const x = randn(rng, n * d), y = randn(rng, n);
  const w = randn(rng, p * d, 0.3), v = randn(rng, p, 0.5);
  const s = new CpuMlpStudent({ d, p, maxRows: n, lr });
  s.setData(x, y, n);
  s.setWeights(w, v);
  s.step(0, n);
  const want = studentLoss(x, y, w, v, n, d, p);
  assert.ok(Math.abs((await s.lastLoss()) - want) < 1e-5 * want);
  // gradient sign by central differences (float64), compared with the direction Adam moved
  const { w: w1 } = await s.weights();
  let checked = 0;
  for (let i = 0; i < p * d; i += 3) {
    const h = 1e-4;
    const wp = Float64Array.from(w), wm = Float64Array.from(w);
    wp[i] += h; wm[i] -= h;
    const g = (studentLoss(x, y, wp, v, n, d, p) - studentLoss(x, y, wm, v, n, d, p)) / (2 * h);
    if (Math.abs(g) < 1e-3) continue;
    const moved = w1[i] - w[i];
    assert.ok(Math.abs(moved + lr * Math.sign(g)) < 1e-6, `w[${i}] moved ${moved}, grad ${g}`);
    checked++;
  }
  assert.ok(checked > 10);
});

test('student: renormalizeRows gives unit rows', async () => {
  const rng = new Rng(6);
  const s = new CpuMlpStudent({ d: 7, p: 3, maxRows: 1, lr: 0.1 });
  s.setWeights(randn(rng, 21, 3), randn(rng, 3));
  s.renormalizeRows();
  const { w } = await s.weights();
  for (let j = 0; j < 3; j++) {
    let q = 0;
    for (let i = 0; i < 7; i++) q += w[j * 7 + i] ** 2;
    assert.ok(Math.abs(q - 1) < 1e-6);
  }
});

test('PCN step equals pcn.md Eq. 3 written as loops (2 layers, tanh)', async () => {
  const rng = new Rng(7);
  const sizes = [4, 3, 2], B = 2, gamma = 0.2;
  const th1 = randn(rng, 4 * 3), th2 = randn(rng, 3 * 2);
  const x0 = randn(rng, B * 4), x1 = randn(rng, B * 3), x2 = randn(rng, B * 2);
  const net = new CpuKernels().pcn({ sizes, batch: B, activation: 'tanh' });
  net.setWeights(1, th1); net.setWeights(2, th2);
  net.setValues(0, x0); net.setValues(1, x1); net.setValues(2, x2);
  net.step(gamma);
  const f = Math.tanh, fp = (z: number) => 1 - Math.tanh(z) ** 2;
  for (let b = 0; b < B; b++) {
    const mu0 = [0, 1, 2, 3].map((i) => [0, 1, 2].reduce((s, j) => s + th1[i * 3 + j] * f(x1[b * 3 + j]), 0));
    const mu1 = [0, 1, 2].map((i) => [0, 1].reduce((s, j) => s + th2[i * 2 + j] * f(x2[b * 2 + j]), 0));
    const e0 = mu0.map((m, i) => x0[b * 4 + i] - m), e1 = mu1.map((m, i) => x1[b * 3 + i] - m);
    const new1 = [0, 1, 2].map((i) => x1[b * 3 + i] + gamma * (-e1[i] + fp(x1[b * 3 + i]) * e0.reduce((s, e, k) => s + e * th1[k * 3 + i], 0)));
    const new2 = [0, 1].map((i) => x2[b * 2 + i] + gamma * (fp(x2[b * 2 + i]) * e1.reduce((s, e, k) => s + e * th2[k * 2 + i], 0)));
    const got1 = await net.values(1), got2 = await net.values(2);
    new1.forEach((v, i) => assert.ok(Math.abs(got1[b * 3 + i] - v) < 1e-5));
    new2.forEach((v, i) => assert.ok(Math.abs(got2[b * 2 + i] - v) < 1e-5));
  }
  const e = await net.energy();
  assert.ok(Number.isFinite(e) && e > 0);
});

test('the wasm-resident student (odd sizes: d and p not multiples of 8) follows the JS reference step for step', async () => {
  const { WasmMlpStudent } = await import('./wasmStudent');
  const { newWasmKernel32 } = await import('./wasmGemm');
  const rng = new Rng(8);
  const d = 13, p = 6, n = 50, rows = 17;
  const x = randn(rng, n * d), y = randn(rng, n), xt = randn(rng, 30 * d), yt = randn(rng, 30);
  const w = randn(rng, p * d, 0.3), v = randn(rng, p, 0.5);
  const ref = new CpuMlpStudent({ d, p, maxRows: rows, lr: 0.01 });
  const fast = new WasmMlpStudent(newWasmKernel32()!, { d, p, maxRows: rows, lr: 0.01 });
  for (const s of [ref, fast]) { s.setData(x, y, n); s.setWeights(w, v); }
  for (let step = 0; step < 4; step++) {
    for (const s of [ref, fast]) s.step(step * 11, rows);
    assert.ok(Math.abs((await fast.lastLoss()) - (await ref.lastLoss())) < 1e-5 * (await ref.lastLoss()));
  }
  for (const s of [ref, fast]) s.renormalizeRows();
  const [a, b] = [await ref.weights(), await fast.weights()];
  for (let i = 0; i < a.w.length; i++) assert.ok(Math.abs(a.w[i] - b.w[i]) < 1e-5, `w[${i}]`);
  for (let i = 0; i < a.v.length; i++) assert.ok(Math.abs(a.v[i] - b.v[i]) < 1e-5);
  const [ea, eb] = [await ref.evaluate(xt, yt, 30), await fast.evaluate(xt, yt, 30)];
  assert.ok(Math.abs(ea - eb) < 1e-5 * ea);
});

// The PCN's value layers on the kernel primitives (deviceNet.ts) against pcn.md Eq. 3 written out as
// loops, on the CPU backend: one step with tanh (clamped data layer), one with relu and a free mask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../numeric/rng';
import { CpuKernels } from '../../engine/kernels/cpuBackend';
import { DevicePcn } from './deviceNet';

function randn(rng: Rng, n: number, s = 1) { return Float32Array.from({ length: n }, () => s * rng.normal()); }

test('PCN step equals pcn.md Eq. 3 written as loops (2 layers, tanh)', async () => {
  const rng = new Rng(7);
  const sizes = [4, 3, 2], B = 2, gamma = 0.2;
  const th1 = randn(rng, 4 * 3), th2 = randn(rng, 3 * 2);
  const x0 = randn(rng, B * 4), x1 = randn(rng, B * 3), x2 = randn(rng, B * 2);
  const net = new DevicePcn(new CpuKernels(), { sizes, batch: B, activation: 'tanh' });
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
  assert.deepEqual(Array.from(await net.values(0)), Array.from(x0), 'the data layer is clamped without a mask');
});

test('free sensory entries relax towards their prediction; energy is ½Σ‖ε‖²; relu', async () => {
  const rng = new Rng(9);
  const sizes = [3, 2], B = 2, gamma = 0.3;
  const th = randn(rng, 3 * 2), x0 = randn(rng, B * 3), x1 = randn(rng, B * 2);
  const mask = Float32Array.from([1, 0, 1]);
  const net = new DevicePcn(new CpuKernels(), { sizes, batch: B, activation: 'relu' });
  net.setWeights(1, th); net.setValues(0, x0); net.setValues(1, x1); net.setFreeMask(mask);
  const relu = (z: number) => Math.max(0, z);
  const mu = (b: number, i: number) => [0, 1].reduce((s, j) => s + th[i * 2 + j] * relu(x1[b * 2 + j]), 0);
  let e = 0;
  for (let b = 0; b < B; b++) for (let i = 0; i < 3; i++) e += (x0[b * 3 + i] - mu(b, i)) ** 2;
  assert.ok(Math.abs((await net.energy()) - e / 2) < 1e-5 * (1 + e));
  const pred = await net.prediction(0);
  for (let b = 0; b < B; b++) for (let i = 0; i < 3; i++) assert.ok(Math.abs(pred[b * 3 + i] - mu(b, i)) < 1e-5);
  net.step(gamma);
  const got0 = await net.values(0);
  for (let b = 0; b < B; b++) for (let i = 0; i < 3; i++) {
    const want = x0[b * 3 + i] - gamma * mask[i] * (x0[b * 3 + i] - mu(b, i));
    assert.ok(Math.abs(got0[b * 3 + i] - want) < 1e-5, `x0[${b},${i}]`);
  }
  const got1 = await net.values(1);
  for (let b = 0; b < B; b++) for (let j = 0; j < 2; j++) {
    const g = [0, 1, 2].reduce((s, i) => s + (x0[b * 3 + i] - mu(b, i)) * th[i * 2 + j], 0);
    const want = x1[b * 2 + j] + gamma * (x1[b * 2 + j] > 0 ? g : 0);
    assert.ok(Math.abs(got1[b * 2 + j] - want) < 1e-5, `x1[${b},${j}]`);
  }
  assert.throws(() => net.setFreeMask(new Float32Array(4)), /expected 3 or 6/);
  net.dispose();
});

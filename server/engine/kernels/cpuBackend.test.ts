// The CPU backend's primitives against direct loops (row views, scaled rows/columns, Adam against
// torch's formula, row normalisation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../numeric/rng';
import { CpuKernels } from './cpuBackend';

function randn(rng: Rng, n: number, s = 1) { return Float32Array.from({ length: n }, () => s * rng.normal()); }

test('row views share storage; matmul on views; scaleRowsCols; adam; normalizeRows match their loops', async () => {
  const k = new CpuKernels();
  const rng = new Rng(11);
  const x = k.tensor(randn(rng, 6 * 4), [6, 4]);
  const xs = await k.read(x);
  const v = k.view(x, 2, 3);
  assert.deepEqual(v.shape, [3, 4]);
  assert.deepEqual(Array.from(await k.read(v)), Array.from(xs.subarray(8, 20)));
  const w = k.tensor(randn(rng, 4 * 2), [4, 2]), out = k.zeros([3, 2]);
  k.matmul(v, w, out);
  const wv = await k.read(w), o = await k.read(out);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
    let s = 0;
    for (let q = 0; q < 4; q++) s += xs[(i + 2) * 4 + q] * wv[q * 2 + j];
    assert.ok(Math.abs(o[i * 2 + j] - s) < 1e-5);
  }
  k.write(k.view(x, 5, 1), [1, 2, 3, 4]);
  assert.deepEqual(Array.from((await k.read(x)).subarray(20)), [1, 2, 3, 4]);
  assert.throws(() => k.view(x, 4, 3), /outside/);
  // out[r, c] = alpha · rs[r] · cs[c] · (1 − x²)
  const rs = k.tensor([2, -1, 0.5], [3, 1]), cs = k.tensor([1, 3, -2, 0.25], [4, 1]), so = k.zeros([3, 4]);
  k.scaleRowsCols('one_minus_square', v, rs, cs, 0.7, so);
  const sv = await k.read(so);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) {
    const xv = xs[(r + 2) * 4 + c];
    assert.ok(Math.abs(sv[r * 4 + c] - 0.7 * [2, -1, 0.5][r] * [1, 3, -2, 0.25][c] * (1 - xv * xv)) < 1e-5);
  }
  // Adam (torch): two steps from zero moments
  const prm = k.tensor([1, -2], [2]), g = k.tensor([0.5, -3], [2]), m = k.zeros([2]), s2 = k.zeros([2]);
  const opt = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  k.adam(prm, g, m, s2, 1, opt);
  k.adam(prm, g, m, s2, 2, opt);
  const want = [1, -2].map((p0, i) => {
    const gi = [0.5, -3][i];
    let pp = p0, mm = 0, vv = 0;
    for (let t = 1; t <= 2; t++) {
      mm = 0.9 * mm + 0.1 * gi; vv = 0.999 * vv + 0.001 * gi * gi;
      pp -= 0.1 * (mm / (1 - 0.9 ** t)) / (Math.sqrt(vv / (1 - 0.999 ** t)) + 1e-8);
    }
    return pp;
  });
  const got = await k.read(prm);
  want.forEach((wv2, i) => assert.ok(Math.abs(got[i] - wv2) < 1e-6, `adam[${i}] ${got[i]} vs ${wv2}`));
  const nr = k.tensor([3, 4, 0, 0, 1, 0], [3, 2]);
  k.normalizeRows(nr);
  assert.deepEqual(Array.from(await k.read(nr)).map((q) => Math.round(q * 1e6) / 1e6), [0.6, 0.8, 0, 0, 1, 0]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../numeric/rng';
import * as K from './cpu';

function rand(rng: Rng, n: number, C: typeof Float32Array | typeof Float64Array = Float64Array) {
  const a = new C(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) { e += (a[i] - b[i]) ** 2; s += b[i] ** 2; }
  return Math.sqrt(e / Math.max(s, 1e-300));
}

test('matmul (system BLAS, wasm SIMD and JS, f32 and f64, odd sizes, transposes, accumulate) matches the naive triple loop', () => {
  const rng = new Rng(1);
  // [64, 300, 256]: B rows 1 KiB apart, so the packed-panel path runs
  for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [37, 53, 29], [130, 300, 70], [64, 257, 96], [64, 300, 256]]) {
    for (const C of [Float32Array, Float64Array]) {
      const a = rand(rng, m * k, C), b = rand(rng, k * n, C);
      const ref = K.matmulNaive(a, b, m, k, n);
      const tol = C === Float32Array ? 1e-6 : 1e-13;
      // default (BLAS when found), wasm (BLAS skipped), plain JS
      for (const path of [{}, { noBlas: true }, { noWasm: true }]) {
        const { noWasm, noBlas } = path as { noWasm?: boolean; noBlas?: boolean };
        const c = new C(m * n);
        K.matmul(a, b, c, m, k, n, { noWasm, noBlas });
        assert.ok(relErr(c, ref) < tol, `${m}x${k}x${n} ${C.name} ${JSON.stringify(path)}`);
        // transposed storage gives the same product
        const at = K.transpose(a, m, k), bt = K.transpose(b, k, n);
        const c2 = new C(m * n);
        K.matmul(at, bt, c2, m, k, n, { transA: true, transB: true, noWasm, noBlas });
        assert.ok(relErr(c2, ref) < tol);
        // accumulate adds onto what is there
        K.matmul(a, b, c2, m, k, n, { accumulate: true, noWasm, noBlas });
        assert.ok(relErr(c2, ref.map((x) => 2 * x)) < tol);
      }
    }
  }
});

test('float32 tanh (rational fit) is within 1 ulp of the correctly rounded tanh; NaN, ±∞, ±0 and tiny inputs kept', () => {
  const n = 400_001;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -12 + (24 * i) / (n - 1);
  const out = new Float32Array(n);
  K.unary('tanh', x, out, 1);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const want = Math.fround(Math.tanh(x[i]));
    const ulp = Math.max(Math.abs(want) * 2 ** -23, 2 ** -149);
    worst = Math.max(worst, Math.abs(out[i] - want) / ulp);
  }
  assert.ok(worst <= 1, `worst error ${worst} ulp`);
  const special = new Float32Array([0, -0, 1e-30, -1e-20, 1e-10, -3e-5, 9.2, -20, 1e30, Infinity, -Infinity, NaN]);
  const got = new Float32Array(special.length);
  K.unary('tanh', special, got, 2);
  const want = [...special].map((v) => Math.fround(Math.tanh(2 * v)));
  assert.deepEqual([...got].map((v) => Object.is(v, -0) ? 0 : v), want.map((v) => Object.is(v, -0) ? 0 : v));
});

test('elementwise maps match their scalar definitions; tanh never overflows', () => {
  const x = new Float64Array([-800, -3, -0.5, 0, 0.25, 2, 800]);
  const out = new Float64Array(x.length);
  K.unary('tanh', x, out, 2);
  assert.deepEqual([...out].map((v) => Number(v.toFixed(12))), [...x].map((v) => Number(Math.tanh(2 * v).toFixed(12))));
  K.unary('sigmoid', x, out);
  assert.ok(out.every((v) => Number.isFinite(v)));
  assert.equal(out[3], 0.5);
  K.unary('relu', x, out);
  assert.deepEqual([...out], [0, 0, 0, 0, 0.25, 2, 800]);
  const y = new Float64Array([1, 1, 1, 1, 1, 1, 1]);
  K.binary('min', x, y, out);
  assert.deepEqual([...out], [-800, -3, -0.5, 0, 0.25, 1, 1]);
  K.axpby(2, x, -3, y, out);
  assert.deepEqual([...out], [...x].map((v) => 2 * v - 3));
});

test('reductions and softmax match direct formulas, logsumexp is stable', () => {
  const x = new Float64Array([1, 2, 3, 1000, 1001, 999]);
  assert.equal(K.reduce('sum', x), 3006);
  assert.equal(K.reduce('max', x), 1001);
  const out = new Float64Array(2);
  K.reduceRows('logsumexp', x, 2, 3, out);
  assert.ok(Math.abs(out[0] - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))) < 1e-12);
  assert.ok(Math.abs(out[1] - (1000 + Math.log(1 + Math.E + Math.exp(-1)))) < 1e-9);
  const sm = new Float64Array(6);
  K.softmaxRows(x, 2, 3, sm);
  assert.ok(Math.abs(sm[0] + sm[1] + sm[2] - 1) < 1e-12 && Math.abs(sm[3] + sm[4] + sm[5] - 1) < 1e-12);
  assert.ok(Math.abs(sm[4] - 1 / (1 + Math.exp(-1) + Math.exp(-2))) < 1e-12);
});

test('soft CLEVR primitives reproduce the worked example of clevr-g2l2.md §6', () => {
  // relate(that, left) with that = unique(filter(scene, sphere)) puts mass on object 1;
  // left = [[], [0], [0, 1]] → R[i][j] = +10 if j ∈ left[i] ... here o·R over i gives row j.
  const tau = 10, n = 3;
  const left = [[], [0], [0, 1]];
  const R = new Float64Array(n * n).fill(-tau);
  left.forEach((js, i) => js.forEach((j) => { if (i !== j) R[i * n + j] = tau; }));
  const logits = new Float64Array([-tau, tau, -tau]);
  const o = new Float64Array(3);
  K.softmaxRows(logits, 1, 3, o);
  const out = new Float64Array(3);
  K.batchedMatvec(o, R, 1, n, out);
  assert.ok(Math.abs(out[0] - 9.99999996) < 1e-8, String(out[0]));
  assert.ok(Math.abs(out[1] + 9.99999996) < 1e-8);
  assert.ok(Math.abs(out[2] + 10) < 1e-8);
  const count = new Float64Array(1);
  K.rowSumSigmoid(new Float64Array([10, -10, 10]), 1, 3, count);
  assert.ok(Math.abs(count[0] - 1.9999546) < 1e-7);
});

test('the two-thread wasm path (helper thread sharing the memory) gives the same products, plain and transposed-A', async (t) => {
  const { WasmKernel } = await import('./wasmGemm');
  const k = new WasmKernel(false);
  for (let i = 0; i < 100 && k.threads < 2; i++) await new Promise((r) => setTimeout(r, 50));
  if (k.threads < 2) { k.dispose(); t.skip('one core or THEORYLAB_THREADS=1: no helper thread'); return; }
  const rng = new Rng(3);
  const m = 68, kk = 300, n = 40;
  const a = rand(rng, m * kk, Float32Array), b = rand(rng, kk * n, Float32Array);
  const ref = K.matmulNaive(a, b, m, kk, n);
  const aOff = k.reserve(m * kk), atOff = k.reserve(m * kk), bOff = k.reserve(kk * n), cOff = k.reserve(m * n);
  new Float32Array(k.memory.buffer, aOff, m * kk).set(a);
  new Float32Array(k.memory.buffer, atOff, m * kk).set(K.transpose(a, m, kk));
  new Float32Array(k.memory.buffer, bOff, kk * n).set(b);
  k.gemmResident(m, n, kk, aOff, kk, bOff, n, cOff, n, false);
  assert.ok(relErr(new Float32Array(k.memory.buffer, cOff, m * n), ref) < 1e-6);
  k.gemmResident(m, n, kk, atOff, m, bOff, n, cOff, n, true);
  assert.ok(relErr(new Float32Array(k.memory.buffer, cOff, m * n), ref) < 1e-6);
  k.dispose();
});

test('the WebAssembly SIMD tanh gives bitwise the values of the JS loop (lengths around the chunk, tails, aliasing)', async () => {
  const { wasmTanh } = await import('./wasmTanh');
  const rng = new Rng(4);
  for (const n of [4, 4096, 65_536, 65_540, 200_003]) {
    const x = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? [0, -0, 50, -50, 1e-30, NaN, Infinity][i % 7] : 3 * rng.normal()));
    const js = new Float32Array(n);
    for (let o = 0; o < n; o += 1000) K.tanhF32(x.subarray(o, Math.min(n, o + 1000)), js.subarray(o, Math.min(n, o + 1000)), 2); // < 4096: the JS loop
    const simd = new Float32Array(n);
    const n4 = n - (n % 4);
    assert.ok(wasmTanh(x, simd, n4, 2), 'this Node has WebAssembly SIMD');
    for (let i = 0; i < n4; i++) if (!Object.is(simd[i], js[i])) assert.fail(`n = ${n}, i = ${i}: tanh(2·${x[i]}) wasm ${simd[i]} vs JS ${js[i]}`);
    const inPlace = x.slice();
    K.unary('tanh', inPlace, inPlace, 2);  // wasm for the bulk, JS for the tail, in place
    for (let i = 0; i < n; i++) if (!Object.is(inPlace[i], js[i])) assert.fail(`in place, n = ${n}, i = ${i}`);
  }
});

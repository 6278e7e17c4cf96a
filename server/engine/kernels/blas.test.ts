// The system-BLAS path of the CPU kernels: which library was found, products on views (no copies)
// against the naive loop, and the wasm fallback when BLAS is switched off (a child process, since the
// choice is made once per process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Rng } from '../../numeric/rng';
import { blasGemm, blasUnavailableReason, setBlasThreads, systemBlas } from './blas';
import { CpuKernels } from './cpuBackend';
import * as K from './cpu';

const debianOpenblas = ['/usr/lib/x86_64-linux-gnu/libopenblas.so.0', '/usr/lib/aarch64-linux-gnu/libopenblas.so.0'].some(existsSync);

test('the system BLAS is found where Debian OpenBLAS is installed, and named with its threads', () => {
  const blas = systemBlas();
  if (!debianOpenblas && !blas) return; // a machine without any BLAS: the wasm path is tested below
  assert.ok(blas, `no BLAS loaded: ${blasUnavailableReason()}`);
  if (debianOpenblas) assert.match(blas.name, /^openblas/);
  assert.ok(blas.threads >= 1);
  assert.match(new CpuKernels().backend.name, /^cpu:\S+ \(\d+ threads?\)$/);
});

test('BLAS gemm on subarray views, all transposes, accumulate, f32 and f64, writes only the view', (t) => {
  if (!systemBlas()) { t.skip(`no BLAS: ${blasUnavailableReason()}`); return; }
  const rng = new Rng(3);
  for (const [m, k, n] of [[3, 5, 2], [33, 70, 17]]) {
    for (const C of [Float32Array, Float64Array]) {
      const pad = 7;
      const a = new C(m * k + pad), b = new C(k * n + pad);
      for (let i = 0; i < a.length; i++) a[i] = rng.normal();
      for (let i = 0; i < b.length; i++) b[i] = rng.normal();
      const av = a.subarray(pad), bv = b.subarray(pad);
      const ref = K.matmulNaive(av, bv, m, k, n);
      const tol = C === Float32Array ? 1e-5 : 1e-12;
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const A = ta ? K.transpose(av, m, k) : av, B = tb ? K.transpose(bv, k, n) : bv;
        const out = new C(m * n + 2 * pad).fill(9);
        const cv = out.subarray(pad, pad + m * n);
        assert.ok(blasGemm(A, B, cv, m, k, n, ta, tb, false));
        for (let i = 0; i < m * n; i++) assert.ok(Math.abs(cv[i] - ref[i]) <= tol * (1 + Math.abs(ref[i])), `${m}x${k}x${n} ${ta}${tb} [${i}]`);
        for (let i = 0; i < pad; i++) { assert.equal(out[i], 9); assert.equal(out[pad + m * n + i], 9); }
        assert.ok(blasGemm(A, B, cv, m, k, n, ta, tb, true));
        for (let i = 0; i < m * n; i++) assert.ok(Math.abs(cv[i] - 2 * ref[i]) <= 2 * tol * (1 + Math.abs(ref[i])));
      }
    }
  }
  // mixed precisions are refused (the caller falls back), not miscomputed
  assert.equal(blasGemm(new Float32Array(4), new Float64Array(4), new Float32Array(4), 2, 2, 2, false, false, false), false);
});

test('THEORYLAB_KERNELS=wasm forces the wasm kernels: backend name and a product still right', () => {
  const script = `
    const { CpuKernels } = require('./server/engine/kernels/cpuBackend');
    const { matmulNaive } = require('./server/engine/kernels/cpu');
    const k = new CpuKernels(), n = 40; // 40³ is above the wasm threshold
    const av = Array.from({ length: n * n }, (_, i) => Math.sin(i)), bv = Array.from({ length: n * n }, (_, i) => Math.cos(3 * i));
    const a = k.tensor(av, [n, n]), b = k.tensor(bv, [n, n]), c = k.zeros([n, n]);
    k.matmul(a, b, c, { transB: true });
    const bt = Array.from({ length: n * n }, (_, i) => bv[(i % n) * n + Math.floor(i / n)]);
    const ref = matmulNaive(Float32Array.from(av), Float32Array.from(bt), n, n, n);
    k.read(c).then((v) => console.log(JSON.stringify({ name: k.backend.name, err: Math.max(...v.map((x, i) => Math.abs(x - ref[i]))) })));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: `${__dirname}/../../..`, env: { ...process.env, THEORYLAB_KERNELS: 'wasm' }, encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.match(r.name, /^cpu:wasm-simd \(\d threads?\)$/);
  assert.ok(r.err < 1e-4, `wasm product error ${r.err}`);
});

test('BLAS threads can be lowered to share the cores and are never set above them', (t) => {
  const blas = systemBlas();
  if (!blas || !/openblas|mkl|blis/.test(blas.name)) { t.skip('no BLAS with a thread setter'); return; }
  const before = blas.threads;
  assert.equal(setBlasThreads(1), 1);
  assert.equal(systemBlas()!.threads, 1);
  assert.ok(setBlasThreads(10_000) <= require('node:os').availableParallelism());
  setBlasThreads(before);
});

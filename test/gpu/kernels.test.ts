// Every WebGPU kernel against its CPU twin on random inputs (relative error < 1e-4, float32).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../server/numeric/rng';
import { CpuKernels } from '../../server/engine/kernels/cpuBackend';
import { unaryOps, binaryOps } from '../../server/engine/kernels/cpu';
import type { KernelApi, Tensor } from '../../server/engine/kernels/api';
import { gpu, randn, relErr, TOL } from './helpers';

const cpu = new CpuKernels();
after(async () => (await gpu()).dispose());

/** Runs the same op on both backends with the same inputs and returns both outputs. */
async function twin(inputs: { data: Float32Array; shape: number[] }[], outShape: number[],
  op: (k: KernelApi, ins: Tensor[], out: Tensor) => void): Promise<[Float32Array, Float32Array]> {
  const res: Float32Array[] = [];
  for (const k of [await gpu(), cpu] as KernelApi[]) {
    const ins = inputs.map((i) => k.tensor(i.data, i.shape));
    const out = k.zeros(outShape);
    op(k, ins, out);
    res.push(await k.read(out));
    for (const t of [...ins, out]) k.free(t);
  }
  return [res[0], res[1]];
}

test('adapter is reported by name', async () => {
  const k = await gpu();
  assert.match(k.backend.name, /^webgpu:.+/);
});

test('tiled matmul (plain, transposed, odd sizes) matches the CPU', async () => {
  const rng = new Rng(11);
  for (const [m, kk, n] of [[1, 1, 1], [3, 5, 7], [64, 64, 64], [130, 77, 65], [257, 200, 100]]) {
    for (const transA of [false, true]) for (const transB of [false, true]) {
      const a = { data: randn(rng, m * kk), shape: transA ? [kk, m] : [m, kk] };
      const b = { data: randn(rng, kk * n), shape: transB ? [n, kk] : [kk, n] };
      const [g, c] = await twin([a, b], [m, n], (k, [x, y], o) => k.matmul(x, y, o, { transA, transB }));
      assert.ok(relErr(g, c) < TOL, `${m}x${kk}x${n} tA=${transA} tB=${transB}: ${relErr(g, c)}`);
    }
  }
});

test('elementwise unary and binary ops, fused axpby, in place too', async () => {
  const rng = new Rng(12);
  const n = 70001; // not a multiple of the workgroup size
  const x = randn(rng, n, 3), y = randn(rng, n, 3);
  const pos = x.map((v) => Math.abs(v) + 0.1);
  for (const op of unaryOps) {
    const input = op === 'log' || op === 'sqrt' ? pos : x;
    const [g, c] = await twin([{ data: input, shape: [n] }], [n], (k, [a], o) => k.unary(op, a, o, 0.7));
    assert.ok(relErr(g, c) < TOL, `${op}: ${relErr(g, c)}`);
  }
  for (const op of binaryOps) {
    const [g, c] = await twin([{ data: x, shape: [n] }, { data: op === 'div' ? pos : y, shape: [n] }], [n], (k, [a, b], o) => k.binary(op, a, b, o));
    assert.ok(relErr(g, c) < TOL, `${op}: ${relErr(g, c)}`);
  }
  const [g, c] = await twin([{ data: x, shape: [n] }, { data: y, shape: [n] }], [n], (k, [a, b], o) => k.axpby(1.5, a, -0.25, b, o));
  assert.ok(relErr(g, c) < TOL);
  // in place: out is also an input
  const k = await gpu();
  const t = k.tensor(x, [n]);
  k.unary('tanh', t, t);
  const got = await k.read(t);
  assert.ok(relErr(got, x.map((v) => Math.tanh(v))) < TOL);
  k.free(t);
});

test('reductions (sum, max, logsumexp) by row and in total, softmax by row', async () => {
  const rng = new Rng(13);
  for (const [rows, cols] of [[1, 5], [7, 1000], [300, 33], [2, 100000]]) {
    const x = randn(rng, rows * cols, 4);
    for (const op of ['sum', 'max', 'logsumexp'] as const) {
      const [g, c] = await twin([{ data: x, shape: [rows, cols] }], [rows], (k, [a], o) => k.reduceRows(op, a, o));
      assert.ok(relErr(g, c) < TOL, `${op} ${rows}x${cols}: ${relErr(g, c)}`);
    }
    const [g, c] = await twin([{ data: x, shape: [rows, cols] }], [rows, cols], (k, [a], o) => k.softmaxRows(a, o));
    assert.ok(relErr(g, c) < TOL, `softmax ${rows}x${cols}`);
  }
  const x = randn(rng, 123457);
  const k = await gpu();
  const t = k.tensor(x, [x.length]);
  for (const op of ['sum', 'max', 'logsumexp'] as const) {
    const got = await k.reduce(op, t), want = await cpu.reduce(op, cpu.tensor(x, [x.length]));
    assert.ok(Math.abs(got - want) <= TOL * Math.max(1, Math.abs(want)), `${op}: ${got} vs ${want}`);
  }
  k.free(t);
});

test('batched soft-CLEVR primitives: relate matvec, min/max of sets, exist, count', async () => {
  const rng = new Rng(14);
  const B = 37, N = 10;
  const o = randn(rng, B * N, 5), r = randn(rng, B * N * N, 10), s2 = randn(rng, B * N, 10);
  const [g, c] = await twin([{ data: o, shape: [B, N] }, { data: r, shape: [B, N, N] }], [B, N], (k, [a, b], out) => {
    k.softmaxRows(a, a);
    k.batchedMatvec(a, b, out);
  });
  assert.ok(relErr(g, c) < TOL, `relate: ${relErr(g, c)}`);
  for (const op of ['min', 'max'] as const) {
    const [g2, c2] = await twin([{ data: o, shape: [B, N] }, { data: s2, shape: [B, N] }], [B, N], (k, [a, b], out) => k.binary(op, a, b, out));
    assert.ok(relErr(g2, c2) < TOL);
  }
  const [ge, ce] = await twin([{ data: s2, shape: [B, N] }], [B], (k, [a], out) => k.reduceRows('max', a, out));
  assert.ok(relErr(ge, ce) < TOL);
  const [gc, cc] = await twin([{ data: s2, shape: [B, N] }], [B], (k, [a], out) => { k.unary('sigmoid', a, a); k.reduceRows('sum', a, out); });
  assert.ok(relErr(gc, cc) < TOL);
});

test('split-K matmul (long K, few output tiles; forced and automatic) with accumulate and tanh epilogue matches the CPU', async () => {
  const rng = new Rng(15);
  const k = await gpu();
  for (const [m, kk, n, splits] of [[100, 3000, 200, undefined], [37, 999, 45, 4], [5, 70, 3, 3]] as const) {
    const a = randn(rng, kk * m, 0.1), b = randn(rng, kk * n, 0.1), c0 = randn(rng, m * n);
    const cpuOut = cpu.tensor(new Float32Array(m * n), [m, n]);
    cpu.matmul(cpu.tensor(a, [kk, m]), cpu.tensor(b, [kk, n]), cpuOut, { transA: true });
    const ref = (await cpu.read(cpuOut)).map((v, i) => Math.tanh(0.5 * (v + c0[i])));
    const A = k.tensor(a, [kk, m]), B = k.tensor(b, [kk, n]), C = k.tensor(c0, [m, n]);
    k.matmulRaw((A as any).buffer, (B as any).buffer, (C as any).buffer, { M: m, N: n, K: kk, transA: true, accumulate: true, tanhAlpha: 0.5, splits });
    const got = await k.read(C);
    assert.ok(relErr(got, ref) < TOL, `${m}x${kk}x${n} splits=${splits}: ${relErr(got, ref)}`);
    for (const t of [A, B, C]) k.free(t);
  }
});

test('row views (matmul operands, binary operands, write/read), accumulate, scaleRowsCols, adam, normalizeRows match the CPU', async () => {
  const rng = new Rng(31);
  const rows = 90, d = 37, p = 11, start = 23, take = 41;
  const x = randn(rng, rows * d), w = randn(rng, p * d), y = randn(rng, rows), f = randn(rng, take);
  const outs: Float32Array[][] = [];
  for (const k of [await gpu(), cpu] as KernelApi[]) {
    const X = k.tensor(x, [rows, d]), W = k.tensor(w, [p, d]), Y = k.tensor(y, [rows, 1]), F = k.tensor(f, [take, 1]);
    const H = k.zeros([take, p]), R = k.zeros([take, 1]), G = k.zeros([p, d]), S = k.zeros([take, p]);
    const Xv = k.view(X, start, take);
    k.matmul(Xv, W, H, { transB: true });                      // A is a view past row 0
    k.binary('sub', F, k.view(Y, start, take), R);             // b is a view past row 0
    k.unary('tanh', H, H, 0.5);
    k.scaleRowsCols('one_minus_square', H, R, k.tensor(randn(new Rng(5), p), [p, 1]), 0.3, S);
    k.matmul(S, Xv, G, { transA: true });                      // B is a view past row 0
    k.matmul(S, Xv, G, { transA: true, accumulate: true });
    const M = k.zeros([p, d]), V = k.zeros([p, d]), Wc = k.tensor(w, [p, d]);
    for (let t = 1; t <= 3; t++) k.adam(Wc, G, M, V, t, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    k.normalizeRows(Wc);
    k.write(k.view(X, 5, 2), new Float32Array(2 * d).fill(7));
    outs.push([await k.read(H), await k.read(R), await k.read(S), await k.read(G), await k.read(Wc), await k.read(k.view(X, 4, 4))]);
  }
  const names = ['H', 'R', 'S', 'G', 'adam+normalize', 'written view'];
  outs[0].forEach((g, i) => assert.ok(relErr(g, outs[1][i]) < TOL, `${names[i]}: ${relErr(g, outs[1][i])}`));
  assert.equal(outs[0][5][d], 7);
  const gk = await gpu();
  assert.throws(() => gk.unary('tanh', gk.view(gk.zeros([4, 2]), 1, 2), gk.zeros([2, 2])), /row view/);
});

test('host gemm on a GPU backend computes on the CPU (float64 stays float64)', async () => {
  const k = await gpu();
  const a = Float64Array.from([1, 2, 3, 4, 5, 6]), b = Float64Array.from([1, 0, 0, 1, 1, 1e-12]);
  const c = k.gemm(a, b, new Float64Array(4), 2, 3, 2);
  [4, 2 + 3e-12, 10, 5 + 6e-12].forEach((want, i) => assert.ok(Math.abs(c[i] - want) < 1e-15 * 16, `c[${i}] = ${c[i]}`));
  assert.ok(c[1] - 2 > 2e-12, 'the 1e-12 term survives: the product was not rounded to float32');
});

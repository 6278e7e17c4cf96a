// Solvers that misbehave on purpose, for the engine's tests (loaded through THEORYLAB_EXTRA_SOLVERS):
// one that spins until cancelled (cooperatively or not), one that kills its process, one that
// allocates (typed arrays, or plain JS objects that fill the V8 heap), one that returns NaN, and one
// that runs a matmul through ctx.kernels.
import type { SolverDef } from '../solvers/registry';

const base = { paper: 'engine test', mathSpec: '', version: '1', doc: 'test only' };

const spin: SolverDef = {
  ...base, id: 'test.spin', title: 'spins for `ms` milliseconds',
  params: [
    { name: 'ms', kind: 'number', doc: 'duration', default: 100 },
    { name: 'cooperative', kind: 'boolean', doc: 'call checkCancelled', default: true },
    { name: 'tag', kind: 'string', doc: 'makes otherwise equal jobs distinct', default: '' },
  ],
  outputs: [{ name: 'done', kind: 'number', doc: 'ms spun' }, { name: 'pid', kind: 'number', doc: 'host pid' }],
  async run(p, ctx) {
    const t0 = Date.now();
    while (Date.now() - t0 < (p.ms as number)) {
      if (p.cooperative) ctx.checkCancelled();
      ctx.progress((Date.now() - t0) / (p.ms as number), 'spinning');
      for (let i = 0; i < 1e5; i++) { /* busy */ }
    }
    return { done: p.ms as number, pid: process.pid };
  },
};

const crash: SolverDef = {
  ...base, id: 'test.crash', title: 'exits its process', params: [], outputs: [],
  async run() { process.exit(3); },
};

const alloc: SolverDef = {
  ...base, id: 'test.alloc', title: 'allocates `mb` MiB and touches it',
  params: [{ name: 'mb', kind: 'number', doc: 'MiB', default: 1 }, { name: 'declared', kind: 'number', doc: 'declared MiB', default: 0 }],
  outputs: [{ name: 'sum', kind: 'number', doc: 'checksum' }],
  memoryEstimate: (p) => (p.declared as number) * 2 ** 20,
  async run(p, ctx) {
    const chunks: Uint8Array[] = [];
    let mb = 0;
    while (mb < (p.mb as number)) {
      const step = Math.min(4, (p.mb as number) - mb); // 4 MiB at a time, touched so it is resident
      chunks.push(new Uint8Array(step * 2 ** 20).fill(1));
      mb += step;
      ctx.checkCancelled();
      await new Promise((r) => setTimeout(r, 2));
    }
    return { sum: mb };
  },
};

const heap: SolverDef = {
  ...base, id: 'test.heap', title: 'fills the V8 heap with small objects until it runs out',
  params: [], outputs: [{ name: 'n', kind: 'number', doc: 'objects made' }],
  async run(_p, ctx) {
    const keep: { i: number; s: string }[][] = [];
    for (let i = 0; ; i++) {
      keep.push(Array.from({ length: 1000 }, (_, j) => ({ i: j, s: `x${i}.${j}` })));
      if (i % 100 === 0) ctx.checkCancelled();
    }
  },
};

const nan: SolverDef = {
  ...base, id: 'test.nan', title: 'returns NaN and Inf', params: [],
  outputs: [{ name: 'a', kind: 'number', doc: '' }, { name: 'v', kind: 'vector', doc: '' }, { name: 's', kind: 'stat', doc: '' }],
  async run() { return { a: 1, v: [1, NaN, 2], s: { mean: Infinity, std: 0, n: 1 } }; },
};

const gpuMatmul: SolverDef = {
  ...base, id: 'test.kernels', title: 'sum of a matmul through ctx.kernels',
  params: [{ name: 'n', kind: 'integer', doc: 'size', default: 64 }, { name: 'loseDevice', kind: 'boolean', doc: 'simulate a device loss', default: false }],
  outputs: [{ name: 'sum', kind: 'number', doc: 'Σ (A·B) with A = B = all ones → n³' }],
  async run(p, ctx) {
    const k = ctx.kernels!;
    const n = p.n as number;
    if (p.loseDevice && k.backend.kind === 'webgpu') (k as unknown as { simulateLoss(): void }).simulateLoss();
    const a = k.tensor(new Float32Array(n * n).fill(1), [n, n]);
    const c = k.zeros([n, n]);
    k.matmul(a, a, c);
    const sum = await k.reduce('sum', c);
    k.free(a); k.free(c);
    return { sum };
  },
};

export const solvers: SolverDef[] = [spin, crash, alloc, heap, nan, gpuMatmul];

// A hand-assembled WebAssembly SIMD matmul micro-kernel (no external toolchain: the module's bytes are
// emitted below). It computes C += A·B on a 4-row × (2 vectors) register tile: per step of the k loop it
// loads two vectors of B, splats four scalars of A and does 8 vector multiply-adds, keeping the 8
// accumulators in registers. The JS side pads the operands into wasm memory so that m is a multiple
// of 4 and n a multiple of 2 vectors, and walks k in blocks so a panel of B stays in cache.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FArray } from '../../solvers/contract';

import { I32, V128, op, section, str, uleb, vec } from './wasmAsm';

/** The body of gemm (A row-major m×k) or, with `transA`, of gemmTA (A stored k×m). */
function buildBody(f64: boolean, transA: boolean): number[] {
  const ES = f64 ? 8 : 4;
  const LANES = 16 / ES;
  const scalarLoad = (offset: number) => [f64 ? 0x2b : 0x2a, f64 ? 3 : 2, ...uleb(offset)];
  const vload = (offset: number) => op.simd(0x00, 4, ...uleb(offset));
  const vstore = (offset: number) => op.simd(0x0b, 4, ...uleb(offset));
  const splat = op.simd(f64 ? 0x14 : 0x13);
  const vadd = op.simd(f64 ? 0xf0 : 0xe4);
  const extractLane = (lane: number) => op.simd(f64 ? 0x21 : 0x1f, lane);
  const vmul = op.simd(f64 ? 0xf2 : 0xe6);

  // params: m n k a lda b ldb c ldc   (pointers and strides in bytes)
  const [M, N, K, A, LDA, B, LDB, C, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  // i32 locals
  const [I, J, P, AP, BP, C0, C1, C2, C3, LDA2, LDA3] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  // v128 locals: 8 accumulators, 2 B vectors, 1 A splat
  const ACC = [20, 21, 22, 23, 24, 25, 26, 27], BV0 = 28, BV1 = 29, AV = 30;
  const cRow = [C0, C1, C2, C3];

  const body: number[] = [
    ...op.get(LDA), ...op.get(LDA), ...op.add, ...op.set(LDA2),
    ...op.get(LDA2), ...op.get(LDA), ...op.add, ...op.set(LDA3),
    ...op.i32(0), ...op.set(I),
    ...op.block, ...op.loop,
    ...op.get(I), ...op.get(M), ...op.geS, ...op.brIf(1),
    ...op.i32(0), ...op.set(J),
    ...op.block, ...op.loop,
    ...op.get(J), ...op.get(N), ...op.geS, ...op.brIf(1),
    // C row pointers for the 4 rows of this tile
    ...op.get(C), ...op.get(I), ...op.get(LDC), ...op.mul, ...op.add, ...op.get(J), ...op.i32(ES), ...op.mul, ...op.add, ...op.set(C0),
    ...op.get(C0), ...op.get(LDC), ...op.add, ...op.set(C1),
    ...op.get(C1), ...op.get(LDC), ...op.add, ...op.set(C2),
    ...op.get(C2), ...op.get(LDC), ...op.add, ...op.set(C3),
  ];
  for (let r = 0; r < 4; r++) {
    body.push(...op.get(cRow[r]), ...vload(0), ...op.set(ACC[2 * r]));
    body.push(...op.get(cRow[r]), ...vload(16), ...op.set(ACC[2 * r + 1]));
  }
  body.push(
    ...(transA
      ? [...op.get(A), ...op.get(I), ...op.i32(ES), ...op.mul, ...op.add, ...op.set(AP)]
      : [...op.get(A), ...op.get(I), ...op.get(LDA), ...op.mul, ...op.add, ...op.set(AP)]),
    ...op.get(B), ...op.get(J), ...op.i32(ES), ...op.mul, ...op.add, ...op.set(BP),
    ...op.get(K), ...op.set(P),
    ...op.block, ...op.loop,
    ...op.get(P), ...op.eqz, ...op.brIf(1),
    ...op.get(BP), ...vload(0), ...op.set(BV0),
    ...op.get(BP), ...vload(16), ...op.set(BV1),
  );
  const aAddr = [[AP], [AP, LDA], [AP, LDA2], [AP, LDA3]];
  for (let r = 0; r < 4; r++) {
    if (transA) {
      // the 4 rows of this tile are contiguous in A's stored row p: load a vector, splat each lane
      body.push(...op.get(AP), ...vload(16 * Math.floor(r / LANES)), ...extractLane(r % LANES), ...splat, ...op.set(AV));
    } else {
      const addr = aAddr[r];
      body.push(...op.get(addr[0]));
      if (addr.length > 1) body.push(...op.get(addr[1]), ...op.add);
      body.push(...scalarLoad(0), ...splat, ...op.set(AV));
    }
    for (let h = 0; h < 2; h++) {
      const acc = ACC[2 * r + h];
      body.push(...op.get(acc), ...op.get(AV), ...op.get(h ? BV1 : BV0), ...vmul, ...vadd, ...op.set(acc));
    }
  }
  body.push(
    ...op.get(BP), ...op.get(LDB), ...op.add, ...op.set(BP),
    ...op.get(AP), ...(transA ? op.get(LDA) : op.i32(ES)), ...op.add, ...op.set(AP),
    ...op.get(P), ...op.i32(1), ...op.sub, ...op.set(P),
    ...op.br(0), ...op.end, ...op.end,
  );
  for (let r = 0; r < 4; r++) {
    body.push(...op.get(cRow[r]), ...op.get(ACC[2 * r]), ...vstore(0));
    body.push(...op.get(cRow[r]), ...op.get(ACC[2 * r + 1]), ...vstore(16));
  }
  body.push(
    ...op.get(J), ...op.i32(2 * LANES), ...op.add, ...op.set(J),
    ...op.br(0), ...op.end, ...op.end,
    ...op.get(I), ...op.i32(4), ...op.add, ...op.set(I),
    ...op.br(0), ...op.end, ...op.end,
    ...op.end,
  );
  const locals = vec([[...uleb(11), I32], [...uleb(11), V128]]);
  return [...locals, ...body];
}

/** Builds the module for f32 (4 lanes) or f64 (2 lanes): exports gemm and gemmTA. */
function buildModule(f64: boolean): Uint8Array<ArrayBuffer> {
  const bodies = [buildBody(f64, false), buildBody(f64, true)];
  const exports = [[...str('gemm'), 0x00, ...uleb(0)], [...str('gemmTA'), 0x00, ...uleb(1)]];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array(9).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x03, ...uleb(1), ...uleb(MAX_PAGES)]])),
    ...section(3, vec([uleb(0), uleb(0)])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ];
  return new Uint8Array(bytes);
}

/** 4 GiB of address space may be reserved; pages are committed only as the memory grows. */
const MAX_PAGES = 65536;

/**
 * A helper thread sharing the kernel's wasm memory. Calls are handed over through a shared control
 * block (a generation counter and the call's arguments) with Atomics, so the calling thread stays
 * synchronous: it computes its half of the rows and waits for the helper's half.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const inst = new WebAssembly.Instance(workerData.module, { env: { mem: workerData.memory } });
const fns = [inst.exports.gemm, inst.exports.gemmTA];
const c = new Int32Array(workerData.ctrl);
Atomics.store(c, 12, 1);
let seen = 0;
for (;;) {
  Atomics.wait(c, 0, seen);
  seen = Atomics.load(c, 0);
  if (c[1] < 0) break;
  fns[c[1]](c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10]);
  Atomics.store(c, 11, seen);
  Atomics.notify(c, 11);
}
`;

class Helper {
  private readonly worker: Worker;
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(64));
  private gen = 0;
  broken = false;
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl: this.ctrl.buffer } });
    this.worker.unref();
    this.worker.on('error', () => { this.broken = true; });
    this.worker.on('exit', () => { this.broken = true; });
  }
  get ready(): boolean { return !this.broken && Atomics.load(this.ctrl, 12) === 1; }
  start(fn: 0 | 1, args: number[]): void {
    this.ctrl.set([fn, ...args], 1);
    this.gen = (this.gen + 1) | 0 || 1;
    Atomics.store(this.ctrl, 0, this.gen);
    Atomics.notify(this.ctrl, 0);
  }
  /** Waits for the call started last; false if the helper stopped answering (then it is retired). */
  finish(): boolean {
    for (let waited = 0; Atomics.load(this.ctrl, 11) !== this.gen; waited++) {
      if (this.broken || waited > 600) { this.broken = true; return false; }
      Atomics.wait(this.ctrl, 11, Atomics.load(this.ctrl, 11), 100);
    }
    return true;
  }
  stop(): void {
    this.ctrl[1] = -1;
    Atomics.store(this.ctrl, 0, (this.gen + 1) | 0);
    Atomics.notify(this.ctrl, 0);
    void this.worker.terminate();
  }
}

/** A kernel dropped without dispose() still stops its helper thread. */
const stopOnCollect = new FinalizationRegistry<Helper>((h) => h.stop());

/** Threads for matmuls: 2 when the machine has ≥ 2 cores (THEORYLAB_THREADS=1 turns the helper off). */
export function wantHelper(): boolean {
  return os.cpus().length >= 2 && process.env.THEORYLAB_THREADS !== '1';
}

type GemmFn = (m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;

export class WasmKernel {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  private fn: GemmFn;
  private fnTA: GemmFn;
  private helper: Helper | undefined;
  /** Scratch for one packed panel of B (256 × NB elements). */
  private readonly packOff: number;
  /** Bytes at the bottom of memory held by `reserve`; per-call scratch lives above. */
  private top = 0;
  constructor(readonly f64: boolean) {
    const mod = new WebAssembly.Module(buildModule(f64) as Uint8Array<ArrayBuffer>);
    const inst = new WebAssembly.Instance(mod, { env: { mem: this.memory } });
    this.fn = inst.exports.gemm as GemmFn;
    this.fnTA = inst.exports.gemmTA as GemmFn;
    this.packOff = this.reserve(256 * (f64 ? 64 : 128));
    if (wantHelper()) {
      try { this.helper = new Helper(mod, this.memory); } catch { this.helper = undefined; }
      if (this.helper) stopOnCollect.register(this, this.helper, this);
    }
  }

  /** Threads that currently share the work of a large product (1, or 2 once the helper is up). */
  get threads(): number { return this.helper?.ready ? 2 : 1; }

  /** Stops the helper thread (the memory goes with the last reference). */
  dispose(): void { stopOnCollect.unregister(this); this.helper?.stop(); this.helper = undefined; }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  /**
   * Keeps `elements` zeroed elements in wasm memory for the kernel's lifetime (operands that stay
   * resident across calls, e.g. a training set); returns the byte offset. Views of the memory must be
   * re-taken after any later reserve or gemm, which may grow it.
   */
  reserve(elements: number): number {
    const es = this.f64 ? 8 : 4;
    const off = this.top;
    this.top = Math.ceil((off + elements * es) / 64) * 64;
    this.ensure(this.top);
    new Uint8Array(this.memory.buffer, off, this.top - off).fill(0);
    return off;
  }

  /**
   * C = op(A)·B on operands already in wasm memory (byte offsets; strides in elements). Needs m a
   * multiple of 4 and n a multiple of 8 (float32) / 4 (float64). With `transA`, A is stored k×m.
   */
  gemmResident(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, transA: boolean): void {
    const ES = this.f64 ? 8 : 4;
    for (let i = 0; i < m; i++) new Uint8Array(this.memory.buffer, c + i * ldc * ES, n * ES).fill(0);
    this.blocked(m, n, k, a, lda, b, ldb, c, ldc, transA);
  }

  private blocked(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, transA: boolean): void {
    // Blocks of 256 (k) × 128 float32 / 64 float64 columns (n) keep the active panel of B (128 KiB)
    // in L2 while every row tile of A streams past it.
    const ES = this.f64 ? 8 : 4;
    const KB = 256, NB = this.f64 ? 64 : 128;
    const fn = transA ? this.fnTA : this.fn;
    // With a helper thread, the rows of C are split in two (at a multiple of 4): the helper takes the
    // bottom half of every block call while this thread computes the top half.
    const pack = (ldb * ES) % 1024 === 0 && ldb > NB && m >= 64;
    let h = this.helper && m >= 32 && this.helper.ready ? this.helper : undefined;
    let m0 = h ? Math.ceil(m / 8) * 4 : m;
    for (let p0 = 0; p0 < k; p0 += KB) {
      const kb = Math.min(KB, k - p0);
      const aBlock = transA ? a + p0 * lda * ES : a + p0 * ES;
      for (let j0 = 0; j0 < n; j0 += NB) {
        const nb = Math.min(NB, n - j0), cb = c + j0 * ES;
        let bb = b + (p0 * ldb + j0) * ES, bStride = ldb;
        if (pack) {
          // Rows of B a multiple of 1 KiB apart map to the same cache sets and evict each other
          // (n = 1024 ran 4× slower than n = 512): copy the panel into contiguous scratch first.
          const Ctor = this.f64 ? Float64Array : Float32Array;
          const mem = new Ctor(this.memory.buffer);
          const dst = this.packOff / ES, src = bb / ES;
          for (let q = 0; q < kb; q++) mem.copyWithin(dst + q * nb, src + q * ldb, src + q * ldb + nb);
          bb = this.packOff; bStride = nb;
        }
        if (h) h.start(transA ? 1 : 0, [m - m0, nb, kb, aBlock + (transA ? m0 * ES : m0 * lda * ES), lda * ES, bb, bStride * ES, cb + m0 * ldc * ES, ldc * ES]);
        fn(m0, nb, kb, aBlock, lda * ES, bb, bStride * ES, cb, ldc * ES);
        if (h && !h.finish()) {
          // the helper died (or hung for a minute): retire it, do its rows of this call here and
          // the rest of the product on this thread alone
          h.stop();
          this.helper = undefined;
          fn(m - m0, nb, kb, aBlock + (transA ? m0 * ES : m0 * lda * ES), lda * ES, bb, bStride * ES, cb + m0 * ldc * ES, ldc * ES);
          h = undefined;
          m0 = m;
        }
      }
    }
  }

  /** C = A·B (or C += A·B); all row-major, no transposes. */
  gemm(a: FArray, b: FArray, c: FArray, m: number, k: number, n: number, accumulate: boolean): void {
    const ES = this.f64 ? 8 : 4, NV = this.f64 ? 4 : 8;
    const mp = Math.ceil(m / 4) * 4, np = Math.ceil(n / NV) * NV;
    const aOff = this.top, bOff = aOff + mp * k * ES, cOff = bOff + k * np * ES;
    this.ensure(cOff + mp * np * ES);
    const Ctor = this.f64 ? Float64Array : Float32Array;
    const buf = this.memory.buffer;
    const A = new Ctor(buf, aOff, mp * k), B = new Ctor(buf, bOff, k * np), C = new Ctor(buf, cOff, mp * np);
    A.set(a.subarray(0, m * k));
    if (mp > m) A.fill(0, m * k);
    if (np === n) B.set(b.subarray(0, k * n));
    else { B.fill(0); for (let p = 0; p < k; p++) B.set(b.subarray(p * n, p * n + n), p * np); }
    if (!accumulate) C.fill(0);
    else if (np === n) { C.set(c.subarray(0, m * n)); C.fill(0, m * n); }
    else { C.fill(0); for (let i = 0; i < m; i++) C.set(c.subarray(i * n, i * n + n), i * np); }
    this.blocked(mp, np, k, aOff, k, bOff, np, cOff, np, false);
    if (np === n) c.set(C.subarray(0, m * n));
    else for (let i = 0; i < m; i++) c.set(C.subarray(i * np, i * np + n), i * n);
  }
}

export interface WasmGemm {
  /** Returns false when the element type is not supported (the caller falls back to JS). */
  gemm(a: FArray, b: FArray, c: FArray, m: number, k: number, n: number, accumulate: boolean): boolean;
}

let instance: WasmGemm | null | undefined;
let k32: WasmKernel | null | undefined;

/** A float32 kernel of its own (own memory) for a model that keeps operands resident, or null. */
export function newWasmKernel32(): WasmKernel | null {
  if (k32 === null) return null;
  try { k32 = new WasmKernel(false); return k32; } catch { k32 = null; return null; }
}

/** The shared wasm kernel, or null when this runtime lacks WebAssembly SIMD. */
export function wasmGemm(): WasmGemm | null {
  if (instance !== undefined) return instance;
  try {
    const k32 = new WasmKernel(false), k64 = new WasmKernel(true);
    instance = {
      gemm(a, b, c, m, k, n, acc) {
        if (a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) { k32.gemm(a, b, c, m, k, n, acc); return true; }
        if (a instanceof Float64Array && b instanceof Float64Array && c instanceof Float64Array) { k64.gemm(a, b, c, m, k, n, acc); return true; }
        return false;
      },
    };
  } catch {
    instance = null;
  }
  return instance;
}

/// <reference types="@webgpu/types" />
// The WebGPU implementation of KernelApi (Dawn through the `webgpu` npm package). Tensors are device
// buffers; ops are enqueued in call order, each as its own small submit so that one uniform buffer per
// kernel can be rewritten between dispatches (queue order guarantees each dispatch sees its own values).
// Pipelines, uniform buffers and bind groups are created once and reused, so training loops allocate
// nothing per step. After a device loss every call throws DeviceLostError and the engine reruns the job
// on the CPU.
import type { AdamParams, BackendInfo, FArray, HostGemmOptions } from '../../solvers/contract';
import {
  BinaryOp, DeviceLostError, KernelApi, ReduceOp, sizeOf, Tensor, UnaryOp,
} from './api';
import { matmul as hostMatmul } from './cpu';
import { binaryOpCode, kernels, reduceOpCode, unaryOpCode } from './wgsl';

const STORAGE = 0x80, COPY_SRC = 0x04, COPY_DST = 0x08, UNIFORM = 0x40, MAP_READ = 0x01;
const MAP_MODE_READ = 0x01;

class GpuTensor implements Tensor {
  readonly size: number;
  /** `offset`: first element inside `buffer` (a row view); 0 for a tensor that owns its buffer. */
  constructor(readonly shape: readonly number[], readonly buffer: GPUBuffer, readonly id: number, readonly offset = 0) { this.size = sizeOf(shape); }
}

/** The buffer of a tensor that must start at element 0 (every op except matmul and binary). */
function whole(t: Tensor): GPUBuffer {
  const x = t as GpuTensor;
  if (x.offset !== 0) throw new Error('this GPU kernel takes no row view past row 0 (only matmul and binary do)');
  return x.buffer;
}

export interface GpuAdapterChoice {
  /** Accept software adapters (lavapipe, SwiftShader): tests do, `auto` does not. */
  allowSoftware: boolean;
}

/** True when the adapter is a CPU rasteriser rather than a GPU. */
export function isSoftwareAdapter(info: { vendor?: string; architecture?: string; device?: string; description?: string; type?: string }): boolean {
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`.toLowerCase();
  return /llvmpipe|lavapipe|swiftshader|softpipe|software/.test(text) || (info.type ?? '').toLowerCase() === 'cpu';
}

function adapterName(info: GPUAdapterInfo): string {
  const i = info as GPUAdapterInfo & { description?: string };
  const raw = i.description || i.device || `${i.vendor} ${i.architecture}`.trim() || 'adapter';
  return raw.replace(/\s+/g, ' ').trim();
}

/** Opens a WebGPU device, or returns null (with the reason) when none fits the choice. */
export async function createGpuKernels(choice: GpuAdapterChoice): Promise<{ kernels: GpuKernels | null; reason?: string }> {
  let mod: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    mod = await import('webgpu') as unknown as typeof mod;
  } catch (e) {
    return { kernels: null, reason: `the webgpu package could not be loaded: ${(e as Error).message}` };
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { kernels: null, reason: 'no WebGPU adapter (no Vulkan/Metal/D3D12 driver found)' };
  const info = adapter.info;
  if (!choice.allowSoftware && isSoftwareAdapter(info as never)) {
    return { kernels: null, reason: `only a software adapter is present (${adapterName(info)})` };
  }
  const lim = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(lim.maxStorageBuffersPerShaderStage, 10),
    },
  });
  const software = isSoftwareAdapter(info as never);
  // a software adapter is named as such, so a user who asked for `gpu` sees it is not a GPU
  return { kernels: new GpuKernels(gpu, device, `webgpu:${adapterName(info)}${software ? ' (software)' : ''}`, software) };
}

export class GpuKernels implements KernelApi {
  readonly backend: BackendInfo;
  private lostReason: string | undefined;
  private firstError: string | undefined;
  private nextId = 1;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly uniforms = new Map<string, GPUBuffer>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private scratch: GPUBuffer[] = [];

  /**
   * `instance` must stay referenced for as long as the device is used: dawn.node processes device
   * events through it, and once it is garbage-collected the next dispatch crashes the process
   * (seen here as SIGSEGV in dawn::InstanceBase::ProcessEvents).
   */
  constructor(readonly instance: GPU, readonly device: GPUDevice, name: string, readonly software: boolean) {
    this.backend = { name, kind: 'webgpu' };
    void device.lost.then((info) => { this.lostReason = info.message || info.reason || 'device lost'; });
    device.onuncapturederror = (ev) => { this.firstError ??= ev.error.message; };
  }

  get lost(): boolean { return this.lostReason !== undefined; }

  private check(): void {
    if (this.lostReason !== undefined) throw new DeviceLostError(`GPU device lost: ${this.lostReason}`);
  }

  // --- buffers -----------------------------------------------------------------------------------
  createBuffer(bytes: number, usage = STORAGE | COPY_SRC | COPY_DST): GPUBuffer {
    this.check();
    const b = this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
    this.bufferIds.set(b, this.nextId++);
    return b;
  }
  upload(buf: GPUBuffer, data: ArrayLike<number>, offsetFloats = 0): void {
    this.check();
    const f = data instanceof Float32Array ? data : Float32Array.from(data);
    if (f.length) this.device.queue.writeBuffer(buf, offsetFloats * 4, f.buffer, f.byteOffset, f.byteLength);
  }
  async download(buf: GPUBuffer, floats: number, offsetFloats = 0): Promise<Float32Array> {
    this.check();
    this.endBatch(); // what was batched must run before the copy
    const bytes = Math.max(4, floats * 4);
    const staging = this.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: MAP_READ | COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buf, offsetFloats * 4, staging, 0, floats * 4);
    this.device.queue.submit([enc.finish()]);
    try {
      await staging.mapAsync(MAP_MODE_READ);
    } catch (e) {
      staging.destroy();
      this.check();
      throw e;
    }
    const out = new Float32Array(staging.getMappedRange().slice(0, floats * 4));
    staging.unmap();
    staging.destroy();
    if (this.firstError) { const m = this.firstError; this.firstError = undefined; throw new Error(`WebGPU error: ${m}`); }
    return out;
  }

  tensor(data: ArrayLike<number>, shape: number[]): Tensor {
    if (sizeOf(shape) !== data.length) throw new Error(`tensor: ${data.length} values for shape [${shape}]`);
    const t = this.zeros(shape);
    this.upload((t as GpuTensor).buffer, data);
    return t;
  }
  zeros(shape: number[]): Tensor {
    const buf = this.createBuffer(sizeOf(shape) * 4);
    return new GpuTensor([...shape], buf, this.bufferIds.get(buf)!);
  }
  write(t: Tensor, data: ArrayLike<number>): void { this.upload(g(t), data, (t as GpuTensor).offset); }
  read(t: Tensor): Promise<Float32Array> { return this.download(g(t), t.size, (t as GpuTensor).offset); }
  view(t: Tensor, rowStart: number, rows: number): Tensor {
    const x = t as GpuTensor;
    const row = t.shape.length > 1 ? t.size / t.shape[0] : 1;
    if (rowStart < 0 || rows < 0 || rowStart + rows > t.shape[0]) throw new Error(`view: rows ${rowStart}..${rowStart + rows} outside [0, ${t.shape[0]})`);
    return new GpuTensor([rows, ...t.shape.slice(1)], x.buffer, x.id, x.offset + rowStart * row);
  }
  free(t: Tensor): void { this.forget(g(t)); g(t).destroy(); }
  forget(buf: GPUBuffer): void {
    const id = this.bufferIds.get(buf);
    for (const k of [...this.bindGroups.keys()]) if (k.split(':').slice(1).includes(String(id))) this.bindGroups.delete(k);
  }

  // --- dispatch ----------------------------------------------------------------------------------
  private pipeline(name: string): GPUComputePipeline {
    let p = this.pipelines.get(name);
    if (!p) {
      const module = this.device.createShaderModule({ code: kernels[name].code });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(name, p);
    }
    return p;
  }

  /**
   * Runs kernel `name` over `groups` workgroups with the storage buffers `bufs` (binding order) and
   * the uniform block `params`. A buffer bound both for reading and writing (an in-place op) is read
   * through a scratch copy, since WebGPU forbids that aliasing within one dispatch.
   */
  dispatch(name: string, bufs: GPUBuffer[], params: ArrayBuffer, groups: [number, number?, number?]): void {
    this.check();
    const writes = kernels[name].writes;
    const aliasing = bufs.some((b, i) => !writes.includes(i) && writes.some((w) => bufs[w] === b));
    if (aliasing && this.batch) { this.endBatch(); this.dispatch(name, bufs, params, groups); this.beginBatch(); return; }
    const batch = this.batch;
    const enc = batch ? batch.enc : this.device.createCommandEncoder();
    const bound = [...bufs];
    let scratchUsed = 0;
    for (let i = 0; i < bound.length; i++) {
      if (writes.includes(i)) continue;
      const aliased = writes.some((w) => bufs[w] === bufs[i]);
      if (!aliased) continue;
      const src = bufs[i];
      const s = this.scratchBuffer(scratchUsed++, src.size);
      enc.copyBufferToBuffer(src, 0, s, 0, src.size);
      bound[i] = s;
    }
    // Outside a batch one uniform buffer per kernel suffices (each dispatch is its own submit, and
    // queue order puts every writeBuffer before the dispatch that follows it); inside a batch each
    // position gets its own, reused by the next batch with the same sequence (the next step).
    const slot = batch ? `${name}#${batch.n++}` : name;
    let u = this.uniforms.get(slot);
    if (!u) { u = this.createBuffer(64, UNIFORM | COPY_DST); this.uniforms.set(slot, u); }
    this.device.queue.writeBuffer(u, 0, params);
    const key = `${slot}:${bound.map((b) => this.bufferIds.get(b)).join(':')}`;
    let bg = this.bindGroups.get(key);
    const pipe = this.pipeline(name);
    if (!bg) {
      bg = this.device.createBindGroup({
        layout: pipe.getBindGroupLayout(0),
        entries: [...bound, u].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      this.bindGroups.set(key, bg);
    }
    const pass = enc.beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    pass.end();
    if (!batch) this.device.queue.submit([enc.finish()]);
  }

  private batch: { enc: GPUCommandEncoder; n: number } | undefined;
  /** Collects the following dispatches into one command buffer (one submit per training step). */
  beginBatch(): void {
    if (!this.batch) this.batch = { enc: this.device.createCommandEncoder(), n: 0 };
  }
  endBatch(): void {
    const b = this.batch;
    this.batch = undefined;
    if (b && !this.lost) this.device.queue.submit([b.enc.finish()]);
  }

  private scratchBuffer(i: number, bytes: number): GPUBuffer {
    const have = this.scratch[i];
    if (have && have.size >= bytes) return have;
    if (have) { this.forget(have); have.destroy(); }
    const b = this.createBuffer(bytes);
    this.scratch[i] = b;
    return b;
  }

  /** Workgroups for n items at 256 per group, folded into 2-D past the 65535 per-dimension limit. */
  flatGroups(n: number): [number, number] {
    const groups = Math.max(1, Math.ceil(n / 256));
    return groups <= 65535 ? [groups, 1] : [65535, Math.ceil(groups / 65535)];
  }
  rowGroups(rows: number): [number, number] {
    return rows <= 65535 ? [Math.max(1, rows), 1] : [65535, Math.ceil(rows / 65535)];
  }

  // --- generic ops -------------------------------------------------------------------------------
  /**
   * C = op(A)·op(B) with optional element offsets, accumulation and tanh epilogue. When the output has
   * few 64×64 tiles but K is long (the student's dW = dHᵀX: 100×200 outputs over 13k rows), K is split
   * over workgroups writing partial products that a second kernel sums, so the whole GPU is busy.
   */
  matmulRaw(a: GPUBuffer, b: GPUBuffer, c: GPUBuffer, o: { M: number; N: number; K: number; transA?: boolean; transB?: boolean; offA?: number; offB?: number; tanhAlpha?: number; accumulate?: boolean; splits?: number }): void {
    const tiles = Math.ceil(o.N / 64) * Math.ceil(o.M / 64);
    const splits = o.splits ?? (tiles < 64 && o.K >= 2048 ? Math.min(64, Math.ceil(o.K / 512), Math.ceil(256 / tiles)) : 1);
    const kChunk = splits > 1 ? Math.ceil(o.K / splits / 16) * 16 : Math.max(16, Math.ceil(o.K / 16) * 16);
    const zs = Math.ceil(o.K / kChunk) || 1;
    const p = new ArrayBuffer(48);
    const u = new Uint32Array(p), f = new Float32Array(p);
    u.set([o.M, o.N, o.K, o.transA ? 1 : 0, o.transB ? 1 : 0, o.offA ?? 0, o.offB ?? 0, o.tanhAlpha !== undefined ? 1 : 0]);
    f[8] = o.tanhAlpha ?? 1;
    u[9] = o.accumulate ? 1 : 0;
    u[10] = kChunk;
    u[11] = zs > 1 ? 1 : 0;
    if (zs <= 1) {
      this.dispatch('matmul', [a, b, c], p, [Math.ceil(o.N / 64), Math.ceil(o.M / 64), 1]);
      return;
    }
    const mn = o.M * o.N;
    const part = this.splitBuffer(zs * mn * 4);
    this.dispatch('matmul', [a, b, part], p, [Math.ceil(o.N / 64), Math.ceil(o.M / 64), zs]);
    const q = new ArrayBuffer(32);
    new Uint32Array(q).set([mn, zs, o.accumulate ? 1 : 0, o.tanhAlpha !== undefined ? 1 : 0]);
    new Float32Array(q)[4] = o.tanhAlpha ?? 1;
    this.dispatch('splitSum', [part, c], q, this.flatGroups(mn));
  }
  private splitPart: GPUBuffer | undefined;
  private splitBuffer(bytes: number): GPUBuffer {
    if (this.splitPart && this.splitPart.size >= bytes) return this.splitPart;
    // the old buffer may be used by batched commands not yet submitted: submit them first
    if (this.batch) { this.endBatch(); this.beginBatch(); }
    if (this.splitPart) { this.forget(this.splitPart); this.splitPart.destroy(); }
    this.splitPart = this.createBuffer(bytes);
    return this.splitPart;
  }
  matmul(a: Tensor, b: Tensor, out: Tensor, opts: { transA?: boolean; transB?: boolean; accumulate?: boolean } = {}): void {
    const M = opts.transA ? a.shape[1] : a.shape[0];
    const K = opts.transA ? a.shape[0] : a.shape[1];
    const N = opts.transB ? b.shape[0] : b.shape[1];
    const kb = opts.transB ? b.shape[1] : b.shape[0];
    if (K !== kb || out.size !== M * N) throw new Error(`matmul: shapes [${a.shape}]·[${b.shape}] → [${out.shape}] do not fit`);
    this.matmulRaw(g(a), g(b), whole(out), {
      M, N, K, transA: opts.transA, transB: opts.transB, accumulate: opts.accumulate,
      offA: (a as GpuTensor).offset, offB: (b as GpuTensor).offset,
    });
  }
  /** Host arrays stay on the host: the CPU kernels (BLAS) compute them. */
  gemm<T extends FArray>(a: T, b: T, c: T, m: number, k: number, n: number, opts: HostGemmOptions = {}): T {
    return hostMatmul(a, b, c, m, k, n, opts);
  }
  unaryRaw(op: UnaryOp, x: GPUBuffer, out: GPUBuffer, n: number, alpha = 1): void {
    const p = new ArrayBuffer(16);
    new Uint32Array(p).set([n, unaryOpCode[op]]);
    new Float32Array(p)[2] = alpha;
    this.dispatch('unary', [x, out], p, this.flatGroups(n));
  }
  unary(op: UnaryOp, x: Tensor, out: Tensor, alpha = 1): void { this.unaryRaw(op, whole(x), whole(out), x.size, alpha); }
  binaryRaw(op: BinaryOp, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, n: number): void {
    this.dispatch('binary', [a, b, out], new Uint32Array([n, binaryOpCode[op], 0, 0]).buffer, this.flatGroups(n));
  }
  binary(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor): void {
    const p = new Uint32Array([out.size, binaryOpCode[op], (a as GpuTensor).offset, (b as GpuTensor).offset]);
    this.dispatch('binary', [g(a), g(b), whole(out)], p.buffer, this.flatGroups(out.size));
  }
  scaleRowsCols(op: UnaryOp, x: Tensor, rowScale: Tensor, colScale: Tensor, alpha: number, out: Tensor): void {
    const cols = x.shape[x.shape.length - 1];
    const p = new ArrayBuffer(16);
    new Uint32Array(p).set([x.size, cols, unaryOpCode[op]]);
    new Float32Array(p)[3] = alpha;
    this.dispatch('scaleRowsCols', [whole(x), whole(rowScale), whole(colScale), whole(out)], p, this.flatGroups(x.size));
  }
  adam(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, step: number, o: AdamParams): void {
    const pa = new ArrayBuffer(32);
    new Uint32Array(pa)[0] = param.size;
    new Float32Array(pa).set([o.lr / (1 - o.beta1 ** step), Math.sqrt(1 - o.beta2 ** step), o.beta1, o.beta2, o.eps], 1);
    this.dispatch('adam', [whole(param), whole(grad), whole(m), whole(v)], pa, this.flatGroups(param.size));
  }
  normalizeRows(x: Tensor): void {
    const cols = x.shape[x.shape.length - 1], rows = x.size / cols;
    this.dispatch('renormRows', [whole(x)], new Uint32Array([rows, cols, 0, 0]).buffer, this.rowGroups(rows));
  }
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, out: Tensor): void {
    const p = new ArrayBuffer(16);
    new Uint32Array(p)[0] = out.size;
    new Float32Array(p).set([alpha, beta], 1);
    this.dispatch('axpby', [whole(x), whole(y), g(out)], p, this.flatGroups(out.size));
  }
  reduceRowsRaw(op: ReduceOp | 'sumsq', x: GPUBuffer, out: GPUBuffer, rows: number, cols: number, outOffset = 0): void {
    this.dispatch('reduceRows', [x, out], new Uint32Array([rows, cols, reduceOpCode[op], outOffset]).buffer, this.rowGroups(rows));
  }
  reduceRows(op: ReduceOp, x: Tensor, out: Tensor): void {
    const cols = x.shape[x.shape.length - 1];
    this.reduceRowsRaw(op, whole(x), g(out), x.size / cols, cols);
  }
  private reduceOut: GPUBuffer | undefined;
  async reduce(op: ReduceOp, x: Tensor): Promise<number> {
    this.reduceOut ??= this.createBuffer(16);
    this.reduceRowsRaw(op, whole(x), this.reduceOut, 1, x.size);
    return (await this.download(this.reduceOut, 1))[0];
  }
  softmaxRows(x: Tensor, out: Tensor): void {
    const cols = x.shape[x.shape.length - 1], rows = x.size / cols;
    this.dispatch('softmaxRows', [whole(x), g(out)], new Uint32Array([rows, cols, 0, 0]).buffer, this.rowGroups(rows));
  }
  batchedMatvec(o: Tensor, r: Tensor, out: Tensor): void {
    const n = o.shape[o.shape.length - 1], batch = o.size / n;
    this.dispatch('batchedMatvec', [whole(o), whole(r), g(out)], new Uint32Array([batch, n, 0, 0]).buffer, this.flatGroups(batch * n));
  }


  async sync(): Promise<void> {
    this.check();
    this.endBatch();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
    if (this.firstError) { const m = this.firstError; this.firstError = undefined; throw new Error(`WebGPU error: ${m}`); }
  }
  /** Test hook: behaves like a driver reset. */
  simulateLoss(): void { this.device.destroy(); }
  dispose(): void { this.device.destroy(); }
}

const g = (t: Tensor): GPUBuffer => (t as GpuTensor).buffer;

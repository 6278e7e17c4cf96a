// The CPU implementation of KernelApi: float32 tensors in typed arrays, computed with ./cpu (the
// matmuls go through the system BLAS, else the WebAssembly SIMD kernel). Also the reference the GPU backend is tested against.
import type { AdamParams, BackendInfo, FArray, HostGemmOptions } from '../../solvers/contract';
import * as K from './cpu';
import { systemBlas } from './blas';
import { wantHelper } from './wasmGemm';
import {
  BinaryOp, KernelApi, ReduceOp, sizeOf, Tensor, UnaryOp,
} from './api';

class CpuTensor implements Tensor {
  readonly size: number;
  constructor(readonly shape: readonly number[], readonly data: Float32Array) { this.size = data.length; }
}

const t = (x: Tensor): Float32Array => (x as CpuTensor).data;
const cols = (x: Tensor): number => x.shape[x.shape.length - 1];

/** 'cpu:openblas-0.3.21 (2 threads)', or 'cpu:wasm-simd (2 threads)' when no BLAS was found. */
export function cpuBackendName(): string {
  const blas = systemBlas();
  if (blas) return `cpu:${blas.name} (${blas.threads} thread${blas.threads === 1 ? '' : 's'})`;
  const threads = wantHelper() ? 2 : 1;
  return `cpu:wasm-simd (${threads} thread${threads === 1 ? '' : 's'})`;
}

export class CpuKernels implements KernelApi {
  readonly backend: BackendInfo = { name: cpuBackendName(), kind: 'cpu' };

  tensor(data: ArrayLike<number>, shape: number[]): Tensor {
    if (sizeOf(shape) !== data.length) throw new Error(`tensor: ${data.length} values for shape [${shape}]`);
    return new CpuTensor([...shape], Float32Array.from(data));
  }
  zeros(shape: number[]): Tensor { return new CpuTensor([...shape], new Float32Array(sizeOf(shape))); }
  write(x: Tensor, data: ArrayLike<number>): void { t(x).set(data); }
  async read(x: Tensor): Promise<Float32Array> { return t(x).slice(); }
  free(): void { /* garbage collected */ }
  view(x: Tensor, rowStart: number, rows: number): Tensor {
    const row = x.shape.length > 1 ? x.size / x.shape[0] : 1;
    if (rowStart < 0 || rows < 0 || rowStart + rows > x.shape[0]) throw new Error(`view: rows ${rowStart}..${rowStart + rows} outside [0, ${x.shape[0]})`);
    return new CpuTensor([rows, ...x.shape.slice(1)], t(x).subarray(rowStart * row, (rowStart + rows) * row));
  }

  matmul(a: Tensor, b: Tensor, out: Tensor, opts: { transA?: boolean; transB?: boolean; accumulate?: boolean } = {}): void {
    const m = opts.transA ? a.shape[1] : a.shape[0];
    const k = opts.transA ? a.shape[0] : a.shape[1];
    const n = opts.transB ? b.shape[0] : b.shape[1];
    const kb = opts.transB ? b.shape[1] : b.shape[0];
    if (k !== kb || out.size !== m * n) throw new Error(`matmul: shapes [${a.shape}]·[${b.shape}] → [${out.shape}] do not fit`);
    K.matmul(t(a), t(b), t(out), m, k, n, opts);
  }
  gemm<T extends FArray>(a: T, b: T, c: T, m: number, k: number, n: number, opts: HostGemmOptions = {}): T {
    return K.matmul(a, b, c, m, k, n, opts);
  }
  unary(op: UnaryOp, x: Tensor, out: Tensor, alpha = 1): void { K.unary(op, t(x), t(out), alpha); }
  binary(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor): void { K.binary(op, t(a), t(b), t(out)); }
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, out: Tensor): void { K.axpby(alpha, t(x), beta, t(y), t(out)); }
  reduceRows(op: ReduceOp, x: Tensor, out: Tensor): void { K.reduceRows(op, t(x), x.size / cols(x), cols(x), t(out)); }
  async reduce(op: ReduceOp, x: Tensor): Promise<number> { return K.reduce(op, t(x)); }
  softmaxRows(x: Tensor, out: Tensor): void { K.softmaxRows(t(x), x.size / cols(x), cols(x), t(out)); }
  scaleRowsCols(op: UnaryOp, x: Tensor, rowScale: Tensor, colScale: Tensor, alpha: number, out: Tensor): void {
    K.scaleRowsCols(op, t(x), t(rowScale), t(colScale), alpha, cols(x), t(out));
  }
  adam(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, step: number, o: AdamParams): void {
    adam(t(param), t(grad), t(m), t(v), step, o.lr, o.beta1, o.beta2, o.eps);
  }
  normalizeRows(x: Tensor): void { K.normalizeRows(t(x), x.size / cols(x), cols(x)); }
  batchedMatvec(o: Tensor, r: Tensor, out: Tensor): void { K.batchedMatvec(t(o), t(r), o.size / cols(o), cols(o), t(out)); }

  async sync(): Promise<void> { /* synchronous backend */ }
  dispose(): void { /* nothing held */ }
}

/** torch.optim.Adam's update (no weight decay, no amsgrad), in place. */
export function adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, t: number,
  lr: number, b1: number, b2: number, eps: number): void {
  const bc1 = 1 - b1 ** t, bc2 = Math.sqrt(1 - b2 ** t);
  const stepSize = lr / bc1;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = (m[i] = b1 * m[i] + (1 - b1) * gi);
    const vi = (v[i] = b2 * v[i] + (1 - b2) * gi * gi);
    w[i] -= stepSize * mi / (Math.sqrt(vi) / bc2 + eps);
  }
}

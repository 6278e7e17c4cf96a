// The kernel API handed to solvers as `ctx.kernels`: one interface, two backends (CPU typed arrays,
// WebGPU). Tensors are opaque float32 handles; on the GPU they live in device buffers, so a chain of
// calls never copies through the host until `read`. Every op is enqueued in call order; only `read`,
// `reduce` and the `…Async` readers wait.
import type { BackendInfo } from '../../solvers/registry';
import type { BinaryOp, ReduceOp, UnaryOp } from './cpu';

export type { BinaryOp, ReduceOp, UnaryOp };

export interface Tensor {
  readonly shape: readonly number[];
  readonly size: number;
}

export interface KernelApi {
  readonly backend: BackendInfo;
  /** Uploads data (converted to float32). */
  tensor(data: ArrayLike<number>, shape: number[]): Tensor;
  zeros(shape: number[]): Tensor;
  write(t: Tensor, data: ArrayLike<number>): void;
  read(t: Tensor): Promise<Float32Array>;
  free(t: Tensor): void;

  /** out (m×n) = op(a)·op(b); 2-D tensors; `transA`: a is stored k×m, `transB`: b is stored n×k. */
  matmul(a: Tensor, b: Tensor, out: Tensor, opts?: { transA?: boolean; transB?: boolean }): void;
  /** out = f(alpha·x) elementwise. */
  unary(op: UnaryOp, x: Tensor, out: Tensor, alpha?: number): void;
  /** out = a ∘ b elementwise (same sizes). */
  binary(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor): void;
  /** Fused out = alpha·x + beta·y. */
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, out: Tensor): void;
  /** out[r] = op over the last axis of x viewed as rows × cols (cols = last dimension). */
  reduceRows(op: ReduceOp, x: Tensor, out: Tensor): void;
  /** op over every element. */
  reduce(op: ReduceOp, x: Tensor): Promise<number>;
  /** Row-wise softmax over the last axis. */
  softmaxRows(x: Tensor, out: Tensor): void;
  /** Soft CLEVR relate: out[b, j] = Σ_i o[b, i] · r[b, i, j]; o is B×N, r is B×N×N. */
  batchedMatvec(o: Tensor, r: Tensor, out: Tensor): void;

  /** The Adam student of scaling-laws.md A6 with buffers allocated once. */
  mlpStudent(cfg: MlpStudentConfig): MlpStudent;
  /** A PCN (pcn.md) whose inference steps run on this backend. */
  pcn(cfg: PcnConfig): PcnNet;

  /** Resolves when every enqueued op has finished. */
  sync(): Promise<void>;
  dispose(): void;
}

export interface MlpStudentConfig {
  /** Input dimension. */
  d: number;
  /** Student width. */
  p: number;
  /** Largest number of rows one step or evaluation uses. */
  maxRows: number;
  lr: number;
  beta1?: number;   // 0.9 (torch default)
  beta2?: number;   // 0.999
  eps?: number;     // 1e-8
  /** Activation is tanh(scale·h); 2 for the paper's student. */
  scale?: number;
}

/**
 * f(x) = tanh(scale · x Wᵀ) · v, loss = mean over the batch of (f − y)² (no ½), Adam on W and v.
 */
export interface MlpStudent {
  /** The training set, n rows of d (row-major), uploaded once. */
  setData(x: Float32Array, y: Float32Array, n: number): void;
  setWeights(w: Float32Array, v: Float32Array): void;
  /** One Adam step on rows [offset, offset + rows) of the training set; resets nothing. */
  step(offset: number, rows: number): void;
  /** Scales each row of W to unit norm (done after every epoch in the protocol). */
  renormalizeRows(): void;
  /** Loss of the most recent step, measured before its update. */
  lastLoss(): Promise<number>;
  /** MSE on another set (e.g. the noiseless test points), without touching the training set. */
  evaluate(x: Float32Array, y: Float32Array, n: number): Promise<number>;
  weights(): Promise<{ w: Float32Array; v: Float32Array }>;
  dispose(): void;
}

export interface PcnConfig {
  /** n⁰ (data) … n^L (top) */
  sizes: number[];
  /** Samples per batch (rows of every value matrix). */
  batch: number;
  activation: 'relu' | 'tanh';
}

/**
 * Layer l's values are batch × n^l (row-major); θ^l (l = 1..L) is n^{l−1} × n^l and maps layer l down to
 * layer l−1: μ^{l−1} = f(x^l) θ^lᵀ.
 */
export interface PcnNet {
  setWeights(l: number, theta: Float32Array): void;
  setValues(l: number, x: Float32Array): void;
  values(l: number): Promise<Float32Array>;
  /** μ^l for l = 0..L−1 at the current values. */
  prediction(l: number): Promise<Float32Array>;
  /** Which entries of x⁰ are free (1) or clamped (0), per pixel (length n⁰) or per entry (batch·n⁰); default: all clamped. */
  setFreeMask(mask: Float32Array | null): void;
  /**
   * One synchronous inference step (pcn.md Eq. 3): errors at the current values, then
   * x^l += γ(−ε^l + f′(x^l) ⊙ ε^{l−1} θ^l) for l = 1..L (no −ε^L at the top), and x⁰ −= γ ε⁰ on free entries.
   */
  step(gamma: number): void;
  /** E = ½ Σ_l ‖ε^l‖² summed over the batch, at the current values. */
  energy(): Promise<number>;
  dispose(): void;
}

/** Thrown by the GPU backend once its device is lost; the engine reruns the job on the CPU. */
export class DeviceLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLostError';
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

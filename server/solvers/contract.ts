// The solver contract: everything a solver and the engine agree on, in one module that imports
// nothing. Solvers import only this file and server/numeric/; the engine implements KernelApi and
// builds SolverContext; the registry (server/solvers/registry.ts) adds parameter resolution on top.
// Layering: contract <- numeric <- solvers <- registry/index <- engine; never the other way.

/** A value that flows between the runner, the engine and solvers (JSON-serialisable). */
export type Value = number | boolean | string | null | Value[] | { [key: string]: Value };

export type ParamKind =
  | 'number'   // any finite float
  | 'integer'  // finite integer
  | 'boolean'
  | 'string'
  | 'enum'     // one of `values` (written as a bare word or a string in .tlab)
  | 'vector'   // list of numbers
  | 'expr';    // an expression in a variable, passed as source text (e.g. an activation `tanh(2*x)`)

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  doc: string;
  /** Used when the caller omits the parameter. A parameter with neither default nor `optional` is required. */
  default?: Value;
  /** May be omitted without a default (e.g. one of two alternatives such as `alpha` or `n`). */
  optional?: boolean;
  /** Documented range, inclusive unless the `exclusive*` flag is set. */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  unit?: string;
  /** Allowed words for kind 'enum'. */
  values?: string[];
}

export type OutputKind =
  | 'number'
  | 'integer'
  | 'boolean'
  | 'string'
  | 'vector'   // number[]
  | 'matrix'   // number[][]
  | 'stat'     // { mean, std, n } over seeds of a stochastic solver
  | 'trace'    // number[] indexed by iteration (energy, KL…)
  | 'object';  // anything else JSON-shaped (documented in `doc`)

export interface OutputSpec {
  name: string;
  kind: OutputKind;
  doc: string;
  unit?: string;
}

export type Device = 'auto' | 'cpu' | 'gpu';

/** Compute backend handed to solvers by the engine (CPU kernels, or WebGPU when available). */
export interface BackendInfo {
  /** 'cpu' or 'webgpu:<adapter name>' — reported by the CLI and the status bar. */
  name: string;
  kind: 'cpu' | 'webgpu';
}

export interface SolverContext {
  /** Seed for every random draw: a solver must be deterministic for a given seed. */
  seed: number;
  device: Device;
  backend: BackendInfo;
  /**
   * 'full' runs the documented budget; 'test' lets simulations shrink epochs/trials so test suites
   * stay fast (the spec allows simulations to run with a smaller budget in tests).
   */
  budget: 'full' | 'test';
  /** Report progress in [0, 1]; cheap to call often. */
  progress(fraction: number, message?: string): void;
  /** Throws CancelledError when the job was cancelled; call it inside long loops. */
  checkCancelled(): void;
  signal: AbortSignal;
  /** Non-fatal remarks shown to the user next to the result (e.g. "linear part removed"). */
  warn(message: string): void;
  /**
   * The folder this job may read data files from: the workspace folder of the document that asked
   * (its own folder outside a workspace), or the CLI's project root. A data path resolves against it
   * and must stay inside it. Absent for a bare `solve` request: the process's working directory.
   */
  dataRoot?: string;
  /**
   * Compute kernels of the selected backend (CPU with the system BLAS or wasm, or WebGPU), set by the
   * engine. Solvers reach compute only through it; reading it marks the job as run on `backend`.
   */
  kernels?: KernelApi;
}

export interface SolverDef {
  id: string;                 // e.g. 'scaling.bayes_optimal'
  title: string;              // one line
  doc: string;                // markdown, shown in hover and docs/solvers.md
  paper: string;              // citation of the paper it implements
  mathSpec: string;           // file under shared/math/ (e.g. 'scaling-laws.md')
  version: string;            // bump when results change: part of the cache key
  stochastic?: boolean;       // written with `simulate`; outputs carry mean/std over seeds
  params: ParamSpec[];
  outputs: OutputSpec[];
  /** Rough CPU seconds for these (already defaulted) parameters; drives live auto-run. */
  cost?(params: Record<string, Value>): number;
  /**
   * Bytes the solver would need for these (already defaulted) parameters; the engine refuses a job
   * whose estimate exceeds its memory limit before starting it.
   */
  memoryEstimate?(params: Record<string, Value>): number;
  /** Checks that involve several parameters; return messages (empty when fine). */
  validate?(params: Record<string, Value>): ParamIssue[];
  run(params: Record<string, Value>, ctx: SolverContext): Promise<Record<string, Value>>;
}

export interface ParamIssue {
  /** Parameter the issue is about (for placing the diagnostic), or undefined for the whole call. */
  param?: string;
  message: string;
  severity?: 'error' | 'warning';
  /** Parameters of which at most one may be given (the editor offers to remove each one given). */
  exclusive?: string[];
}

export class SolverInputError extends Error {
  constructor(message: string, public readonly param?: string) {
    super(message);
    this.name = 'SolverInputError';
  }
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}


// ---------------------------------------------------------------------------------------------
// Compute kernels handed to solvers as `ctx.kernels`: one interface, two backends (CPU typed arrays
// with the system BLAS, WebGPU). Tensors are opaque float32 handles; on the GPU they live in device
// buffers, so a chain of calls never copies through the host until `read`. Every op is enqueued in
// call order; only `read`, `reduce` and the `…Async` readers wait.

/** Elementwise maps shared by the CPU and WGSL kernels (same names, same codes). */
export const unaryOps = ['copy', 'neg', 'exp', 'log', 'tanh', 'relu', 'relu_grad', 'sigmoid', 'square', 'sqrt', 'abs', 'tanh_grad', 'one_minus_square'] as const;
export type UnaryOp = typeof unaryOps[number];
export const binaryOps = ['add', 'sub', 'mul', 'div', 'min', 'max'] as const;
export type BinaryOp = typeof binaryOps[number];
export type ReduceOp = 'sum' | 'max' | 'logsumexp';

/** Host arrays the CPU primitives accept directly (no copy). */
export type FArray = Float32Array | Float64Array;

export interface HostGemmOptions {
  /** A is stored k×m and used transposed. */
  transA?: boolean;
  /** B is stored n×k and used transposed. */
  transB?: boolean;
  /** C += A·B instead of C = A·B. */
  accumulate?: boolean;
}

/** torch.optim.Adam's constants (no weight decay, no amsgrad). */
export interface AdamParams { lr: number; beta1: number; beta2: number; eps: number }

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

  /**
   * Rows [rowStart, rowStart + rows) of `t` along its first axis, sharing its storage (no copy). On
   * the GPU a view that starts past row 0 is accepted by `matmul` and `binary` only.
   */
  view(t: Tensor, rowStart: number, rows: number): Tensor;

  /**
   * out (m×n) = op(a)·op(b); 2-D tensors; `transA`: a is stored k×m, `transB`: b is stored n×k;
   * `accumulate`: out += instead of out =.
   */
  matmul(a: Tensor, b: Tensor, out: Tensor, opts?: { transA?: boolean; transB?: boolean; accumulate?: boolean }): void;
  /**
   * Dense product on host arrays, float32 or float64 (C = op(A)·op(B), row-major, m×n): the system
   * BLAS on the CPU; a GPU backend runs it on the CPU too (host arrays live on the host).
   */
  gemm<T extends FArray>(a: T, b: T, c: T, m: number, k: number, n: number, opts?: HostGemmOptions): T;
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
  /** out[r, c] = alpha · rowScale[r] · colScale[c] · f(x[r, c]) for x viewed as rows × cols. */
  scaleRowsCols(op: UnaryOp, x: Tensor, rowScale: Tensor, colScale: Tensor, alpha: number, out: Tensor): void;
  /** One Adam update of `param` from `grad` with moments m, v at step `step` (1-based), in place. */
  adam(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, step: number, p: AdamParams): void;
  /** Scales each row (last axis) of x to unit Euclidean norm in place; zero rows stay zero. */
  normalizeRows(x: Tensor): void;
  /** Soft CLEVR relate: out[b, j] = Σ_i o[b, i] · r[b, i, j]; o is B×N, r is B×N×N. */
  batchedMatvec(o: Tensor, r: Tensor, out: Tensor): void;

  /** Resolves when every enqueued op has finished. */
  sync(): Promise<void>;
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

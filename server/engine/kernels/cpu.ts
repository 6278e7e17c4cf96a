// Typed-array CPU kernels (Float32Array or Float64Array), the reference twins of the WGSL kernels and
// the CPU backend's workhorses; matmul goes to the system BLAS (./blas) when there is one. Loops are
// ordered so the innermost one walks memory contiguously, which
// is what lets V8 keep them tight; matmul is blocked so a k-panel of B stays in cache.
import { binaryOps, unaryOps, type BinaryOp, type FArray, type ReduceOp, type UnaryOp } from '../../solvers/contract';
import { normalizeRows } from '../../numeric/rows';
import { blasGemm } from './blas';
import { wasmGemm } from './wasmGemm';
import { wasmTanh } from './wasmTanh';
import { TANH_CLAMP, TANH_P, TANH_Q } from './tanhFit';

export { binaryOps, unaryOps, normalizeRows };
export type { BinaryOp, FArray, ReduceOp, UnaryOp };

export interface MatmulOptions {
  /** A is stored k×m and used transposed. */
  transA?: boolean;
  /** B is stored n×k and used transposed. */
  transB?: boolean;
  /** C += A·B instead of C = A·B. */
  accumulate?: boolean;
  /** Skip the BLAS and WebAssembly SIMD paths (used by tests to compare with the plain loops). */
  noWasm?: boolean;
  /** Skip the system BLAS only (tests compare it with the wasm kernel). */
  noBlas?: boolean;
}

/** Row-major transpose of an r×c matrix into `out` (c×r). */
export function transpose<T extends FArray>(x: T, r: number, c: number, out?: T): T {
  const o = out ?? (new (x.constructor as { new(n: number): T })(r * c));
  const B = 32; // tile so both reads and writes stay within a few cache lines
  for (let i0 = 0; i0 < r; i0 += B) {
    const i1 = Math.min(r, i0 + B);
    for (let j0 = 0; j0 < c; j0 += B) {
      const j1 = Math.min(c, j0 + B);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) o[j * r + i] = x[i * c + j];
    }
  }
  return o;
}

/**
 * C (m×n) = op(A) (m×k) · op(B) (k×n), row-major. Uses the system BLAS when one was found (./blas),
 * else the WebAssembly SIMD kernel when the product is large enough to pay for copying into wasm memory.
 */
export function matmul<T extends FArray>(a: T, b: T, c: T, m: number, k: number, n: number, opts: MatmulOptions = {}): T {
  // The system BLAS takes the transposes as flags and the typed arrays by address: no copies at all.
  // Tiny products stay in JS, where the FFI call would cost more than the arithmetic.
  if (!opts.noWasm && !opts.noBlas && m * n * k >= 4096 && blasGemm(a, b, c, m, k, n, !!opts.transA, !!opts.transB, !!opts.accumulate)) return c;
  const A = opts.transA ? transpose(a, k, m) : a;
  const Bm = opts.transB ? transpose(b, n, k) : b;
  if (!opts.noWasm && m * n * k >= 32768) {
    const g = wasmGemm();
    if (g && g.gemm(A, Bm, c, m, k, n, !!opts.accumulate)) return c;
  }
  matmulJs(A, Bm, c, m, k, n, !!opts.accumulate);
  return c;
}

/** Plain-JS blocked i-p-j matmul (C = A·B or C += A·B), all row-major without transposes. */
export function matmulJs(a: FArray, b: FArray, c: FArray, m: number, k: number, n: number, accumulate: boolean): void {
  if (!accumulate) c.fill(0, 0, m * n);
  const KB = 128, IB = 64;
  for (let p0 = 0; p0 < k; p0 += KB) {
    const p1 = Math.min(k, p0 + KB);
    for (let i0 = 0; i0 < m; i0 += IB) {
      const i1 = Math.min(m, i0 + IB);
      for (let i = i0; i < i1; i++) {
        const ci = i * n, ai = i * k;
        for (let p = p0; p < p1; p++) {
          const aip = a[ai + p];
          if (aip === 0) continue;
          const bp = p * n;
          for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
        }
      }
    }
  }
}

/** Textbook triple loop, for tests only. */
export function matmulNaive(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    c[i * n + j] = s;
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Elementwise maps. The op set is shared with the WGSL kernels (same names, same codes).


/** tanh that never overflows (exp of a non-positive number only). */
export function safeTanh(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  const t = (1 - e) / (1 + e);
  return x < 0 ? -t : t;
}

export function unaryScalar(op: UnaryOp, x: number): number {
  switch (op) {
    case 'copy': return x;
    case 'neg': return -x;
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'tanh': return safeTanh(x);
    case 'relu': return x > 0 ? x : 0;
    case 'relu_grad': return x > 0 ? 1 : 0;
    case 'sigmoid': return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'square': return x * x;
    case 'sqrt': return Math.sqrt(x);
    case 'abs': return Math.abs(x);
    case 'tanh_grad': { const t = safeTanh(x); return 1 - t * t; }
    case 'one_minus_square': return 1 - x * x;
  }
}

// tanh for float32 storage: the rational fit of tanhFit.ts (no exp, no branch; ≤ 1 ulp after
// rounding), 3× the speed of the exp form — at the Adam student's sizes tanh was the largest cost
// after the GEMMs (issue 18). Large arrays go through the WebAssembly SIMD twin (wasmTanh.ts), which
// gives bitwise the same values; the JS loop does small arrays, the last n mod 4 elements, and
// everything when the runtime has no SIMD.
const [TP0, TP1, TP2, TP3, TP4, TP5] = TANH_P;
const [, TQ1, TQ2, TQ3, TQ4, TQ5] = TANH_Q;
const WASM_TANH_MIN = 4096;

/** out[i] = tanh(alpha·x[i]) into float32 (see above); NaN stays NaN, ±∞ gives ±1. */
export function tanhF32(x: Float32Array, out: Float32Array, alpha: number): void {
  const n = x.length;
  let i = 0;
  if (n >= WASM_TANH_MIN && wasmTanh(x, out, n - (n % 4), alpha)) i = n - (n % 4);
  for (; i < n; i++) {
    const v = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, alpha * x[i]));
    const u = v * v;
    out[i] = (v * (TP0 + u * (TP1 + u * (TP2 + u * (TP3 + u * (TP4 + u * TP5)))))) /
      (1 + u * (TQ1 + u * (TQ2 + u * (TQ3 + u * (TQ4 + u * TQ5)))));
  }
}

/** out[i] = f(alpha · x[i]) — `alpha` folds the student's tanh(2x) scale into the same pass. */
export function unary(op: UnaryOp, x: FArray, out: FArray, alpha = 1): void {
  const n = x.length;
  switch (op) { // specialised loops for the hot ops, generic switch for the rest
    case 'tanh':
      if (x instanceof Float32Array && out instanceof Float32Array) { tanhF32(x, out, alpha); return; }
      for (let i = 0; i < n; i++) out[i] = safeTanh(alpha * x[i]);
      return;
    case 'relu': for (let i = 0; i < n; i++) { const v = alpha * x[i]; out[i] = v > 0 ? v : 0; } return;
    default: for (let i = 0; i < n; i++) out[i] = unaryScalar(op, alpha * x[i]);
  }
}

export function binaryScalar(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'min': return a < b ? a : b;
    case 'max': return a > b ? a : b;
  }
}

export function binary(op: BinaryOp, a: FArray, b: FArray, out: FArray): void {
  const n = out.length;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; return;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[i] * b[i]; return;
    case 'min': for (let i = 0; i < n; i++) out[i] = a[i] < b[i] ? a[i] : b[i]; return;
    case 'max': for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? a[i] : b[i]; return;
    default: for (let i = 0; i < n; i++) out[i] = binaryScalar(op, a[i], b[i]);
  }
}

/** out[r, c] = alpha · rs[r] · cs[c] · f(x[r, c]); the hot case f = 1 − x² (tanh backward) has its own loop. */
export function scaleRowsCols(op: UnaryOp, x: FArray, rs: FArray, cs: FArray, alpha: number, cols: number, out: FArray): void {
  const rows = x.length / cols;
  for (let r = 0; r < rows; r++) {
    const o = r * cols, a = alpha * rs[r];
    if (op === 'one_minus_square') {
      for (let c = 0; c < cols; c++) { const v = x[o + c]; out[o + c] = a * cs[c] * (1 - v * v); }
    } else {
      for (let c = 0; c < cols; c++) out[o + c] = a * cs[c] * unaryScalar(op, x[o + c]);
    }
  }
}

/** Fused out = alpha·x + beta·y (one pass instead of scale, scale, add). */
export function axpby(alpha: number, x: FArray, beta: number, y: FArray, out: FArray): void {
  for (let i = 0; i < out.length; i++) out[i] = alpha * x[i] + beta * y[i];
}

// ---------------------------------------------------------------------------------------------
// Reductions (accumulated in float64 whatever the storage type).

export function reduceRange(op: ReduceOp, x: ArrayLike<number>, start: number, end: number): number {
  if (op === 'sum') {
    let s = 0;
    for (let i = start; i < end; i++) s += x[i];
    return s;
  }
  let m = -Infinity;
  for (let i = start; i < end; i++) if (x[i] > m) m = x[i];
  if (op === 'max' || m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = start; i < end; i++) s += Math.exp(x[i] - m);
  return m + Math.log(s);
}

export function reduce(op: ReduceOp, x: ArrayLike<number>): number {
  return reduceRange(op, x, 0, x.length);
}

/** out[r] = op over row r of a rows×cols matrix. */
export function reduceRows(op: ReduceOp, x: FArray, rows: number, cols: number, out: FArray): void {
  for (let r = 0; r < rows; r++) out[r] = reduceRange(op, x, r * cols, (r + 1) * cols);
}

/** Row-wise softmax, shifted by the row max for stability. */
export function softmaxRows(x: FArray, rows: number, cols: number, out: FArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const m = reduceRange('max', x, o, o + cols);
    let s = 0;
    for (let j = 0; j < cols; j++) { const e = Math.exp(x[o + j] - m); out[o + j] = e; s += e; }
    const inv = 1 / s;
    for (let j = 0; j < cols; j++) out[o + j] *= inv;
  }
}

// ---------------------------------------------------------------------------------------------
// Batched soft-CLEVR primitives (clevr-g2l2.md §3): sets are rows of logits over N objects.

/** out[b, j] = Σ_i o[b, i] · R[b, i, j] — relate / relate_attribute_equal over B scenes at once. */
export function batchedMatvec(o: FArray, r: FArray, batch: number, n: number, out: FArray): void {
  for (let b = 0; b < batch; b++) {
    const ob = b * n, rb = b * n * n;
    for (let j = 0; j < n; j++) out[ob + j] = 0;
    for (let i = 0; i < n; i++) {
      const oi = o[ob + i];
      const ri = rb + i * n;
      for (let j = 0; j < n; j++) out[ob + j] += oi * r[ri + j];
    }
  }
}

/** count(S) = Σ_i σ(S_i) per row (X8, training form). */
export function rowSumSigmoid(x: FArray, rows: number, cols: number, out: FArray): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += unaryScalar('sigmoid', x[r * cols + j]);
    out[r] = s;
  }
}

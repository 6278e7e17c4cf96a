// The one matmul entry point of this solver: batched float64 products through the kernel API's host
// `gemm` (the system BLAS on the CPU backend) when the solver runs inside a job, else through the
// plain loops of numeric/batched-matmul.ts (unit tests, library use). The decider is synchronous,
// so the run installs the job's kernels for exactly the duration of its call (`withKernels`).
import type { KernelApi } from '../contract';
import { batchedMatmul, type BatchedMatmulOptions } from '../../numeric/batched-matmul';

let active: KernelApi | null = null;

/** Runs the synchronous `fn` with its dense products on `kernels`; restores the previous choice. */
export function withKernels<T>(kernels: KernelApi | undefined, fn: () => T): T {
  const prev = active;
  active = kernels ?? null;
  try { return fn(); } finally { active = prev; }
}

export function bmm(
  a: Float64Array, b: Float64Array, batch: number, m: number, k: number, n: number,
  opts: BatchedMatmulOptions = {}, out?: Float64Array,
): Float64Array {
  const kernels = active;
  if (!kernels) return batchedMatmul(a, b, batch, m, k, n, opts, out);
  const c = out ?? new Float64Array(batch * m * n);
  const sa = opts.strideA ?? m * k, sb = opts.strideB ?? k * n;
  for (let t = 0; t < batch; t++) {
    kernels.gemm(
      a.subarray(t * sa, t * sa + m * k), b.subarray(t * sb, t * sb + k * n), c.subarray(t * m * n, (t + 1) * m * n),
      m, k, n, { transA: opts.transA, transB: opts.transB },
    );
  }
  return c;
}

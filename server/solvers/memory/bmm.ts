// The one matmul entry point of this solver: batched products routed to the engine's CPU kernel
// (WebAssembly SIMD gemm, float64, bit-identical here to the plain loops of numeric/batched-matmul.ts
// but 20–60× faster on these shapes). A GPU backend can replace this function wholesale.
import { matmul } from '../../engine/kernels/cpu';
import type { BatchedMatmulOptions } from '../../numeric/batched-matmul';

export function bmm(
  a: Float64Array, b: Float64Array, batch: number, m: number, k: number, n: number,
  opts: BatchedMatmulOptions = {}, out?: Float64Array,
): Float64Array {
  const c = out ?? new Float64Array(batch * m * n);
  const sa = opts.strideA ?? m * k, sb = opts.strideB ?? k * n;
  for (let t = 0; t < batch; t++) {
    matmul(
      a.subarray(t * sa, t * sa + m * k), b.subarray(t * sb, t * sb + k * n), c.subarray(t * m * n, (t + 1) * m * n),
      m, k, n, { transA: opts.transA, transB: opts.transB },
    );
  }
  return c;
}

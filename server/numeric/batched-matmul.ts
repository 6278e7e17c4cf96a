// Batched dense matrix products on row-major Float64Arrays: C[b] = op(A[b]) · op(B[b]) for b < batch.
// Monte Carlo solvers stack many independent small problems (one per trial) into one call, which is the
// shape a GPU kernel wants; keeping every score computation behind this one signature means a
// GPU-backed twin can replace it without touching the callers.

export interface BatchedMatmulOptions {
  /** A[b] is stored k×m and used transposed. */
  transA?: boolean;
  /** B[b] is stored n×k and used transposed. */
  transB?: boolean;
  /** Stride between consecutive A (B) matrices; 0 broadcasts one matrix to the whole batch. */
  strideA?: number;
  strideB?: number;
}

/**
 * C (batch × m × n) = op(A) (m×k) · op(B) (k×n) for each batch entry. Returns a new array unless
 * `out` is given. Loops are ordered so the innermost one walks contiguous memory.
 */
export function batchedMatmul(
  a: Float64Array, b: Float64Array, batch: number, m: number, k: number, n: number,
  opts: BatchedMatmulOptions = {}, out?: Float64Array,
): Float64Array {
  const c = out ?? new Float64Array(batch * m * n);
  if (c.length < batch * m * n) throw new Error(`batchedMatmul: output holds ${c.length}, needs ${batch * m * n}`);
  const sa = opts.strideA ?? m * k, sb = opts.strideB ?? k * n;
  // Transposed operands are copied into row-major scratch first: strided inner loops run an order of
  // magnitude slower in V8 than the contiguous i-p-j loop below.
  const At = opts.transA ? new Float64Array(m * k) : undefined;
  const Bt = opts.transB ? new Float64Array(k * n) : undefined;
  for (let t = 0; t < batch; t++) {
    let A = a, ao = t * sa, B = b, bo = t * sb;
    if (At) {
      if (t === 0 || sa !== 0) for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) At[i * k + p] = a[ao + p * m + i];
      A = At; ao = 0;
    }
    if (Bt) {
      if (t === 0 || sb !== 0) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) Bt[p * n + j] = b[bo + j * k + p];
      B = Bt; bo = 0;
    }
    const co = t * m * n;
    c.fill(0, co, co + m * n);
    for (let i = 0; i < m; i++) {
      const ci = co + i * n, ai = ao + i * k;
      for (let p = 0; p < k; p++) {
        const aip = A[ai + p];
        if (aip === 0) continue;
        const bp = bo + p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * B[bp + j];
      }
    }
  }
  return c;
}

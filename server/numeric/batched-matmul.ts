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
  // Transposed B is read row by row as dot products; transposed A is read column-wise (strided,
  // but only once per output row), so neither needs a copy.
  for (let t = 0; t < batch; t++) {
    const ao = t * sa, bo = t * sb, co = t * m * n;
    c.fill(0, co, co + m * n);
    for (let i = 0; i < m; i++) {
      const ci = co + i * n;
      if (opts.transB) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          const bj = bo + j * k;
          if (opts.transA) for (let p = 0; p < k; p++) s += a[ao + p * m + i] * b[bj + p];
          else { const ai = ao + i * k; for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p]; }
          c[ci + j] = s;
        }
      } else {
        for (let p = 0; p < k; p++) {
          const aip = opts.transA ? a[ao + p * m + i] : a[ao + i * k + p];
          if (aip === 0) continue;
          const bp = bo + p * n;
          for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
        }
      }
    }
  }
  return c;
}

// Register-blocked float64 matrix products for the PCN's CPU reference path (network.ts). The batch
// is small (N ≈ 10 patterns) and the layers are ~100 wide, so these are skinny GEMMs where a naive
// dot-product loop is bound by loads: a 2×4 tile of C keeps 8 accumulators in registers and reuses
// each loaded element 2–4 times (measured ~2.5× the 4-accumulator dot loop at 10×128×128). The float32
// path goes through ctx.kernels instead (kernelMemory.ts).

/** C (m×n) = A (m×k) · Bᵀ, with B stored n×k (row-major, both contiguous along k). */
export function gemmABt(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  let s = 0;
  for (; s + 1 < m; s += 2) {
    const a0 = s * k, a1 = a0 + k, c0o = s * n, c1o = c0o + n;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const b0 = i * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (let j = 0; j < k; j++) {
        const x = A[a0 + j], y = A[a1 + j];
        const p = B[b0 + j], q = B[b1 + j], r = B[b2 + j], t = B[b3 + j];
        c0 += x * p; c1 += x * q; c2 += x * r; c3 += x * t;
        d0 += y * p; d1 += y * q; d2 += y * r; d3 += y * t;
      }
      C[c0o + i] = c0; C[c0o + i + 1] = c1; C[c0o + i + 2] = c2; C[c0o + i + 3] = c3;
      C[c1o + i] = d0; C[c1o + i + 1] = d1; C[c1o + i + 2] = d2; C[c1o + i + 3] = d3;
    }
    for (; i < n; i++) {
      const bo = i * k;
      let c = 0, d = 0;
      for (let j = 0; j < k; j++) { const v = B[bo + j]; c += A[a0 + j] * v; d += A[a1 + j] * v; }
      C[c0o + i] = c; C[c1o + i] = d;
    }
  }
  for (; s < m; s++) {
    const ao = s * k;
    for (let i = 0; i < n; i++) {
      const bo = i * k;
      let c = 0;
      for (let j = 0; j < k; j++) c += A[ao + j] * B[bo + j];
      C[s * n + i] = c;
    }
  }
}

/** C (m×n) = A (m×k) · B (k×n), all row-major: 2 rows of C updated from 4 rows of B per pass. */
export function gemmAB(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  C.fill(0, 0, m * n);
  let s = 0;
  for (; s + 1 < m; s += 2) {
    const a0 = s * k, a1 = a0 + k, c0 = s * n, c1 = c0 + n;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const x0 = A[a0 + p], x1 = A[a0 + p + 1], x2 = A[a0 + p + 2], x3 = A[a0 + p + 3];
      const y0 = A[a1 + p], y1 = A[a1 + p + 1], y2 = A[a1 + p + 2], y3 = A[a1 + p + 3];
      const b0 = p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        const u = B[b0 + j], v = B[b1 + j], w = B[b2 + j], z = B[b3 + j];
        C[c0 + j] += x0 * u + x1 * v + x2 * w + x3 * z;
        C[c1 + j] += y0 * u + y1 * v + y2 * w + y3 * z;
      }
    }
    for (; p < k; p++) {
      const x = A[a0 + p], y = A[a1 + p], bo = p * n;
      for (let j = 0; j < n; j++) { const u = B[bo + j]; C[c0 + j] += x * u; C[c1 + j] += y * u; }
    }
  }
  for (; s < m; s++) {
    const ao = s * k, co = s * n;
    for (let p = 0; p < k; p++) {
      const x = A[ao + p], bo = p * n;
      for (let j = 0; j < n; j++) C[co + j] += x * B[bo + j];
    }
  }
}

// Dense float64 linear algebra on row-major Float64Array matrices. Kept dependency-free and
// allocation-light because solvers call these in inner loops (Hessian-vector products, Gram matrices)
// where ml-matrix's object-per-matrix overhead and number[][] storage would dominate.

/** A row-major dense matrix: entry (i, j) is data[i * cols + j]. */
export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function dense(rows: number, cols: number, data?: Float64Array): Dense {
  if (data && data.length !== rows * cols) throw new Error(`dense: expected ${rows * cols} entries, got ${data.length}`);
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function fromRows(rows: number[][]): Dense {
  const m = dense(rows.length, rows.length ? rows[0].length : 0);
  rows.forEach((r, i) => r.forEach((v, j) => { m.data[i * m.cols + j] = v; }));
  return m;
}

export function toRows(m: Dense): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

export function norm2(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** out = A v */
export function matVec(A: Dense, v: ArrayLike<number>, out = new Float64Array(A.rows)): Float64Array {
  const { rows, cols, data } = A;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += data[o + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** out = Aᵀ u (a vector–Jacobian product when A is a Jacobian). */
export function matTVec(A: Dense, u: ArrayLike<number>, out = new Float64Array(A.cols)): Float64Array {
  const { rows, cols, data } = A;
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const ui = u[i];
    if (ui === 0) continue;
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += ui * data[o + j];
  }
  return out;
}

/**
 * A Bᵀ for row-major A (m×k) and B (n×k): every entry is a contiguous dot product. Four rows of B
 * are taken at a time so each load of A's row feeds four accumulators.
 */
export function matMulABt(A: Dense, B: Dense): Dense {
  if (A.cols !== B.cols) throw new Error('matMulABt: inner dimensions differ');
  const k = A.cols, n = B.rows;
  const C = dense(A.rows, n);
  const a = A.data, b = B.data, c = C.data;
  const sym = A === B;
  for (let i = 0; i < A.rows; i++) {
    const ai = i * k;
    let j = sym ? i : 0;
    for (; j + 3 < n; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < k; t++) {
        const v = a[ai + t];
        s0 += v * b[b0 + t]; s1 += v * b[b1 + t]; s2 += v * b[b2 + t]; s3 += v * b[b3 + t];
      }
      c[i * n + j] = s0; c[i * n + j + 1] = s1; c[i * n + j + 2] = s2; c[i * n + j + 3] = s3;
    }
    for (; j < n; j++) {
      const bj = j * k;
      let s0 = 0;
      for (let t = 0; t < k; t++) s0 += a[ai + t] * b[bj + t];
      c[i * n + j] = s0;
    }
  }
  if (sym) for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i];
  return C;
}

/** Aᵀ A (k×k) for row-major A (m×k), accumulated row by row (rank-one updates of the upper triangle). */
export function gramT(A: Dense, weights?: ArrayLike<number>): Dense {
  const k = A.cols;
  const G = dense(k, k);
  for (let r = 0; r < A.rows; r++) {
    const w = weights ? weights[r] : 1;
    const o = r * k;
    for (let i = 0; i < k; i++) {
      const ai = w * A.data[o + i];
      if (ai === 0) continue;
      const gi = i * k;
      for (let j = i; j < k; j++) G.data[gi + j] += ai * A.data[o + j];
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) G.data[i * k + j] = G.data[j * k + i];
  return G;
}

/** Rows `idx` of A as a new matrix. */
export function selectRows(A: Dense, idx: ArrayLike<number>): Dense {
  const out = dense(idx.length, A.cols);
  for (let r = 0; r < idx.length; r++) out.data.set(A.data.subarray(idx[r] * A.cols, (idx[r] + 1) * A.cols), r * A.cols);
  return out;
}

/** The sub-matrix A[rowIdx, colIdx]. */
export function subMatrix(A: Dense, rowIdx: ArrayLike<number>, colIdx: ArrayLike<number>): Dense {
  const out = dense(rowIdx.length, colIdx.length);
  for (let r = 0; r < rowIdx.length; r++) {
    const o = rowIdx[r] * A.cols;
    for (let c = 0; c < colIdx.length; c++) out.data[r * colIdx.length + c] = A.data[o + colIdx[c]];
  }
  return out;
}

export class NotPositiveDefiniteError extends Error {
  constructor(public readonly pivot: number) {
    super(`matrix is not positive definite (pivot ${pivot})`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * In-place lower Cholesky factor of a symmetric positive-definite matrix (the upper triangle is
 * zeroed). Throws NotPositiveDefiniteError on a non-positive pivot so callers can fall back.
 */
export function choleskyInPlace(A: Dense): Dense {
  const n = A.rows, a = A.data;
  if (A.cols !== n) throw new Error('cholesky: matrix is not square');
  // Left-looking, row-oriented: every inner product runs over two contiguous row prefixes. Four rows
  // share each load of row j, which roughly halves the memory traffic of the O(n³/6) inner loop.
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0)) throw new NotPositiveDefiniteError(j);
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    let i = j + 1;
    for (; i + 3 < n; i += 4) {
      const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      let s0 = a[r0 + j], s1 = a[r1 + j], s2 = a[r2 + j], s3 = a[r3 + j];
      for (let k = 0; k < j; k++) {
        const v = a[rj + k];
        s0 -= a[r0 + k] * v; s1 -= a[r1 + k] * v; s2 -= a[r2 + k] * v; s3 -= a[r3 + k] * v;
      }
      a[r0 + j] = s0 / ljj; a[r1 + j] = s1 / ljj; a[r2 + j] = s2 / ljj; a[r3 + j] = s3 / ljj;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
  return A;
}

/** Solves L Lᵀ x = b given the lower Cholesky factor L. */
export function choleskySolve(L: Dense, b: ArrayLike<number>): Float64Array {
  const n = L.rows, l = L.data;
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= l[ri + k] * x[k];
    x[i] = s / l[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Solves a symmetric positive-definite system by Cholesky (A is not modified). */
export function solveSpd(A: Dense, b: ArrayLike<number>): Float64Array {
  const L = choleskyInPlace(dense(A.rows, A.cols, Float64Array.from(A.data)));
  return choleskySolve(L, b);
}

/** The full inverse of L Lᵀ, column by column (O(n³); only for the small systems that need it). */
export function choleskyInverse(L: Dense): Dense {
  const n = L.rows;
  const inv = dense(n, n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0); e[j] = 1;
    const col = choleskySolve(L, e);
    for (let i = 0; i < n; i++) inv.data[i * n + j] = col[i];
  }
  return inv;
}

/** Solves a general square system by LU with partial pivoting. Throws on an exactly singular pivot. */
export function solveLu(A: Dense, b: ArrayLike<number>): Float64Array {
  const n = A.rows;
  const a = Float64Array.from(A.data);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k, best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) { const v = Math.abs(a[i * n + k]); if (v > best) { best = v; p = i; } }
    if (best === 0) throw new Error('LU: matrix is singular');
    if (p !== k) {
      for (let j = 0; j < n; j++) { const t = a[k * n + j]; a[k * n + j] = a[p * n + j]; a[p * n + j] = t; }
      const t = x[k]; x[k] = x[p]; x[p] = t;
    }
    const pivot = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / pivot;
      if (f === 0) continue;
      a[i * n + k] = f;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
    x[i] = s / a[i * n + i];
  }
  return x;
}

/** ‖a − b‖ / ‖b‖ (or the absolute difference when b is zero). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

/** Aᵀ B (p×q) for row-major A (m×p) and B (m×q), accumulated row by row. */
export function crossT(A: Dense, B: Dense): Dense {
  if (A.rows !== B.rows) throw new Error('crossT: row counts differ');
  const p = A.cols, q = B.cols;
  const C = dense(p, q);
  for (let r = 0; r < A.rows; r++) {
    const ao = r * p, bo = r * q;
    for (let i = 0; i < p; i++) {
      const a = A.data[ao + i];
      if (a === 0) continue;
      const co = i * q;
      for (let j = 0; j < q; j++) C.data[co + j] += a * B.data[bo + j];
    }
  }
  return C;
}

/** A B for row-major A (m×k) and B (k×n). */
export function matMul(A: Dense, B: Dense): Dense {
  if (A.cols !== B.rows) throw new Error('matMul: inner dimensions differ');
  const m = A.rows, k = A.cols, n = B.cols;
  const C = dense(m, n);
  for (let i = 0; i < m; i++) {
    const co = i * n;
    for (let t = 0; t < k; t++) {
      const a = A.data[i * k + t];
      if (a === 0) continue;
      const bo = t * n;
      for (let j = 0; j < n; j++) C.data[co + j] += a * B.data[bo + j];
    }
  }
  return C;
}

/** A + s·I in place (square A). */
export function addDiagonal(A: Dense, s: number): Dense {
  for (let i = 0; i < A.rows; i++) A.data[i * A.cols + i] += s;
  return A;
}

// Row operations on row-major matrices held in typed arrays, shared by the CPU kernels and the
// solvers' own reference code (dependency-free, like the rest of server/numeric/).

/** Scales each row of a rows × cols matrix to unit Euclidean norm in place (zero rows stay zero). */
export function normalizeRows(w: Float32Array | Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < rows; j++) {
    let n2 = 0;
    for (let c = 0; c < cols; c++) n2 += w[j * cols + c] ** 2;
    const inv = n2 > 0 ? 1 / Math.sqrt(n2) : 0;
    for (let c = 0; c < cols; c++) w[j * cols + c] *= inv;
  }
}

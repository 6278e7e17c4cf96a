import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedMatmul } from './batched-matmul';
import { Rng } from './rng';

function naive(a: Float64Array, b: Float64Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
    c[i * n + j] = s;
  }
  return c;
}

test('batchedMatmul matches the triple loop for every transpose combination and broadcast B', () => {
  const rng = new Rng(3);
  const batch = 3, m = 5, k = 7, n = 4;
  for (const ta of [false, true]) for (const tb of [false, true]) {
    const a = rng.normals(batch * m * k), b = rng.normals(batch * k * n);
    const c = batchedMatmul(a, b, batch, m, k, n, { transA: ta, transB: tb });
    for (let t = 0; t < batch; t++) {
      const ref = naive(a.subarray(t * m * k), b.subarray(t * k * n), m, k, n, ta, tb);
      for (let x = 0; x < m * n; x++) assert.ok(Math.abs(c[t * m * n + x] - ref[x]) < 1e-12, `ta=${ta} tb=${tb}`);
    }
    // strideB = 0 broadcasts the first B to every batch entry.
    const cb = batchedMatmul(a, b, batch, m, k, n, { transA: ta, transB: tb, strideB: 0 });
    const ref1 = naive(a.subarray(2 * m * k), b, m, k, n, ta, tb);
    for (let x = 0; x < m * n; x++) assert.ok(Math.abs(cb[2 * m * n + x] - ref1[x]) < 1e-12);
  }
});

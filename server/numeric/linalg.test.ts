import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conjugateGradient } from './cg';
import { studentTCdf, studentTQuantile, sampleGamma, logGamma } from './distributions';
import { lbfgs } from './lbfgs';
import { choleskyInPlace, choleskyInverse, choleskySolve, crossT, dense, gramT, matMul, matMulABt, matVec, NotPositiveDefiniteError, relDiff, solveLu, solveSpd } from './linalg';
import { Rng } from './rng';

function randomSpd(n: number, rng: Rng) {
  const B = dense(n + 3, n, rng.normals((n + 3) * n));
  const A = gramT(B);
  for (let i = 0; i < n; i++) A.data[i * n + i] += 0.1;
  return A;
}

test('Cholesky (all row-block remainders), LU and inverse solve random systems to 1e-12', () => {
  const rng = new Rng(3);
  for (const n of [1, 2, 5, 8, 13, 30]) {
    const A = randomSpd(n, rng);
    const x = rng.normals(n);
    const b = matVec(A, x);
    assert.ok(relDiff(solveSpd(A, b), x) < 1e-10, `cholesky n=${n}`);
    assert.ok(relDiff(solveLu(A, b), x) < 1e-10, `lu n=${n}`);
    const L = choleskyInPlace(dense(n, n, A.data.slice()));
    const inv = choleskyInverse(L);
    const I = matMul(A, inv);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.ok(Math.abs(I.data[i * n + j] - (i === j ? 1 : 0)) < 1e-9);
    assert.ok(relDiff(choleskySolve(L, b), x) < 1e-10);
  }
  assert.throws(() => choleskyInPlace(dense(2, 2, Float64Array.from([1, 2, 2, 1]))), NotPositiveDefiniteError);
});

test('products agree with each other: A Bᵀ, Aᵀ B, Aᵀ A', () => {
  const rng = new Rng(4);
  const A = dense(7, 5, rng.normals(35)), B = dense(7, 4, rng.normals(28));
  const G = gramT(A), C = crossT(A, A), K = matMulABt(A, A);
  assert.ok(relDiff(G.data, C.data) < 1e-14);
  assert.equal(K.rows, 7);
  // the symmetric shortcut (A === B) equals the general path, for row counts around the 4-row blocks
  for (const m of [1, 3, 4, 5, 9]) {
    const M = dense(m, 6, rng.normals(m * 6));
    const copy = dense(m, 6, M.data.slice());
    const S = matMulABt(M, M), Gm = matMulABt(M, copy);
    assert.ok(relDiff(S.data, Gm.data) < 1e-15);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let e = 0; for (let t = 0; t < 6; t++) e += M.data[i * 6 + t] * M.data[j * 6 + t];
      assert.ok(Math.abs(S.data[i * m + j] - e) < 1e-12);
    }
  }
  const AtB = crossT(A, B);
  const e = Array.from({ length: 5 * 4 }, (_, idx) => {
    const i = Math.floor(idx / 4), j = idx % 4;
    let s = 0; for (let r = 0; r < 7; r++) s += A.data[r * 5 + i] * B.data[r * 4 + j];
    return s;
  });
  assert.ok(relDiff(AtB.data, e) < 1e-14);
});

test('CG solves an SPD system and a consistent singular PSD one (minimum-norm solution)', () => {
  const rng = new Rng(5);
  const A = randomSpd(20, rng);
  const x = rng.normals(20);
  const r = conjugateGradient((v) => matVec(A, v), matVec(A, x), { tol: 1e-12, maxIter: 200 });
  assert.ok(r.converged && relDiff(r.x, x) < 1e-8);
  // rank-2 PSD: b in the range, CG from 0 returns the minimum-norm solution (in the range too)
  const U = dense(6, 2, rng.normals(12));
  const P = matMulABt(U, U);
  const b = matVec(P, rng.normals(6));
  const s = conjugateGradient((v) => matVec(P, v), b, { tol: 1e-12 });
  assert.ok(relDiff(matVec(P, s.x), b) < 1e-9);
});

test('Student-t quantiles and CDF match known values; gamma draws have the right mean and variance', () => {
  assert.ok(Math.abs(studentTQuantile(0.975, 8) - 2.306004135) < 1e-8);
  assert.ok(Math.abs(studentTQuantile(0.975, 1) - 12.70620474) < 1e-7);
  assert.ok(Math.abs(studentTQuantile(0.995, 3) - 5.840909310) < 1e-8);
  assert.ok(Math.abs(studentTQuantile(0.025, 30) + 2.042272456) < 1e-8);
  assert.ok(Math.abs(studentTCdf(0, 5) - 0.5) < 1e-15);
  assert.ok(Math.abs(logGamma(10) - Math.log(362880)) < 1e-12);
  const rng = new Rng(6);
  for (const shape of [0.4, 3]) {
    let m = 0, v = 0;
    const n = 100000;
    const xs = Array.from({ length: n }, () => sampleGamma(rng, shape));
    for (const x of xs) m += x;
    m /= n;
    for (const x of xs) v += (x - m) ** 2;
    v /= n - 1;
    // mean and variance are both `shape`; 5 standard errors
    assert.ok(Math.abs(m - shape) < 5 * Math.sqrt(shape / n), `mean ${m}`);
    assert.ok(Math.abs(v - shape) < 0.05 * shape, `var ${v}`);
  }
});

test('L-BFGS minimises the Rosenbrock function', () => {
  const r = lbfgs((x) => {
    const [a, b] = [x[0], x[1]];
    return { f: (1 - a) ** 2 + 100 * (b - a * a) ** 2, g: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]) };
  }, [-1.2, 1], { gradTol: 1e-9, maxIter: 500 });
  assert.ok(r.converged, `grad ${r.gradNorm}`);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveDenseLp } from './dense-simplex';
import { Rng } from './rng';

test('dense simplex: textbook maximisation with ≤ rows', () => {
  // max 3x + 5y s.t. x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18 → (2, 6), value 36
  const r = solveDenseLp({ c: [3, 5], A: [1, 0, 0, 2, 3, 2], b: [4, 12, 18] });
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.objective - 36) < 1e-9);
  assert.ok(Math.abs(r.x[0] - 2) < 1e-9 && Math.abs(r.x[1] - 6) < 1e-9);
});

test('dense simplex: ≥ and = rows, negative right-hand sides and free variables (phase 1)', () => {
  // min x + y  (max −x − y) s.t. x + y ≥ 2, x − y = 1, x, y free → x = 1.5, y = 0.5
  const r = solveDenseLp({
    c: [-1, -1], A: [1, 1, 1, -1], b: [2, 1], sense: ['>=', '='], lower: [-Infinity, -Infinity],
  });
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.x[0] - 1.5) < 1e-9 && Math.abs(r.x[1] - 0.5) < 1e-9, `x = ${Array.from(r.x)}`);
  // −x ≤ −3 with x ≤ 5 (upper bound): max −x → x = 3
  const s = solveDenseLp({ c: [-1], A: [-1], b: [-3], upper: [5] });
  assert.equal(s.status, 'optimal');
  assert.ok(Math.abs(s.x[0] - 3) < 1e-9);
});

test('dense simplex: detects infeasible and unbounded problems', () => {
  assert.equal(solveDenseLp({ c: [1], A: [1, -1], b: [1, -2] }).status, 'infeasible'); // x ≤ 1, x ≥ 2
  assert.equal(solveDenseLp({ c: [1, 1], A: [1, -1], b: [1] }).status, 'unbounded');
});

test('dense simplex: random bounded LPs satisfy their constraints and beat random feasible points', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 20; trial++) {
    const m = 6 + rng.int(6), n = 4 + rng.int(5);
    const A = rng.normals(m * n), c = rng.normals(n);
    const b = Float64Array.from({ length: m }, () => 0.5 + rng.uniform()); // x = 0 feasible
    const upper = new Float64Array(n).fill(2);
    const r = solveDenseLp({ c, A, b, upper });
    assert.equal(r.status, 'optimal');
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * r.x[j];
      assert.ok(s <= b[i] + 1e-7, `row ${i}: ${s} > ${b[i]}`);
    }
    for (let j = 0; j < n; j++) assert.ok(r.x[j] >= -1e-9 && r.x[j] <= 2 + 1e-9);
    // No feasible random point does better than the reported optimum.
    for (let k = 0; k < 200; k++) {
      const x = Float64Array.from({ length: n }, () => 2 * rng.uniform() * rng.uniform());
      let ok = true;
      for (let i = 0; i < m && ok; i++) { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * x[j]; ok = s <= b[i]; }
      if (!ok) continue;
      let v = 0;
      for (let j = 0; j < n; j++) v += c[j] * x[j];
      assert.ok(v <= r.objective + 1e-9, `random feasible point beats the optimum: ${v} > ${r.objective}`);
    }
  }
});

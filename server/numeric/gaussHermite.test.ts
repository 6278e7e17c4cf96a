import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussHermite } from './gaussHermite';
import { gaussianTrapezoid, hermiteCoefficients } from './hermite';

test('Gauss–Hermite integrates Gaussian moments exactly up to degree 2n − 1', () => {
  for (const n of [1, 2, 5, 20, 80]) {
    const { z, w } = gaussHermite(n);
    let dfact = 1; // (2m − 1)!!
    for (let m = 0; 2 * m <= 2 * n - 1; m++) {
      if (m > 0) dfact *= 2 * m - 1;
      let s = 0, odd = 0;
      for (let i = 0; i < n; i++) { s += w[i] * z[i] ** (2 * m); odd += w[i] * z[i] ** (2 * m + 1 > 2 * n - 1 ? 1 : 2 * m + 1); }
      assert.ok(Math.abs(s / dfact - 1) < 1e-9, `n = ${n}: E z^${2 * m} = ${s}, expected ${dfact}`);
      assert.ok(Math.abs(odd) < 1e-9 * dfact, `odd moment ${odd}`);
    }
  }
  const two = gaussHermite(2);
  assert.ok(Math.abs(two.z[0] + 1) < 1e-14 && Math.abs(two.z[1] - 1) < 1e-14 && Math.abs(two.w[0] - 0.5) < 1e-14);
});

test('400-node Gauss–Hermite and the trapezoid rule give the same Hermite coefficients of tanh(2x)', () => {
  const gh = gaussHermite(400);
  assert.ok(gh.z.every((x, i) => i === 0 || x > gh.z[i - 1]), 'nodes increase');
  const tr = gaussianTrapezoid();
  const f = (r: { z: Float64Array }) => Float64Array.from(r.z, (x) => Math.tanh(2 * x));
  const a = hermiteCoefficients(gh, f(gh), 60), b = hermiteCoefficients(tr, f(tr), 60);
  for (let l = 0; l <= 60; l++) assert.ok(Math.abs(a[l] - b[l]) < 1e-10, `c_${l}: ${a[l]} vs ${b[l]}`);
  assert.ok(Math.abs(a[3] - (-0.613980771 / Math.sqrt(6))) < 1e-7, `c_3 ${a[3]}`);
});

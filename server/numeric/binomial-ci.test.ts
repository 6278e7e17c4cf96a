import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialStdError, normalQuantileTwoSided, wilsonInterval } from './binomial-ci';

test('normal quantile matches the tabulated values', () => {
  assert.ok(Math.abs(normalQuantileTwoSided(0.95) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantileTwoSided(0.99) - 2.575829) < 1e-5);
});

test('Wilson interval: known values, bounds inside [0, 1], symmetric under success ↔ failure', () => {
  const [lo, hi] = wilsonInterval(45, 100);
  assert.ok(Math.abs(lo - 0.3561) < 1e-3 && Math.abs(hi - 0.5476) < 1e-3, `${lo} ${hi}`);
  const [l0, h0] = wilsonInterval(0, 10);
  assert.equal(l0, 0);
  assert.ok(Math.abs(h0 - 0.2775) < 1e-3);
  const [a, b] = wilsonInterval(7, 30), [c, d] = wilsonInterval(23, 30);
  assert.ok(Math.abs(a - (1 - d)) < 1e-12 && Math.abs(b - (1 - c)) < 1e-12);
  assert.throws(() => wilsonInterval(11, 10));
  assert.ok(Math.abs(binomialStdError(0.5, 100) - 0.05) < 1e-15);
});

// The `given` domains draw what they promise, reproducibly per seed and point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../numeric/rng';
import { sampleDomain, samplePoint } from './domains';
import { parseDerivations } from './testing';

test('unit vectors have norm 1, simplex vectors are non-negative and sum to 1, positive entries are > 0', () => {
  const rng = new Rng(5);
  for (let k = 0; k < 50; k++) {
    const u = sampleDomain('unit', [7], rng);
    assert.ok(Math.abs(Math.hypot(...u.data) - 1) < 1e-12);
    const s = sampleDomain('simplex', [4], rng);
    assert.ok(s.data.every((v) => v >= 0));
    assert.ok(Math.abs(s.data.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    const p = sampleDomain('positive', [3, 2], rng);
    assert.ok(p.data.every((v) => v > 0));
  }
});

test('spd draws are symmetric with every eigenvalue ≥ 1 (xᵀAx ≥ ‖x‖²)', () => {
  const rng = new Rng(6);
  for (let k = 0; k < 30; k++) {
    const n = 1 + (k % 6);
    const a = sampleDomain('spd', [n, n], rng);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(a.data[i * n + j], a.data[j * n + i]);
    const x = rng.normals(n);
    let q = 0, xx = 0;
    for (let i = 0; i < n; i++) { xx += x[i] * x[i]; for (let j = 0; j < n; j++) q += x[i] * a.data[i * n + j] * x[j]; }
    assert.ok(q >= xx * (1 - 1e-12), `${q} < ${xx}`);
  }
});

test('real draws have mean ≈ 0 and variance ≈ 1', () => {
  const t = sampleDomain('real', [20000], new Rng(7));
  const mean = t.data.reduce((a, b) => a + b, 0) / t.data.length;
  const varc = t.data.reduce((a, b) => a + (b - mean) ** 2, 0) / t.data.length;
  assert.ok(Math.abs(mean) < 0.03, String(mean));
  assert.ok(Math.abs(varc - 1) < 0.05, String(varc));
});

test('point k is the same for a seed, and differs across points and seeds', () => {
  const { derivations } = parseDerivations('derivation d {\n  given x: vector(3), A: matrix(2, 2) spd\n  check x == x\n}');
  const givens = derivations[0].body.flatMap((s) => (s.kind === 'given' ? s.vars : []));
  const a = samplePoint(givens, 1, 3), b = samplePoint(givens, 1, 3), c = samplePoint(givens, 1, 4), d = samplePoint(givens, 2, 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.get('x'), c.get('x'));
  assert.notDeepEqual(a.get('x'), d.get('x'));
});

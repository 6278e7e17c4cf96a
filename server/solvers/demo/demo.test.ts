import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';

test('demo.quadratic computes the closed-form minimum', async () => {
  const r = await new InProcessRunner().solve({ solver: 'demo.quadratic', params: { a: 2, b: 4, c: 1 } });
  assert.equal(r.outputs.x_min, -1);
  assert.equal(r.outputs.f_min, -1);
});

test('demo.quadratic rejects a non-positive curvature with the range in the message', async () => {
  await assert.rejects(new InProcessRunner().solve({ solver: 'demo.quadratic', params: { a: 0 } }), /out of its documented range/);
});

test('demo.noisy_mean is deterministic per seed and its spread matches sigma/sqrt(n)', async () => {
  const runner = new InProcessRunner();
  const a = await runner.solve({ solver: 'demo.noisy_mean', params: { mu: 3, sigma: 2, n: 400, seeds: 200 }, seed: 7 });
  const b = await runner.solve({ solver: 'demo.noisy_mean', params: { mu: 3, sigma: 2, n: 400, seeds: 200 }, seed: 7 });
  assert.deepEqual(a.outputs, b.outputs);
  const m = a.outputs.mean as { mean: number; std: number };
  assert.ok(Math.abs(m.mean - 3) < 0.03, `mean ${m.mean}`);
  assert.ok(Math.abs(m.std - 0.1) < 0.015, `std ${m.std}`);
});

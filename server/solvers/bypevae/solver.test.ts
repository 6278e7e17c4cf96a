import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';

test('bypevae.pseudocoreset drives the KL near 0 with M ≪ N pseudo-points, with exact and MC gradients', async () => {
  const runner = new InProcessRunner();
  for (const gradient of ['exact', 'mc']) {
    const r = await runner.solve({ solver: 'bypevae.pseudocoreset', params: { N: 300, D: 6, K: 2, M: 3, steps: 400, gradient, samples: 400 }, seed: 3 });
    const kl0 = r.outputs.kl_initial as number, kl1 = r.outputs.kl_final as number;
    assert.ok(kl0 > 1, `${gradient}: initial KL ${kl0}`);
    assert.ok(kl1 < 0.02 * kl0 && kl1 < 0.2, `${gradient}: final KL ${kl1} from ${kl0}`);
    assert.ok((r.outputs.w as number[]).every((w) => w >= 0));
  }
});

test('bypevae.pseudocoreset is deterministic per seed and validates M ≤ N', async () => {
  const runner = new InProcessRunner();
  const params = { N: 50, M: 4, steps: 20 };
  const a = await runner.solve({ solver: 'bypevae.pseudocoreset', params, seed: 1 });
  const b = await runner.solve({ solver: 'bypevae.pseudocoreset', params, seed: 1 });
  assert.deepEqual(a.outputs, b.outputs);
  await assert.rejects(runner.solve({ solver: 'bypevae.pseudocoreset', params: { N: 3, M: 5 } }), /exceed/);
});

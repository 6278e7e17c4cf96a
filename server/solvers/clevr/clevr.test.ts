// The registry entries clevr.execute and g2l2.parse through the engine runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';
import { SPEC_SOURCE } from '../../clevr/testkit';

const runner = new InProcessRunner();

test('clevr.execute: answers on inline scenes and symbolic/soft agreement on random scenes', async () => {
  const scenes = SPEC_SOURCE.slice(0, SPEC_SOURCE.indexOf('scenes val'));
  const r = await runner.solve({ solver: 'clevr.execute', params: { program: 'query(unique(filter(scene(), [large, cube])), color)', source: scenes } });
  assert.deepEqual(r.outputs.answers, ['red']);
  assert.equal(r.outputs.type, 'Concept[color]');
  const rnd = await runner.solve({ solver: 'clevr.execute', params: { program: 'count(relate(unique(filter(scene(), cube)), left))', n_scenes: 50 }, seed: 3 });
  assert.equal((rnd.outputs.answers as unknown[]).length, 50);
  assert.equal(rnd.outputs.agreement, 1);
  assert.ok((rnd.outputs.invalid as number) > 0);
  await assert.rejects(runner.solve({ solver: 'clevr.execute', params: { program: 'count(filter(scene(), redd))' } }), /did you mean 'red'/);
});

test('g2l2.parse: the spec sentence through the registry', async () => {
  const r = await runner.solve({ solver: 'g2l2.parse', params: { source: SPEC_SOURCE.replace(/scenes val.*\n|questions qs.*\n|eval qs.*\n/g, ''), sentence: 'how many spheres left of the large cube', lexicon: 'small', scene: 'tiny' } });
  assert.equal(r.outputs.best, '1');
  assert.equal((r.outputs.derivations as unknown[]).length, 2);
  assert.ok(Math.abs((r.outputs.expected as number) - 1.3) < 4e-3);
  assert.ok((r.outputs.nodes_with_merging as number) < (r.outputs.nodes_without_merging as number));
});

// Every built-in solver meets its own output declaration (the registry is the single source of truth:
// the checker, hovers, plots and the cache all read it), at its defaults under the test budget and at
// edge cases where outputs become "not applicable" (null): k_c = 0, no stored trial, no lambda. A
// result that missed its declaration would be refused by the cache and recomputed on every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InProcessRunner } from '../../server/engine/runner';
import { resultProblem } from '../../server/engine/resultShape';
import { allSolvers } from '../../server/solvers/index';
import type { Value } from '../../server/solvers/registry';

const spec = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'clevr', 'spec.clevr'), 'utf8');
/** Parameters a solver cannot go without (its declaration says "required"). */
const required: Record<string, Record<string, Value>> = {
  'scaling.bayes_optimal': { alpha: 2 },
  'scaling.adam_student': { alpha: 2 },
  'clevr.execute': { program: 'count(filter(scene(), red))' },
  'g2l2.parse': { source: spec, sentence: 'how many spheres left of the large cube' },
};
const edgeCases: Array<[string, Record<string, Value>]> = [
  ['clevr.execute', { program: 'query_color(unique(filter(scene(), sphere)))', n_scenes: 10 }], // INVALID scenes: null answers
  ['g2l2.parse', { source: spec, sentence: 'the cube', k: 0 }],                                 // no derivation kept
  ['scaling.bayes_optimal', { alpha: 0.001 }],           // below the first feature: k_c = 0
  ['scaling.bayes_optimal', { d: 2, k: 1, alpha: 1000 }], // no feature-learning range for the slope
  ['scaling.thresholds', {}],                             // no lambda: q*, m_e, Φ not applicable
  ['memory.capacity', { d: 3, p: 20, trials: 2 }],        // nothing stored: empty score pools
  ['memory.capacity', { d: 8, p: 30, rule: 'hebbian', model: 'decoupled', trials: 3 }],
];

test('every built-in solver meets its output declaration at its defaults and at edge cases', async () => {
  const runner = new InProcessRunner({ device: 'cpu' });
  const cases: Array<[string, Record<string, Value>]> = [...allSolvers.map((d) => [d.id, required[d.id] ?? {}] as [string, Record<string, Value>]), ...edgeCases];
  for (const [solver, params] of cases) {
    const def = allSolvers.find((d) => d.id === solver)!;
    const r = await runner.solve({ solver, params, budget: 'test' });
    assert.equal(resultProblem(r, def.outputs), undefined, `${solver} ${JSON.stringify(params)}`);
  }
});

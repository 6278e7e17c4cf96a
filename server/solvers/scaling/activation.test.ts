// Hostile activation texts reach the user as ordinary solver errors on `activation` (issue 17): a
// 4,000-term chain, deep nesting and a huge text give one short, clear message, never a crash or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRunner } from '../../engine/runner';
import { SolverInputError } from '../registry';
import { activationModel, quoteActivation } from './activation';

const runner = new InProcessRunner();
const solve = (solver: string, params: Record<string, any>) => runner.solve({ solver, params });

test('scaling.thresholds refuses a 4,000-term x^x^…^x activation with a short solver error', async () => {
  const activation = Array(4000).fill('x').join('^');
  await assert.rejects(solve('scaling.thresholds', { activation }), (e: any) => {
    assert.ok(e instanceof SolverInputError, String(e));
    assert.equal(e.param, 'activation');
    assert.match(e.message, /^activation `x\^x\^.*…` \(7999 characters\): expression too large: more than 2000 terms/);
    assert.ok(e.message.length < 200, `message is ${e.message.length} characters`);
    return true;
  });
});

test('deeply nested activations give the depth error, not a RangeError', () => {
  const src = '('.repeat(1000) + 'tanh(x)' + ')'.repeat(1000);
  assert.throws(() => activationModel(src), (e: any) => e instanceof SolverInputError && /nested deeper than \d+ levels \(at column \d+\)/.test(e.message));
});

test('a moderately deep but valid activation still builds its Hermite model', () => {
  // tanh applied 50 times to 3x is odd, so μ0 = μ2 = 0 and the model exists.
  const src = 'tanh('.repeat(50) + '3*x' + ')'.repeat(50);
  const m = activationModel(src);
  assert.ok(m.g1 > 0 && Number.isFinite(m.g1));
  assert.match(quoteActivation(src), /^`tanh\(tanh.*…` \(\d+ characters\)$/);
  assert.equal(quoteActivation('tanh(2*x)'), '`tanh(2*x)`');
});

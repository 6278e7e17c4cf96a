// What an expectation means, checked where a user written from the docs alone got it wrong: chained
// comparisons, tolerances written with %, lists compared entry by entry, string sweeps, recursion, the
// solver's own warnings in a run, and the run summary with inconclusive checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTlab } from './checker';
import { runTlab, BlockResult } from './blockRun';
import { InProcessRunner } from '../engine/runner';

function diags(text: string) {
  return checkTlab(text, { uri: 'file:///ws/main.tlab' }).diagnostics.map((d) => ({ at: text.slice(d.span.start, d.span.end), message: d.message, severity: d.severity }));
}

async function run(text: string): Promise<BlockResult[]> {
  const a = checkTlab(text, { uri: 'file:///ws/main.tlab' });
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], 'the test file must check cleanly');
  return (await runTlab(a, { runner: new InProcessRunner(), budget: 'test' })).blocks;
}

test('comparisons do not chain: one error on the chain, with the rewrite (before, `0 < x < 3` passed at x = 5)', () => {
  const d = diags('experiment e {\n  sweep x = [0.5, 5]\n  expect 0 < x < 3\n  let ok = 3 > 2 == 1\n  let both = (x < 1) == (x < 2)\n}');
  assert.deepEqual(d, [
    { at: '0 < x < 3', message: 'comparisons do not chain: `0 < x < 3` compares true/false with a number; write `0 < x and x < 3`', severity: 'error' },
    { at: '3 > 2 == 1', message: 'comparisons do not chain: `3 > 2 == 1` compares true/false with a number; write `3 > 2 and 2 == 1`', severity: 'error' },
  ]);
  // a true/false value compared by order, not in a chain
  assert.deepEqual(diags('let b = true\nexperiment e { expect b < 2 }').map((x) => [x.at, x.message]), [['b', '`<` compares numbers, got true/false']]);
});

test('a tolerance is relative when a % number is written in it; a name bound to a percentage warns', async () => {
  const [b] = await run('experiment e {\n  expect 1000 ≈ 1005 within (1%)\n  expect 1000 ≈ 1005 within 2 * 1%\n  expect 1000 ≈ 1005 within 0.5% + 0.5%\n  expect 1000 ≈ 1005 within 0.1%\n}');
  assert.deepEqual(b.expects.map((e) => e.passed), [true, true, true, false]);
  assert.match(b.expects[3].message, /relative difference 0\.4975\d*% > 0\.1%/);
  const d = diags('let tol = 1%\nexperiment e { expect 1000 ≈ 1005 within tol }');
  assert.deepEqual(d, [{ at: 'tol', severity: 'warning', message: 'this tolerance is absolute: `tol` is written with %, but `within` is relative only when the % is written in it (`within 1%`, `within 2 * 1%`)' }]);
});

test('lists compare entry by entry; a failure names the first entry that fails', async () => {
  const [b] = await run('experiment e {\n  expect [1, 2] == [1, 2]\n  expect linspace(0, 1, 3) ≈ [0, 0.5, 1]\n  expect [1, 2, 3] < 5\n  expect [1, 2, 4] ≈ [1, 3, 5] within 1%\n  expect [1, 2] == [1, 2, 3]\n  sweep k = [1, 2]\n  expect [k, 2 * k] == [k, 2 * k]\n}');
  assert.deepEqual(b.expects.map((e) => e.passed), [true, true, true, false, false, true]);
  assert.match(b.expects[3].message, /2 of 3 entries fail, the first at \[1\]: 2 ≈ 3, relative difference 33\.3333% > 1%/);
  assert.match(b.expects[4].message, /the sides have 2 and 3 entries/);
});

test('a sweep over strings is refused at the check, once, without follow-on errors', () => {
  const d = diags('experiment e {\n  sweep q = ["trapezoid", "gauss_hermite"]\n  solve t = scaling.thresholds(quadrature = q)\n}');
  assert.deepEqual(d.map((x) => [x.at, x.message]), [['["trapezoid", "gauss_hermite"]', 'a sweep runs over numbers, got "trapezoid": for a few string choices (activations, rules) write one `solve` per choice']]);
});

test('a function that calls itself is an error at the check (there is no conditional to end it)', () => {
  const d = diags('let rec(n) = 1 + rec(n - 1)\nlet ok(rec) = rec + 1\nexperiment e { let y = ok(2) }');
  assert.deepEqual(d.map((x) => [x.at, x.message]), [['rec', '`rec` calls itself: recursion is not available (there is no `if` to end it)']]);
});

test("a run shows the solver's warnings on the solver name, once however many grid points ran", async () => {
  const [b] = await run('experiment e {\n  sweep c = [0, 1]\n  solve t = scaling.thresholds(activation = "x + tanh(x)", n_mu = 8 + c)\n  expect t.lambda_e > 0\n}');
  const warnings = b.issues.filter((i) => i.severity === 'warning');
  assert.equal(warnings.length, 1, JSON.stringify(b.issues));
  assert.match(warnings[0].message, /^scaling\.thresholds: linear part removed: σ\(x\) = x \+ tanh\(x\) − \(1\.60\d+\)·x/);
});

test('a grid selection that misses by a little prints the digits that differ', () => {
  const d = diags('experiment e {\n  sweep a = [2, 3]\n  let y = a * 2\n  let z = y[a = 2 + 1e-8]\n}');
  assert.deepEqual(d.map((x) => x.message), ['no grid point has a = 2.00000001; nearest: 2, 3']);
});

test('one mistake, one diagnostic: len of a string, a name swept twice', () => {
  assert.deepEqual(diags('experiment e {\n  let a = len("abc")\n  sweep x = [1]\n  sweep x = [2]\n}').map((x) => [x.at, x.message]), [
    ['"abc"', 'len needs a list or a series over the sweep, got a string'],
    ['x', '`x` is swept twice (line 3)'],
  ]);
});

// Wording of results for the editor and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDerivation, hoverText, outcomeDiagnostic, reportLines, runDerivation, runFailed } from './index';
import { parseDerivations } from './testing';

const text = `derivation mixed "one right, one wrong" {
  given A: matrix(3, 3), x: vector(3)
  check (A @ x) @ x == x @ A.T @ x
  check A @ x == A.T @ x
}`;

test('a passing check is an info, a failing one an error; the CLI report counts them and fails the run', () => {
  const { derivations, fileLets } = parseDerivations(text);
  const run = runDerivation(derivations[0], fileLets);
  assert.deepEqual(run.checks.map((c) => outcomeDiagnostic(c).severity), ['info', 'error']);
  const lineOf = (o: number) => text.slice(0, o).split('\n').length;
  const lines = reportLines(derivations[0], run, lineOf);
  assert.equal(lines[0], 'derivation mixed "one right, one wrong"');
  assert.match(lines[1], /^  line 3: PASS ✓ 10 points/);
  assert.match(lines[2], /^  line 4: FAIL ✗ 10 of 10 draws fail: relative error/);
  assert.match(lines[3], /^  1 of 2 checks passed in \d+\.\d\d s$/);
  assert.equal(runFailed(run), true);
});

test('an all-passing run does not fail; a hover names shape and point', () => {
  const { derivations, fileLets } = parseDerivations(text.replace('A @ x == A.T @ x', 'A.T.T @ x == A @ x'));
  const run = runDerivation(derivations[0], fileLets);
  assert.equal(runFailed(run), false);
  assert.match(hoverText({ shape: [3], text: '[1, 2, 3]' }), /^\(3\) at the first point: \[1, 2, 3\]$/);
  assert.equal(hoverText({ shape: [], text: '2' }, 'at draw 7, where this check fails'), 'scalar at draw 7, where this check fails: 2');
});

test('unknown names in a function that is never called are still reported', () => {
  const { derivations, fileLets } = parseDerivations(`derivation t {
  given x: vector(2)
  let f(u) = u * k
  check x == x
}`);
  assert.deepEqual(analyzeDerivation(derivations[0], fileLets).map((d) => d.message), ['unknown name `k`']);
});

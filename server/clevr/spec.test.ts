// Every example of shared/spec/clevr-language.md parses, checks and runs as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseText, lineOf, SPEC_SOURCE } from './testkit';

const a = analyseText(SPEC_SOURCE);

test('the spec examples parse and type-check without errors', () => {
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  assert.equal(a.file.errors.length, 0);
  assert.deepEqual([...a.programs.keys()], ['color_of_cube', 'n_large', 'red_right', 'compact', 'two_spheres']);
});

test('evals give the spec answers on the inline scene', () => {
  const byName = Object.fromEntries(a.evals.filter((e) => e.runs.length).map((e) => [e.stmt.target.name, e.runs[0].answer]));
  assert.deepEqual(byName, { color_of_cube: 'red', red_right: 'yes', n_large: '2', compact: 'blue' });
  assert.ok(a.evals.filter((e) => e.runs.length).every((e) => e.passed));
});

test('two_spheres reports "unique: 2 objects match: b, d" on its own line', () => {
  const d = a.diagnostics.find((x) => x.message.includes('unique: 2 objects match: b, d'));
  assert.ok(d, JSON.stringify(a.diagnostics));
  assert.equal(SPEC_SOURCE.split('\n')[lineOf(SPEC_SOURCE, d!.span.start) - 1].includes('two_spheres'), true);
});

test('questions from the CLEVR file are all answered correctly on val', () => {
  const q = a.evals.find((e) => e.questions)!.questions!;
  assert.ok(q.total >= 20);
  assert.equal(q.accuracy, 1);
});

test('the three spec sentences: answers, derivations and the CKY-E2 expected count 1.3', () => {
  const [s1, s2, s3] = a.sentences;
  assert.equal(s1.result.best, '1');
  assert.equal(s1.passed, true);
  assert.equal(s2.result.best, 'red');
  assert.equal(s2.passed, true);
  assert.equal(s3.result.derivations.length, 2);
  assert.equal(s3.result.best, '1');
  assert.equal(s3.result.derivations[1].answer, '2');
  assert.ok(Math.abs(s3.result.derivations[0].logWeight - Math.log(0.7)) < 1e-12);
  assert.ok(Math.abs(s3.result.derivations[1].logWeight - Math.log(0.3)) < 1e-12);
  const ex = s3.result.expected.value as number;
  assert.ok(Math.abs(ex - 1.3) < 1e-3 * 4, `expected ${ex}`);
  // The ambiguity warning lists both answers.
  assert.ok(a.diagnostics.some((d) => d.severity === 'warning' && d.message.startsWith('ambiguous') && d.message.includes('1:') && d.message.includes('2:')));
});

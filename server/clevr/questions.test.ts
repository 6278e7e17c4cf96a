// CLEVR question files: programs whose nodes share earlier nodes (a DAG) and very long chains run in
// linear time without recursion; value_inputs are type-checked with their JSON path; questions run
// on the scene of their own image_index only (and say so when there is none); `expect 90%` parses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureMain as capture } from '../cli/captureMain';
import { analyse } from './analysis';
import { parseQuestionsFile } from './questions';
import { evaluateQuestions } from './questionEval';
import { parseScenesFile } from './scene';
import { Obj, scenesJson } from './testkit';

const FOUR: Obj[] = [['large', 'red', 'metal', 'cube', 0, 0], ['small', 'red', 'rubber', 'sphere', 1, 1], ['small', 'blue', 'rubber', 'cube', 2, 2], ['large', 'green', 'metal', 'cylinder', 3, 3]];
const FIVE: Obj[] = [...FOUR, ['small', 'gray', 'metal', 'sphere', -1, 2]];
const SCENES = scenesJson([[0, FOUR], [3, FIVE]]);

const node = (fn: string, inputs: number[] = [], value_inputs: string[] = []) => ({ function: fn, inputs, value_inputs });
const count = (image: number, answer?: string) => ({ image_index: image, program: [node('scene'), node('count', [0])], ...(answer ? { answer } : {}) });
const qfile = (qs: unknown[]) => JSON.stringify({ questions: qs });

function check(text: string, files: Record<string, string>) {
  return analyse(text, (rel) => {
    if (!(rel in files)) throw new Error(`file not found: '${rel}'`);
    return { uri: `mem:${rel}`, text: files[rel] };
  });
}

test('nodes that reuse an earlier node (union of [i, i], n times) run in linear time, symbolic and soft', () => {
  const program = [node('scene'), ...Array.from({ length: 60 }, (_, i) => node('union', [i, i])), node('count', [60])];
  const qs = qfile([{ image_index: 3, program, answer: '5' }]);
  const t0 = Date.now();
  for (const mode of ['symbolic', 'soft'] as const) {
    const r = evaluateQuestions(parseQuestionsFile(qs).questions, parseScenesFile(SCENES, 'val').scenes, mode);
    assert.deepEqual(r.answers, ['5'], mode);
  }
  const a = check('scenes val from "s.json"\nquestions q from "q.json"\neval q on val expect 100%\neval q on val mode soft expect 100%\n', { 's.json': SCENES, 'q.json': qs });
  assert.deepEqual(a.evals.map((e) => e.questions!.accuracy), [1, 1]);
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms (2^60 tree walks before)`);
});

test('a 20,000-node chain of filter_color checks and runs (no call-stack overflow); the other questions still run', () => {
  const program = [node('scene'), ...Array.from({ length: 20000 }, (_, i) => node('filter_color', [i], ['red'])), node('count', [20000])];
  const qs = qfile([{ image_index: 0, program, answer: '2' }, count(3, '5')]);
  for (const mode of ['symbolic', 'soft'] as const) {
    const r = evaluateQuestions(parseQuestionsFile(qs).questions, parseScenesFile(SCENES, 'val').scenes, mode);
    assert.deepEqual(r.answers, ['2', '5'], mode);
  }
  const a = check('scenes val from "s.json"\nquestions q from "q.json"\neval q on val\nprogram n = count(scene())\neval n on val[3] expect 5\n', { 's.json': SCENES, 'q.json': qs });
  assert.ok(!a.diagnostics.some((d) => d.severity !== 'info'), JSON.stringify(a.diagnostics));
  assert.equal(a.evals[0].questions!.accuracy, 1);
  // What crosses to the editor's worker thread is flat: the structured clone of a question does not recurse.
  assert.doesNotThrow(() => structuredClone(a.questionSets.get('q')!.questions.map((q) => ({ ...q, compiled: undefined }))));
});

test('value_inputs are checked: a non-CLEVR value or one of another attribute is one diagnostic with its JSON path', async () => {
  const qs = qfile([
    { image_index: 0, program: [node('scene'), node('filter_shape', [0], ['cone']), node('count', [1])], answer: '0' },
    { image_index: 0, program: [node('scene'), node('filter_color', [0], ['cube']), node('count', [1])], answer: '0' },
    { image_index: 0, program: [node('scene'), node('count', [0]), node('count', [1])], answer: '0' },
    { image_index: 0, program: [node('scene'), { function: 'filter_color', inputs: [0], side_inputs: ['sphere'] }, node('count', [1])] },
    count(0, '4'),
  ]);
  const r = parseQuestionsFile(qs);
  assert.deepEqual(r.errors.map((e) => e.path), ['questions[0].program[1].value_inputs[0]', 'questions[1].program[1].value_inputs[0]',
    'questions[2].program[2].inputs[0]', 'questions[3].program[1].side_inputs[0]']);
  assert.match(r.errors[0].message, /unknown concept 'cone'/);
  assert.match(r.errors[1].message, /filter_color: argument 2 expects a color .*found Concept\[shape\] 'cube'/);
  assert.match(r.errors[2].message, /count: argument 1 expects ObjectSet, found Integer \(node 1\)/);
  assert.deepEqual(r.questions.map((q) => q.index), [4]);
  const a = check('scenes val from "s.json"\nquestions q from "q.json"\neval q on val\n', { 's.json': SCENES, 'q.json': qs });
  const errs = a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  assert.equal(errs.length, 4, errs.join('\n'));
  assert.ok(errs[0].includes('questions[0].program[1].value_inputs[0]') && errs[0].includes("'cone'"), errs[0]);
  // clevr eval: a warning per question on stderr, the question answers null.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-q-'));
  fs.writeFileSync(path.join(dir, 's.json'), SCENES);
  fs.writeFileSync(path.join(dir, 'q.json'), qs);
  const c = await capture(['clevr', 'eval', '--scenes', path.join(dir, 's.json'), '--questions', path.join(dir, 'q.json'), '--json']);
  assert.equal(c.code, 0, c.err);
  assert.deepEqual(JSON.parse(c.out).answers, [null, null, null, null, '4']);
  assert.equal(c.err.split('\n').filter((l) => l.startsWith('warning: questions[')).length, 4, c.err);
  assert.match(c.err, /warning: questions\[1\]\.program\[1\]\.value_inputs\[0\]: filter_color/);
});

test('a question runs on the scene of its image_index only, even when there is one scene; the others are warnings', async () => {
  const one = scenesJson([[3, FIVE]]);
  const qs = qfile([count(0, '4'), count(3, '5'), { program: count(3).program, answer: '5' }, { image_index: '3', program: count(3).program }]);
  const r = evaluateQuestions(parseQuestionsFile(qs).questions, parseScenesFile(one, 'v').scenes, 'symbolic');
  assert.deepEqual(r.answers, [null, '5', null, null]);
  assert.equal(r.invalid, 0, 'not silently INVALID');
  assert.deepEqual(r.noScene.map((m) => m.k), [0, 2, 3]);
  assert.match(r.noScene[0].why, /no scene has image_index 0 \(scenes: 3\)/);
  assert.match(r.noScene[1].why, /no image_index/);
  assert.match(r.noScene[2].why, /"3" is not a non-negative integer/);
  assert.equal(r.accuracy, 1);
  const a = check('scenes val from "s.json"\nquestions q from "q.json"\neval q on val\n', { 's.json': one, 'q.json': qs });
  const warns = a.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
  assert.deepEqual(warns.map((w) => /^question (\d+) \(questions\[\d+\]\) not answered/.exec(w)?.[1]), ['0', '2', '3'], warns.join('\n'));
  assert.ok(a.diagnostics.some((d) => d.severity === 'info' && /4 questions, accuracy 100\.0% \(1\/1\), 3 not answered \(no scene\)/.test(d.message)), JSON.stringify(a.diagnostics));
  // clevr eval: NO SCENE in the listing, a warning per question.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-idx-'));
  fs.writeFileSync(path.join(dir, 's.json'), one);
  fs.writeFileSync(path.join(dir, 'q.json'), qs);
  const c = await capture(['clevr', 'eval', '--scenes', path.join(dir, 's.json'), '--questions', path.join(dir, 'q.json')]);
  assert.equal(c.code, 0, c.err);
  assert.deepEqual(c.out.split('\n').slice(0, 4), ['0\tNO SCENE', '1\t5', '2\tNO SCENE', '3\tNO SCENE']);
  assert.match(c.err, /warning: question 0 \(questions\[0\]\) not answered: no scene has image_index 0/);
});

test('`eval QS on val[3]` runs the questions of image 3 only and says so; an inline scene runs them all; no scenes is said', async () => {
  const qs = qfile([count(0, '4'), count(3, '5'), count(3, '5'), count(7, '1')]);
  const a = check('scenes val from "s.json"\nquestions q from "q.json"\neval q on val[3] expect 100%\nscene tiny {\n  object a: large red metal cube at (0, 0)\n}\neval q on tiny\n',
    { 's.json': SCENES, 'q.json': qs });
  const picked = a.evals[0].questions!;
  assert.deepEqual(picked.answers, [null, '5', '5', null]);
  assert.equal(picked.otherImages, 2);
  assert.deepEqual(picked.noScene, [], 'questions of other images are not warnings when one scene is picked');
  assert.ok(a.diagnostics.some((d) => d.message === 'q on val[3]: 2 questions of image 3 (2 of other images not run), accuracy 100.0% (2/2)'), JSON.stringify(a.diagnostics.map((d) => d.message)));
  assert.equal(a.evals[0].passed, true);
  assert.deepEqual(a.evals[1].questions!.answers, ['1', '1', '1', '1'], 'an inline scene has no image index: every question runs on it');
  const none = check('scenes val from "s.json"\nquestions q from "q.json"\neval q on val\n', { 's.json': '{"scenes": []}', 'q.json': qs });
  assert.ok(none.diagnostics.some((d) => d.severity === 'warning' && /'val' holds no scenes/.test(d.message)), JSON.stringify(none.diagnostics));
  assert.ok(none.diagnostics.some((d) => /none answered: there are no scenes/.test(d.message)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-none-'));
  fs.writeFileSync(path.join(dir, 's.json'), '{"scenes": []}');
  fs.writeFileSync(path.join(dir, 'q.json'), qs);
  const c = await capture(['clevr', 'eval', '--scenes', path.join(dir, 's.json'), '--questions', path.join(dir, 'q.json')]);
  assert.match(c.out, /none answered: there are no scenes/);
  assert.ok(!/no stored answers/.test(c.out), c.out);
  assert.match(c.err, /holds no scenes/);
});

test('`expect 90%` (unquoted) is a minimum accuracy of 0.9, like `expect 0.9`', () => {
  const qs = qfile([...Array.from({ length: 9 }, () => count(0, '4')), count(0, '3')]); // 90% correct
  const text = 'scenes val from "s.json"\nquestions q from "q.json"\neval q on val expect 90%\neval q on val expect 0.9\neval q on val expect 91%\n';
  const a = check(text, { 's.json': SCENES, 'q.json': qs });
  assert.deepEqual(a.file.errors, []);
  assert.deepEqual(a.evals.map((e) => e.passed), [true, true, false]);
  const fail = a.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(fail.length, 1, JSON.stringify(fail));
  assert.match(fail[0].message, /expected accuracy ≥ 0\.91, got 0\.9/);
  assert.equal(text.slice(fail[0].span.start, fail[0].span.end), '91%');
});

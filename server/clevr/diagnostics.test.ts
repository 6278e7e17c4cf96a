// Diagnostics of .clevr files: syntax errors with recovery, type errors with expected and found types,
// unknown names with suggestions, runtime errors of evals, expect mismatches, file and JSON problems
// with the JSON path, and the workspace sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyseText, FIXTURES } from './testkit';
import { readWorkspaceFile, pathToUri } from '../workspaceFiles';
import { analyse } from './analysis';
import * as fs from 'node:fs';

const SCENE = `scene s {
  object a: large red metal cube at (1.0, 2.0)
  object b: small blue rubber ball at (-1.5, 0.5)
  object c: big gray matte cylinder at (0.0, -2.0)
}
`;
const msgs = (text: string, files?: Record<string, string>) => analyseText(text, files, FIXTURES).diagnostics;
const at = (text: string, d: { span: { start: number; end: number } }) => text.slice(d.span.start, d.span.end);

test('a syntax error does not hide the statements after it', () => {
  const text = `${SCENE}program p = count(filter(scene(), red)\nprogram q = exist(filter(scene(), bleu))\neval q on s expect yes\n`;
  const d = msgs(text);
  assert.ok(d.some((x) => x.severity === 'error' && /expected '\)'/.test(x.message)), JSON.stringify(d));
  const unknown = d.find((x) => x.message.includes("unknown concept 'bleu'"));
  assert.ok(unknown && unknown.message.includes("did you mean 'blue'"));
  assert.equal(at(text, unknown!), 'bleu');
});

test('type errors name the expected and the found type at the argument', () => {
  const text = `${SCENE}program p = filter_color(scene(), cube)\nprogram q = count(unique(scene()))\nprogram r = exist(filter(scene(), color))\nprogram t = relaet(scene(), left)\n`;
  const d = msgs(text);
  const p = d.find((x) => x.message.startsWith('filter_color'));
  assert.ok(p && p.message.includes('color') && p.message.includes('Concept[shape]'), JSON.stringify(d));
  assert.equal(at(text, p!), 'cube');
  const q = d.find((x) => x.message.startsWith('count'));
  assert.ok(q && q.message.includes('ObjectSet') && q.message.includes('found Object'));
  assert.ok(d.some((x) => x.message.includes('Attribute')));
  assert.ok(d.some((x) => x.message.includes("unknown function 'relaet'") && x.message.includes("'relate'")));
});

test('synonyms in scenes; eval runtime errors and expect mismatches are diagnostics', () => {
  const text = `${SCENE}program p = query_color(unique(filter(scene(), large)))\nprogram n = count(filter(scene(), sphere))\neval p on s\neval n on s expect 2\neval n on s expect 1\neval n on nowhere\n`;
  const a = analyseText(text, {}, FIXTURES);
  const d = a.diagnostics;
  assert.ok(d.some((x) => x.severity === 'error' && x.message.includes('unique: 2 objects match: a, c')), JSON.stringify(d));
  const mismatch = d.find((x) => x.message === 'expected 2, got 1');
  assert.ok(mismatch);
  assert.equal(at(text, mismatch!), '2');
  assert.ok(d.some((x) => x.message.startsWith("unknown scene 'nowhere'")));
  assert.equal(a.evals[2].passed, true);
  const typed = msgs(`${SCENE}program n = count(scene())\neval n on s expect red\nprogram c = query_color(unique(filter(scene(), cube)))\neval c on s expect sphere\n`);
  assert.ok(typed.some((x) => x.severity === 'warning' && x.message.includes("'n' returns Integer")), JSON.stringify(typed));
  assert.ok(typed.some((x) => x.severity === 'warning' && x.message.includes("'c' returns a color")));
});

test('missing files and malformed JSON are reported with the JSON path', () => {
  const d1 = msgs(`scenes v from "missing.json"\n`);
  assert.ok(d1.some((x) => x.message.includes('file not found')));
  const d2 = msgs(`scenes v from "bad_scenes.json"\n`);
  assert.ok(d2.some((x) => x.message.includes('scenes[1].objects[0].shape') && x.message.includes("unknown shape 'cone'")), JSON.stringify(d2));
  const d3 = msgs(`scenes v from "syntax_error.json"\n`);
  assert.ok(d3.some((x) => x.message.includes('scenes[0].objects[0]:') && /line 1, column \d+/.test(x.message)), JSON.stringify(d3));
  const d4 = msgs(`scenes v from "bad_scenes.json"\nquestions q from "bad_questions.json"\neval q on v\n`);
  assert.ok(d4.some((x) => x.message.includes('questions[1].program[1].function') && x.message.includes('template-only')), JSON.stringify(d4));
  assert.ok(d4.some((x) => x.message.includes('questions[2].program[0].inputs') && x.message.includes('earlier nodes')));
});

test('question programs keyed `type` or `function`, side_inputs and JSON booleans/integers as answers', () => {
  const a = analyseText(`scenes v from "bad_scenes.json"\nquestions q from "bad_questions.json"\neval q on v\n`, {}, FIXTURES);
  const q = a.evals[0].questions!;
  assert.deepEqual(q.answers, ['1', 'yes']);
  assert.equal(q.accuracy, 1);
});

test('a .clevr file cannot read outside the workspace', () => {
  const root = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'clevr-sandbox-'));
  const file = path.join(root, 'a.clevr');
  const text = 'scenes v from "../../etc/passwd"\n';
  const a = analyse(text, (rel) => readWorkspaceFile(pathToUri(file), rel, [root]));
  assert.ok(a.diagnostics.some((d) => d.message.includes('outside the workspace')));
});

test('absurdly deep programs and JSON give a diagnostic, not a crash', () => {
  const deep = `${SCENE}program p = ${'union('.repeat(5000)}scene()${', scene())'.repeat(5000)}\nprogram q = count(scene())\neval q on s expect 3\n`;
  const a = analyseText(deep, {}, FIXTURES);
  assert.ok(a.diagnostics.some((d) => d.message.includes('nested deeper than')));
  assert.equal(a.evals.find((e) => e.stmt.target.name === 'q')?.passed, true);
  const json = `${'['.repeat(100000)}${']'.repeat(100000)}`;
  const d = msgs(`scenes v from "deep.json"\n`, { 'deep.json': json });
  assert.ok(d.some((x) => x.severity === 'error' && x.message.includes('deep.json')), JSON.stringify(d));
});

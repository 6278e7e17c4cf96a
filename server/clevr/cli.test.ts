// CLI contracts: `clevr eval` and `g2l2 parse` JSON shapes (product spec §3), and the
// checkClevrFile / runClevrFile entry points used by `theorylab check` / `run`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { captureMain as capture } from '../cli/captureMain';
import { checkClevrFile, runClevrFile } from './cli';
import { EXAMPLES, FIXTURES } from './testkit';

const scenes = path.join(EXAMPLES, 'data', 'scenes.json');
const questions = path.join(EXAMPLES, 'data', 'questions.json');
const spec = path.join(EXAMPLES, 'spec.clevr');

test('clevr eval --json: one answer per question in file order and the accuracy', async () => {
  for (const mode of ['symbolic', 'soft']) {
    const r = await capture(['clevr', 'eval', '--scenes', scenes, '--questions', questions, '--mode', mode, '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j).sort(), ['accuracy', 'answers']);
    const stored = JSON.parse(fs.readFileSync(questions, 'utf8')).questions.map((q: { answer: string }) => q.answer);
    assert.deepEqual(j.answers, stored);
    assert.equal(j.accuracy, 1);
  }
});

test('clevr eval: malformed JSON is an error with the JSON path, exit 2', async () => {
  const r = await capture(['clevr', 'eval', '--scenes', path.join(FIXTURES, 'syntax_error.json'), '--questions', questions, '--json']);
  assert.equal(r.code, 2);
  assert.match(r.err, /scenes\[0\]\.objects\[0\]/);
  const bad = await capture(['clevr', 'eval', '--scenes', scenes, '--questions', questions, '--mode', 'fuzzy']);
  assert.equal(bad.code, 2);
});

test('g2l2 parse --json: the exact shape, best first', async () => {
  const r = await capture(['g2l2', 'parse', '--file', spec, '--lexicon', 'small', '--sentence', 'how many spheres left of the large cube', '--scene', 'tiny', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j), ['tokens', 'derivations', 'best', 'expected', 'chart']);
  assert.deepEqual(j.tokens, ['how many', 'spheres', 'left of', 'the', 'large', 'cube']);
  assert.equal(j.derivations.length, 2);
  for (const d of j.derivations) assert.deepEqual(Object.keys(d), ['category', 'program', 'logWeight', 'answer']);
  assert.ok(j.derivations[0].logWeight >= j.derivations[1].logWeight);
  assert.equal(j.best, '1');
  assert.ok(Math.abs(j.expected - 1.3) < 4e-3);
  assert.deepEqual(Object.keys(j.chart), ['cells', 'nodesWithoutMerging', 'nodesWithMerging']);
  assert.equal(j.chart.cells, 21);
  const k1 = JSON.parse((await capture(['g2l2', 'parse', '--file', spec, '--lexicon', 'small', '--sentence', 'how many spheres left of the large cube', '--scene', 'tiny', '--k', '1', '--json'])).out);
  assert.equal(k1.derivations.length, 1);
  const color = JSON.parse((await capture(['g2l2', 'parse', '--file', spec, '--lexicon', 'small', '--sentence', 'what color is the large cube', '--scene', 'tiny', '--json'])).out);
  assert.equal(color.best, 'red');
  assert.ok(color.expected.red > 0.999);
});

test('g2l2 parse: no full parse gives empty derivations, diagnostics and exit 1', async () => {
  const r = await capture(['g2l2', 'parse', '--file', spec, '--lexicon', 'small', '--sentence', 'how many purple spheres', '--scene', 'tiny', '--json']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.derivations, []);
  assert.ok(j.diagnostics.some((d: string) => d.includes("'purple'")));
  const unknownLex = await capture(['g2l2', 'parse', '--file', spec, '--lexicon', 'smal', '--sentence', 'x', '--scene', 'tiny']);
  assert.equal(unknownLex.code, 2);
  assert.match(unknownLex.err, /did you mean 'small'/);
});

test('checkClevrFile / runClevrFile: 1-based diagnostics and exit codes 0 / 1 / 2', async () => {
  const c = checkClevrFile(spec);
  assert.equal(c.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const w = c.diagnostics.find((d) => d.message.includes('unique: 2 objects'))!;
  assert.equal(fs.readFileSync(spec, 'utf8').split('\n')[w.line - 1].includes('two_spheres'), true);
  assert.ok(w.column >= 1 && w.endLine >= w.line);
  const ok = await runClevrFile(spec, { json: true });
  assert.equal(ok.exitCode, 0, ok.text);
  const tour = await runClevrFile(path.join(EXAMPLES, 'tour.clevr'), { json: true });
  assert.equal(tour.exitCode, 0, tour.text);
  assert.equal(checkClevrFile(path.join(EXAMPLES, 'tour.clevr')).diagnostics.filter((d) => d.severity !== 'info').length, 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-cli-'));
  const failing = path.join(dir, 'f.clevr');
  fs.writeFileSync(failing, 'scene s {\n  object a: large red metal cube at (0, 0)\n}\nprogram p = count(scene())\neval p on s expect 2\n');
  const f = await runClevrFile(failing, { json: false });
  assert.equal(f.exitCode, 1);
  assert.match(f.text, /expected 2/);
  const broken = path.join(dir, 'b.clevr');
  fs.writeFileSync(broken, 'program p = count(\n');
  assert.equal((await runClevrFile(broken, { json: true })).exitCode, 2);
  assert.equal(checkClevrFile(path.join(dir, 'missing.clevr')).diagnostics[0].severity, 'error');
});

test('scene and question files resolve relative to the .clevr file and stay inside its project, whatever the working directory', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-confine-'));
  const proj = path.join(root, 'proj');
  fs.mkdirSync(path.join(proj, 'sub', 'data'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'package.json'), '{}');
  fs.copyFileSync(path.join(EXAMPLES, 'data', 'scenes.json'), path.join(proj, 'sub', 'data', 'scenes.json'));
  fs.writeFileSync(path.join(root, 'secret.json'), '{"scenes": []}');
  const file = path.join(proj, 'sub', 'q.clevr');
  fs.writeFileSync(file, 'scenes v from "data/scenes.json"\nscenes w from "../../secret.json"\n');
  const cwd = process.cwd();
  try {
    process.chdir(root); // a working directory that holds `data/` would otherwise be tried too
    const d = checkClevrFile(file).diagnostics;
    assert.ok(!d.some((x) => x.line === 1), JSON.stringify(d));
    const refused = d.find((x) => x.line === 2);
    assert.ok(refused && /outside the workspace/.test(refused.message), JSON.stringify(d));
    assert.equal(refused!.column, 15);
  } finally { process.chdir(cwd); }
});

// docs/clevr-language.md is generated from the checker's own tables (functions, concepts, synonyms,
// category atoms, budgets): it must be up to date, name every function with its type, and its
// example must check cleanly and give the answers it states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyse } from './analysis';
import { FUNCTIONS, signatureText } from './functions';
import { clevrGuide, GUIDE_EXAMPLE } from './gendocs';
import { synonymTable } from './vocab';

const file = path.join(__dirname, '..', '..', 'docs', 'clevr-language.md');

test('docs/clevr-language.md is up to date (regenerate: node --import tsx server/clevr/gendocs.ts)', () => {
  assert.ok(fs.existsSync(file), 'docs/clevr-language.md is missing');
  assert.ok(fs.readFileSync(file, 'utf8') === clevrGuide(), 'docs/clevr-language.md is out of date: node --import tsx server/clevr/gendocs.ts');
});

test('the guide lists every function with its type and every synonym', () => {
  const g = clevrGuide();
  for (const f of FUNCTIONS.values()) assert.ok(g.includes(`| \`${f.name}\` | \`${signatureText(f)}\` |`), f.name);
  for (const [w, c] of synonymTable()) assert.ok(g.includes(`| \`${w}\` | \`${c}\` |`), w);
  for (const topic of ['mode soft', 'weight', 'CONJ', 'sentence too ambiguous', 'scenes NAME from']) assert.ok(g.includes(topic), topic);
});

test("the guide's example checks without a diagnostic and gives the answers it expects", () => {
  const a = analyse(GUIDE_EXAMPLE, () => { throw new Error('the example reads no file'); });
  assert.deepEqual(a.diagnostics.map((d) => d.message), []);
  assert.deepEqual(a.evals.map((e) => e.runs.map((r) => r.answer)), [['2'], ['yellow'], ['2'], ['1']]);
  assert.deepEqual(a.sentences.map((s) => s.result.best), ['2', 'cyan', '3']);
  assert.ok(a.evals.every((e) => e.passed) && a.sentences.every((s) => s.passed));
});

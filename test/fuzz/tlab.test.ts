// Fuzz tier for .tlab (fast-check): documents made from the examples and the spec's code blocks,
// mutated (slices, insertions of hostile fragments: deep nesting, huge lines, BOM, lone CR, NUL) or
// generated from the vocabulary, must parse, check and format without throwing, within a time bound,
// with every diagnostic inside the document. `npm test` runs a small seeded corpus; `npm run fuzz`
// sets TLAB_FUZZ_RUNS for a long run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkTlab } from '../../server/tlab/checker';
import { formatTlab } from '../../server/tlab/format';

const root = path.join(__dirname, '..', '..');
const runs = Number(process.env.TLAB_FUZZ_RUNS ?? 60);
const seed = Number(process.env.TLAB_FUZZ_SEED ?? 20261202);
/** Generous for a loaded 2-core machine: a check of these small documents takes milliseconds. */
const MAX_MS = 2000;

function corpus(): string[] {
  const out: string[] = [];
  const ex = path.join(root, 'examples');
  for (const f of fs.readdirSync(ex)) if (f.endsWith('.tlab')) out.push(fs.readFileSync(path.join(ex, f), 'utf8'));
  const spec = path.join(root, '..', '..', 'shared', 'spec', 'tlab-language.md');
  const specFile = fs.existsSync(spec) ? spec : '/work/shared/spec/tlab-language.md';
  if (fs.existsSync(specFile)) {
    for (const m of fs.readFileSync(specFile, 'utf8').matchAll(/```tlab\n([\s\S]*?)```/g)) out.push(m[1]);
  }
  return out.length ? out : ['let a = 1\nexperiment e { sweep x = [1, 2]\n expect x > 0 }\n'];
}
const docs = corpus();

const hostile = fc.oneof(
  fc.constantFrom('\ufeff', '\r', '\u0000', '\r\n', '//', '/*', '"', '{', '}', '(', ')', '[', ']', '^', '-', '≈', '@', "'", '.T', 'within', 'where'),
  fc.integer({ min: 1, max: 3000 }).map((n) => '('.repeat(n)),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'('.repeat(n)}1${')'.repeat(n)}`),
  fc.integer({ min: 1, max: 3000 }).map((n) => '-'.repeat(n) + '1'),
  fc.integer({ min: 2, max: 3000 }).map((n) => Array(n).fill('x').join('+')),
  fc.integer({ min: 2, max: 3000 }).map((n) => Array(n).fill('2').join('^')),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'a'.repeat(n)),
  fc.string({ maxLength: 40 }),
);

/** A corpus document with fragments inserted at random places and a random slice cut out. */
const mutated = fc.tuple(fc.integer({ min: 0, max: docs.length - 1 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), hostile), { maxLength: 4 }),
  fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.3, noNaN: true }))
  .map(([i, inserts, cutAt, cutLen]) => {
    let s = docs[i];
    for (const [at, frag] of inserts) { const k = Math.floor(at * s.length); s = s.slice(0, k) + frag + s.slice(k); }
    const c = Math.floor(cutAt * s.length);
    return s.slice(0, c) + s.slice(c + Math.floor(cutLen * s.length));
  });

const words = ['let', 'x', 'y', '=', '1', '2.5', '(', ')', '[', ']', ',', '+', '-', '*', '/', '^', '==', '≈', 'within', 'where', '{', '}',
  'experiment', 'derivation', 'e', 'sweep', 'solve', 'scaling.bayes_optimal', 'expect', 'given', ':', 'vector(3)', 'check', 'plot', '"t"', '\n', '.', 'mean', 'sum', 'import', '"other.tlab"'];
const generated = fc.array(fc.constantFrom(...words), { maxLength: 200 }).map((ws) => ws.join(' '));

function assertSurvives(text: string): void {
  const t0 = performance.now();
  const a = checkTlab(text, { uri: 'file:///fuzz/x.tlab' });
  formatTlab(text);
  const ms = performance.now() - t0;
  assert.ok(ms < MAX_MS, `check + format took ${ms.toFixed(0)} ms`);
  for (const d of a.diagnostics) {
    assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length, `diagnostic outside the document: ${JSON.stringify(d.span)} (length ${text.length}): ${d.message}`);
    assert.ok(d.message.length <= 1001, 'message is clipped');
    assert.ok(!/internal parser error/.test(d.message), d.message);
  }
}

test('fuzz: mutated examples and spec blocks never crash, stay in bounds and in time', () => {
  fc.assert(fc.property(mutated, (text) => { assertSurvives(text); }), { numRuns: runs, seed });
});

test('fuzz: documents generated from the vocabulary never crash', () => {
  fc.assert(fc.property(generated, (text) => { assertSurvives(text); }), { numRuns: runs, seed: seed + 1 });
});

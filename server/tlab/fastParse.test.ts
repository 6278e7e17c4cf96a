// Differential test of the parser's fast path (fastParse.ts) against the chevrotain grammar: on the
// fixtures, the examples, the spec's code blocks, the benchmark's generated file and thousands of
// mutated variants, the AST and the errors must be the same with and without the fast path (key
// order and `undefined` keys included), and the fast path must actually take the clean chunks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../numeric/rng';
import { parseTlab, useFastPath } from './parser';
import { lexTlab } from './lexer';
import { fastParseChunk } from './fastParse';
import { generate } from '../../bench/tlab-parse.bench';

const root = path.join(__dirname, '..', '..');
function corpus(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, f.name);
      if (f.isDirectory()) walk(p);
      else if (f.name.endsWith('.tlab')) files.push(p);
    }
  };
  walk(path.join(root, 'examples'));
  walk(path.join(root, 'test', 'fixtures', 'tlab'));
  const out = files.map((f) => fs.readFileSync(f, 'utf8'));
  const spec = '/work/shared/spec/tlab-language.md';
  if (fs.existsSync(spec)) for (const m of fs.readFileSync(spec, 'utf8').matchAll(/```tlab\n([\s\S]*?)```/g)) out.push(m[1]);
  return out;
}

/** Both parses of one text: JSON (key order) and deepStrictEqual (`undefined` keys) must agree. */
function sameBothWays(text: string, what: string): void {
  useFastPath(false);
  const slow = parseTlab(text);
  useFastPath(true);
  const fast = parseTlab(text);
  assert.equal(JSON.stringify(fast.file), JSON.stringify(slow.file), `${what}: AST differs`);
  assert.deepStrictEqual(fast.file, slow.file, `${what}: AST differs (undefined keys)`);
  assert.deepStrictEqual(fast.errors, slow.errors, `${what}: errors differ`);
}

after(() => useFastPath(true));

test('fast path and grammar agree on every example, fixture and spec block', () => {
  const docs = corpus();
  assert.ok(docs.length >= 10, `corpus found (${docs.length})`);
  for (const [i, d] of docs.entries()) sameBothWays(d, `doc ${i}`);
});

test('the fast path takes clean chunks and gives up on broken ones', () => {
  const clean = lexTlab('experiment e { sweep a = [1, 2]\n solve q = demo.quadratic(a = a, b = -1, c = 0) on cpu\n expect q.x_min[a = 1] ≈ 0.5 within 1% }').tokens;
  const items = fastParseChunk(clean, 0, clean.length);
  assert.ok(items, 'clean chunk parsed');
  assert.equal(items[0].kind, 'experiment');
  for (const broken of ['experiment e { sweep a = }', 'let x = (1 +', 'experiment e { plot { z = 1 } }', 'experiment e { given x: real }',
    'derivation d { check a < b }', 'let a = f(1 = 2)', 'experiment e { solve q = demo.quadratic() on tpu }', 'sweep a = 1']) {
    const toks = lexTlab(broken).tokens;
    assert.equal(fastParseChunk(toks, 0, toks.length), undefined, broken);
  }
});

test('fast path and grammar agree on the benchmark file', () => {
  sameBothWays(generate(600, 3), 'generated');
});

test('fast path and grammar agree on 500 mutated documents', () => {
  const docs = corpus();
  const rng = new Rng(20261202);
  const vocabulary = ['let', 'sweep', 'solve', 'simulate', 'plot', 'expect', 'given', 'check', 'experiment', 'derivation', 'import',
    '(', ')', '[', ']', '{', '}', ',', '.', '=', '==', '≈', '~=', '@', '^', '*', '-', '+', 'not', 'and', 'within', 'where', 'at', 'points',
    '"s"', '1e-3', '2.5%', 'x', 'alpha', "f'", '.T', 'on', 'gpu', 'label', 'scale', 'log', 'unit', 'xlabel', 'vector(3)', 'matrix(2, 2)', 'spd', ':'];
  for (let round = 0; round < 500; round++) {
    const base = docs[round % docs.length];
    const pieces = lexTlab(base).tokens.map((t) => t.image);
    for (let k = 1 + rng.int(3); k > 0; k--) {
      const i = pieces.length ? rng.int(pieces.length) : 0;
      const kind = rng.int(4);
      if (kind === 0) pieces.splice(i, 1 + rng.int(2));
      else if (kind === 1) pieces.splice(i, 0, vocabulary[rng.int(vocabulary.length)]);
      else if (kind === 2 && i + 1 < pieces.length) [pieces[i], pieces[i + 1]] = [pieces[i + 1], pieces[i]];
      else pieces.splice(i, 1, vocabulary[rng.int(vocabulary.length)]);
    }
    const text = pieces.map((p) => (/^(let|sweep|solve|simulate|plot|expect|given|check|experiment|derivation|import)$/.test(p) ? `\n${p}` : p)).join(' ');
    sameBothWays(text, `mutant ${round}:\n${text}`);
  }
});

test('a bracketed operand keeps its brackets in the span (quoted in messages and plot labels), both ways', () => {
  const text = 'experiment e {\n  plot { x = (a + b) * c\n  y = -b / (2 * a) }\n  expect ((q)) == [(1), 2]\n}\n';
  for (const fastPath of [false, true]) {
    useFastPath(fastPath);
    const r = parseTlab(text);
    assert.deepEqual(r.errors, []);
    const body = (r.file.items[0] as any).body;
    const src = (e: { span: { start: number; end: number } }) => text.slice(e.span.start, e.span.end);
    assert.equal(src(body[0].series[0].value), '(a + b) * c');
    assert.equal(src(body[0].series[0].value.left), '(a + b)');
    assert.equal(src(body[0].series[1].value), '-b / (2 * a)');
    assert.equal(src(body[1].condition.left), '((q))');
    assert.equal(src(body[1].condition.right.items[0]), '(1)');
  }
  useFastPath(true);
});

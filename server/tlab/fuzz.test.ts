// Fuzz: thousands of mutated variants of the spec examples and the language tour (tokens deleted,
// inserted, swapped, duplicated; text truncated) must parse, check and format without throwing, and
// always return their results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../numeric/rng';
import { parseTlab } from './parser';
import { checkTlab } from './checker';
import { formatTlab } from './format';
import { lexTlab } from './lexer';

const root = path.join(__dirname, '..', '..');
const seeds = [
  ...fs.readdirSync(path.join(root, 'test', 'fixtures', 'tlab')).filter((f) => f.endsWith('.tlab')).map((f) => path.join(root, 'test', 'fixtures', 'tlab', f)),
  path.join(root, 'examples', 'language-tour.tlab'),
].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8'));

const vocabulary = ['let', 'sweep', 'solve', 'simulate', 'plot', 'expect', 'given', 'check', 'experiment', 'derivation', 'import',
  '(', ')', '[', ']', '{', '}', ',', '.', '=', '==', '≈', '@', '^', '*', '-', 'within', 'where', 'at', 'points', '"s"', '1e-3', '2.5%',
  'x', 'alpha', "f'", '.T', 'demo.quadratic(a = 1)', 'geomspace(1, 2, 3)', '/*', '"', '\n', 'vector(3)', 'matrix(2, 2)', 'on gpu', 'label', 'scale log'];

function mutate(text: string, rng: Rng): string {
  const toks = lexTlab(text).tokens;
  const pieces = toks.map((t) => t.image);
  const kind = rng.int(6);
  const i = pieces.length ? rng.int(pieces.length) : 0;
  switch (kind) {
    case 0: pieces.splice(i, 1 + rng.int(3)); break;                                   // delete tokens
    case 1: pieces.splice(i, 0, vocabulary[rng.int(vocabulary.length)]); break;         // insert a token
    case 2: if (i + 1 < pieces.length) [pieces[i], pieces[i + 1]] = [pieces[i + 1], pieces[i]]; break; // swap
    case 3: return text.slice(0, rng.int(text.length + 1));                             // truncate
    case 4: pieces.splice(i, 0, ...pieces.slice(i, i + 1 + rng.int(8)));  break;        // duplicate a run
    case 5: { const at = rng.int(text.length + 1); return text.slice(0, at) + text.slice(at + 1 + rng.int(4)); } // delete characters
  }
  // Re-join with the original line structure roughly preserved: newline before statement keywords.
  return pieces.map((p) => (/^(let|sweep|solve|simulate|plot|expect|given|check|experiment|derivation|import)$/.test(p) ? `\n${p}` : p)).join(' ');
}

test('parser, checker and formatter never throw on mutated examples', () => {
  assert.ok(seeds.length >= 3, 'fixtures found');
  const rng = new Rng(20261129);
  const noImports = () => { throw new Error('no workspace in the fuzz test'); };
  let cases = 0, withErrors = 0;
  for (let round = 0; round < 2000; round++) {
    let text = seeds[round % seeds.length];
    // one to three stacked mutations
    for (let k = 1 + rng.int(3); k > 0; k--) text = mutate(text, rng);
    let parsed, checked;
    try {
      parsed = parseTlab(text);
      checked = checkTlab(text, { uri: 'file:///fuzz.tlab', readFile: noImports });
      const f = formatTlab(text);
      if (f !== undefined) {
        assert.equal(parseTlab(f).errors.length, 0, 'formatting a valid file keeps it valid');
        assert.equal(formatTlab(f), f, 'formatting is idempotent');
      }
    } catch (e) {
      assert.fail(`case ${round} threw ${(e as Error).stack}\n--- input ---\n${text}`);
    }
    assert.ok(Array.isArray(parsed.file.items) && Array.isArray(parsed.errors));
    assert.ok(Array.isArray(checked.diagnostics));
    for (const d of checked.diagnostics) {
      assert.ok(d.span.start >= 0 && d.span.end >= d.span.start && d.span.end <= text.length, `span in range: ${JSON.stringify(d)}`);
      assert.ok(d.message.length > 0);
    }
    if (checked.diagnostics.length) withErrors++;
    cases++;
  }
  assert.equal(cases, 2000);
  assert.ok(withErrors > 1000, `most mutations are invalid (${withErrors})`);
});

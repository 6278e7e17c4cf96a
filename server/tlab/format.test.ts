import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatTlab } from './format';
import { parseTlab } from './parser';

const root = path.join(__dirname, '..', '..');
const files = [
  ...fs.readdirSync(path.join(root, 'test', 'fixtures', 'tlab')).map((f) => path.join('test', 'fixtures', 'tlab', f)),
  path.join('examples', 'language-tour.tlab'),
].filter((f) => f.endsWith('.tlab'));

/** The AST without positions: what formatting must not change. */
function shape(text: string): unknown {
  const strip = (o: any): any => Array.isArray(o) ? o.map(strip)
    : o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).filter(([k]) => !/[sS]pan$/.test(k)).map(([k, v]) => [k, strip(v)])) : o;
  return strip(parseTlab(text).file);
}

test('formatting every example is idempotent and keeps the AST', () => {
  let formattedAny = 0;
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    const once = formatTlab(text);
    if (parseTlab(text).errors.length) { assert.equal(once, undefined, `${f}: files with syntax errors are left alone`); continue; }
    assert.ok(once !== undefined, f);
    assert.equal(formatTlab(once!), once, `${f}: format(format(x)) == format(x)`);
    assert.deepEqual(shape(once!), shape(text), `${f}: the AST is unchanged`);
    formattedAny++;
  }
  assert.ok(formattedAny >= 3);
});

test('formatting normalises spacing and indentation, keeps comments and one blank line', () => {
  const text = 'let a=-1+2*-3^2   // note\n\n\n\nexperiment e{\nlet b=f(a,[1,2])/* c */\n     expect b[0]>=1 within 5%where a<0\n}\n';
  assert.equal(formatTlab(text), 'let a = -1 + 2 * -3^2   // note\n\nexperiment e {\n  let b = f(a, [1, 2]) /* c */\n  expect b[0] >= 1 within 5% where a < 0\n}\n');
});

test('a file with a syntax error is not formatted', () => {
  assert.equal(formatTlab('let a = (1 +'), undefined);
});

// Input the editor must survive: nesting deeper than the grammar and the AST consumers allow, a BOM,
// lone CR line ends, NUL characters and huge names. Each gets one diagnostic at the place and the
// rest of the file is still checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTlab } from './checker';
import { formatTlab } from './format';
import { clearParseCache } from './parser';

const check = (text: string) => { clearParseCache(); return checkTlab(text, { uri: 'file:///w/x.tlab' }); };
/** A later statement with an unknown name: proves the rest of the file was checked. */
const tail = '\nlet after = nosuch + 1\n';

const deep: Record<string, [string, RegExp]> = {
  '2,000-term sum': [`let a = ${Array(2000).fill('1').join(' + ')}`, /nested deeper than 250 levels \(operators\)/],
  '2,000 unary minus': [`let a = ${'-'.repeat(2000)}1`, /nested deeper than 250 levels \(operators\)/],
  '1,000 nested parens': [`let a = ${'('.repeat(1000)}1${')'.repeat(1000)}`, /nested deeper than 100 levels \(brackets\)/],
  '1,000 nested lists': [`let a = ${'['.repeat(1000)}1${']'.repeat(1000)}`, /nested deeper than 100 levels \(brackets\)/],
  '2,000-term ^ chain': [`let a = ${Array(2000).fill('2').join('^')}`, /nested deeper than 100 levels \(`\^` chain\)/],
  '5,000 unclosed parens': [`let a = ${'('.repeat(5000)}1`, /nested deeper than 100 levels \(brackets\)/],
};

for (const [name, [line, want]] of Object.entries(deep)) {
  test(`deep nesting: ${name} gives one nesting diagnostic and the rest of the file is checked`, () => {
    const text = line + tail;
    const a = check(text);
    const nesting = a.diagnostics.filter((d) => /nested deeper/.test(d.message));
    assert.equal(nesting.length, 1, a.diagnostics.map((d) => d.message).join('\n'));
    assert.match(nesting[0].message, want);
    assert.ok(nesting[0].span.start >= 8 && nesting[0].span.end <= line.length, `span ${JSON.stringify(nesting[0].span)}`);
    assert.ok(a.diagnostics.some((d) => /unknown name `nosuch`/.test(d.message)), 'the statement after it is checked');
    assert.ok(!a.diagnostics.some((d) => /syntax error|internal/.test(d.message)), a.diagnostics.map((d) => d.message).join('\n'));
    // the formatter leaves a file with errors alone instead of crashing
    assert.doesNotThrow(() => formatTlab(text));
  });
}

test('nesting just under the limits is accepted and folds to its value', () => {
  const a = check(`let a = ${'('.repeat(90)}2${')'.repeat(90)}\nlet b = ${Array(200).fill('1').join(' + ')}\nlet c = ${'-'.repeat(100)}3\n`);
  assert.deepEqual(a.diagnostics.map((d) => d.message), []);
  const val = (n: string) => a.symbols.find((s) => s.name === n)!.value;
  assert.equal(val('a'), 2);
  assert.equal(val('b'), 200);
  assert.equal(val('c'), 3);
});

test('a lone CR ends a // comment: the next line is code', () => {
  const a = check('// a comment\rlet x = nosuch\rlet y = 2\r');
  assert.ok(a.diagnostics.some((d) => /unknown name `nosuch`/.test(d.message)));
  assert.equal(a.symbols.find((s) => s.name === 'y')?.value, 2);
});

test('a BOM at the start is whitespace', () => {
  const a = check('\ufefflet x = 2\n');
  assert.deepEqual(a.diagnostics.map((d) => d.message), []);
  assert.equal(a.symbols.find((s) => s.name === 'x')?.value, 2);
});

test('a NUL character is one lexer error shown as an escape; the rest is checked', () => {
  const text = 'let x = 1\u0000\nlet y = nosuch\n';
  const a = check(text);
  const lex = a.diagnostics.filter((d) => /unexpected character/.test(d.message));
  assert.equal(lex.length, 1);
  assert.match(lex[0].message, /\\u0000/);
  assert.deepEqual(lex[0].span, { start: 9, end: 10 });
  assert.ok(a.diagnostics.some((d) => /unknown name `nosuch`/.test(d.message)));
});

test('diagnostics quote at most 60 characters of a huge name', () => {
  const huge = 'q'.repeat(1_000_000);
  const a = check(`let x = ${huge}\n`);
  assert.equal(a.diagnostics.length, 1);
  assert.ok(a.diagnostics[0].message.length < 200, `message of ${a.diagnostics[0].message.length} chars`);
  assert.match(a.diagnostics[0].message, /^unknown name `q{60}…`/);
  assert.deepEqual(a.diagnostics[0].span, { start: 8, end: 8 + huge.length });
});

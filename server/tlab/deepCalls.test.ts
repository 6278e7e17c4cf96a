// Nesting through calls, indexing and lists, alone and mixed: deeper than the limit of 100 is one
// "expression nested deeper than 100 levels" error at the bracket that crosses it (never a stack
// overflow, never a misleading "`exp` is a function"), and up to the limit, even with a syntax error
// inside, the parser's error recovery does not overflow the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTlab } from './checker';
import { clearParseCache, parseTlab, useFastPath } from './parser';

const check = (text: string) => { clearParseCache(); return checkTlab(text, { uri: 'file:///w/x.tlab' }).diagnostics; };
const NESTING = 'expression nested deeper than 100 levels (brackets); split it with `let`';

// First in the file: the overflow came from chevrotain's recovery walking the whole rule stack, and
// showed on a cold start (unoptimised frames are larger), as in the CLI.
test('100 nested calls around a syntax error: the error is reported, recovery does not overflow the stack', () => {
  // `f(a = ` overflowed from about 92 levels, `exp(` from about 100 (each level is five grammar rules)
  for (const open of ['f(a = ', 'exp(']) {
    const inner = 'exp 1';
    const text = `experiment e {\n  let x = ${open.repeat(100)}${inner}${')'.repeat(100)}\n  let y = nosuch\n}\n`;
    clearParseCache();
    const { errors } = parseTlab(text);
    const at = text.indexOf(inner) + 'exp '.length;
    assert.deepEqual(errors.map((e) => [e.span.start, e.message]), [[at, "expected ')' but found '1'"]], open);
  }
});

test('101 nested calls in an experiment: one nesting error at the 101st bracket, the rest is checked', () => {
  const head = '  let x = ';
  const text = `experiment e {\n${head}${'exp('.repeat(101)}1${')'.repeat(101)}\n  let y = nosuch\n}\n`;
  const d = check(text);
  const at = 'experiment e {\n'.length + head.length + 100 * 'exp('.length + 'exp'.length; // the 101st `(`
  assert.deepEqual(d.map((x) => [x.span.start, x.span.end, x.message]), [
    [at, at + 1, NESTING],
    [text.indexOf('nosuch'), text.indexOf('nosuch') + 'nosuch'.length, 'unknown name `nosuch`'],
  ]);
});

test('101 nested calls in a derivation check: one nesting error, no internal parser error', () => {
  const head = '  check ';
  const text = `derivation d {\n  given x: scalar\n${head}${'exp('.repeat(101)}x${')'.repeat(101)} == x\n}\nlet after = nosuch\n`;
  const d = check(text);
  const at = text.indexOf(head) + head.length + 100 * 'exp('.length + 'exp'.length;
  const nesting = d.filter((x) => /nested deeper/.test(x.message));
  assert.deepEqual(nesting.map((x) => [x.span.start, x.span.end, x.message]), [[at, at + 1, NESTING]]);
  assert.ok(!d.some((x) => /internal|expected|is a function/.test(x.message)), d.map((x) => x.message).join('\n'));
  assert.ok(d.some((x) => x.message === 'unknown name `nosuch`'));
});

test('mixed abs((…)) deeper than 100: the nesting error, not "`abs` is a function"', () => {
  const head = 'let x = ';
  const text = `${head}${'abs(('.repeat(60)}1${'))'.repeat(60)}\nlet after = nosuch\n`;
  const d = check(text);
  // levels: abs( is 2k+1, ( is 2k+2 for the k-th pair (0-based): the 101st is the call of pair 50
  const at = head.length + 50 * 'abs(('.length + 'abs'.length;
  assert.deepEqual(d.map((x) => [x.span.start, x.span.end, x.message]), [
    [at, at + 1, NESTING],
    [text.indexOf('nosuch'), text.indexOf('nosuch') + 'nosuch'.length, 'unknown name `nosuch`'],
  ]);
});

test('indexing, lists, named arguments and selections nested past the limit: one error each', () => {
  const forms: [string, string, string][] = [
    ['a[', ']', 'a['], // index brackets: postfix, like a call
    ['[', ']', '['], // list brackets: an operand
    ['max(1, ', ')', 'max('],
    ['f(k = ', ')', 'f('], // a named argument
    ['a[k = ', ']', 'a['], // a selection
    ['abs([(', ')])', 'abs('],
  ];
  for (const [open, close, unit] of forms) {
    const levels = (open.match(/[([]/g) ?? []).length;
    const n = Math.ceil(101 / levels) + 1;
    const head = 'let x = ';
    const text = `let a = [1]\n${head}${open.repeat(n)}0${close.repeat(n)}\nlet after = nosuch\n`;
    const d = check(text);
    const nesting = d.filter((x) => /nested deeper/.test(x.message));
    assert.equal(nesting.length, 1, `${open}: ${d.map((x) => x.message).join('\n')}`);
    assert.equal(nesting[0].message, NESTING);
    // the bracket at level 101
    let level = 0, at = -1;
    const body = text.indexOf(head) + head.length;
    for (let i = body; i < text.length && at < 0; i++) if ('(['.includes(text[i]) && ++level === 101) at = i;
    assert.equal(nesting[0].span.start, at, `${open} (${unit})`);
    assert.ok(!d.some((x) => /internal|expected|is a function/.test(x.message)), `${open}: ${d.map((x) => x.message).join('\n')}`);
    assert.ok(d.some((x) => x.message === 'unknown name `nosuch`'), open);
  }
});

test('exactly 100 nested calls are accepted, by the fast path and by the grammar alike', () => {
  const text = `let x = ${'abs('.repeat(100)}-2${')'.repeat(100)}\n`;
  assert.deepEqual(check(text).map((x) => x.message), []);
  const fast = parseTlab(text);
  useFastPath(false);
  try {
    const slow = parseTlab(text);
    assert.deepEqual(slow.errors, []);
    assert.deepEqual(slow.file, fast.file);
  } finally { useFastPath(true); }
});

test('100 nested calls next to a syntax error in the same block (grammar path): no internal error', () => {
  const text = `experiment e {\n  let x = ${'f(a = '.repeat(100)}1${')'.repeat(100)}\n  let y = )\n}\n`;
  clearParseCache();
  const { errors } = parseTlab(text);
  assert.deepEqual(errors.map((e) => e.message), ["expected an expression but found ')'"]);
});

test('unclosed calls past the limit: the nesting error at the crossing bracket, no internal error', () => {
  const head = 'let a = ';
  const text = `${head}${'exp('.repeat(500)}1\nlet after = nosuch + 1\n`;
  const d = check(text);
  const at = head.length + 100 * 'exp('.length + 'exp'.length;
  assert.deepEqual(d.filter((x) => /nested deeper/.test(x.message)).map((x) => x.span.start), [at]);
  assert.ok(!d.some((x) => /internal/.test(x.message)));
  assert.ok(d.some((x) => x.message === 'unknown name `nosuch`'));
});

test('one over-deep group in a file of 8,000 lets: the other chunks are parsed in linear time', () => {
  // the over-deep path made a token table of the whole file for every chunk (12 s for this file)
  let text = `let deep = ${'('.repeat(101)}1${')'.repeat(101)}\n`;
  for (let i = 0; i < 8000; i++) text += `let v${i} = ${i} + 1\n`;
  clearParseCache();
  const t0 = performance.now();
  const { file, errors } = parseTlab(text);
  const ms = performance.now() - t0;
  assert.deepEqual(errors.map((e) => [e.span.start, e.message]), [['let deep = '.length + 100, NESTING]]);
  assert.equal(file.items.length, 8001);
  assert.ok(ms < 3000, `parsed in ${ms.toFixed(0)} ms`);
});

// A long flat list is as wide as it is long but only two levels deep: a million entries parse, check
// and fold (min, max, argmin, argmax) without a stack overflow. The overflow came from spreading the
// entries into a call's arguments (`stack.push(...items)`, `Math.max(...xs)`), not from recursion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from './ast';
import { checkTlab } from './checker';
import { treeDepth } from './grammarExpr';
import { clearParseCache, parseTlab } from './parser';

const N = 1_000_000;
const ones = (n: number) => Array(n).fill('1').join(',');

test('treeDepth of a list of a million entries is 2, computed without spreading them', () => {
  const items: Expr[] = [];
  for (let i = 0; i < N; i++) items.push({ kind: 'num', value: 1, text: '1', span: { start: 0, end: 1 } });
  assert.equal(treeDepth({ kind: 'list', items, span: { start: 0, end: 1 } }), 2);
});

test('a 1,000,000-entry list in an experiment checks without a diagnostic', () => {
  clearParseCache();
  const a = checkTlab(`experiment e {\n  let x = [${ones(N)}]\n  let y = nosuch\n}\n`, { uri: 'file:///w/x.tlab' });
  assert.deepEqual(a.diagnostics.map((d) => d.message), ['unknown name `nosuch`']);
});

test('a 200,000-entry list next to a syntax error (the grammar path) gives just that error', () => {
  clearParseCache();
  const text = `experiment e {\n  let x = [${ones(200_000)}]\n  let y = )\n}\n`;
  const { errors } = parseTlab(text);
  assert.deepEqual(errors.map((e) => [e.span.start, e.message]), [[text.indexOf('= )') + 2, "expected an expression but found ')'"]]);
});

test('min, max, argmin and argmax of 300,000 entries (more than a call takes arguments) fold to their values', () => {
  // entries 0 … M-1 in a scrambled order: the largest (M - 1) and the smallest (0) sit inside
  const M = 300_000;
  const xs = Array.from({ length: M }, (_, i) => (i * 7919) % M);
  const text = `let x = [${xs.join(',')}]\nlet lo = min(x)\nlet hi = max(x)\nlet i = argmin(x)\nlet j = argmax(x)\n`;
  clearParseCache();
  const a = checkTlab(text, { uri: 'file:///w/x.tlab' });
  assert.deepEqual(a.diagnostics.map((d) => d.message), []);
  const val = (n: string) => a.symbols.find((s) => s.name === n)!.value;
  assert.equal(val('lo'), 0);
  assert.equal(val('hi'), M - 1);
  assert.equal(val('i'), xs.indexOf(0));
  assert.equal(val('j'), xs.indexOf(M - 1));
});

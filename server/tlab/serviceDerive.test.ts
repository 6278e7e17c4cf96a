// Editor help inside derivation blocks, through the LanguageFeatures of .tlab in-process with `<|>`
// cursors: `given` shapes and domains, tensor built-ins in completion, hover and signature help of every
// built-in and domain, the shapes of a check's sides, semantic tokens of built-ins and `.T`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as lsp from 'vscode-languageserver';
import { semanticTokenTypes } from '../languageService';
import { DERIVE_BUILTINS, DERIVE_BUILTIN_NAMES, GIVEN_DOMAINS } from '../derive/index';
import { DOMAINS } from './parseSupport';
import { tlabFeatures as F } from './service';
import { at, ctx, hoverAt, labels } from './serviceTestkit';

const D = (body: string) => `derivation t {\n  ${body}\n}\n`;

test('the derivation tables cover every built-in and domain the engine accepts', () => {
  assert.deepEqual(DERIVE_BUILTINS.map((b) => b.name).sort(), [...DERIVE_BUILTIN_NAMES].sort());
  assert.deepEqual(GIVEN_DOMAINS.map((d) => d.name), DOMAINS);
});

test('completion after `given x:` offers shapes (and a positive scalar), not and/or/within', async () => {
  const items = await labels(D('given x: <|>'));
  assert.deepEqual(items, ['scalar', 'vector(n)', 'matrix(m, n)', 'positive']);
  const { doc, pos } = at(D('given x: vec<|>'));
  const vec = (await F.completion!(doc, pos, ctx)).find((i) => i.label === 'vector(n)')!;
  assert.equal((vec.textEdit as lsp.TextEdit).newText, `vector(\${1:n})`);
  assert.deepEqual((vec.textEdit as lsp.TextEdit).range, { start: { line: 1, character: 11 }, end: { line: 1, character: 14 } });
  // a second variable after a comma, also on the next line
  assert.deepEqual(await labels(D('given x: scalar, A: <|>')), ['scalar', 'vector(n)', 'matrix(m, n)', 'positive']);
  assert.deepEqual(await labels(D('given x: scalar,\n    A: <|>')), ['scalar', 'vector(n)', 'matrix(m, n)', 'positive']);
});

test('completion after a shape offers the domains that fit it', async () => {
  assert.deepEqual(await labels(D('given x: vector(3) <|>')), ['real', 'positive', 'unit', 'simplex']);
  assert.deepEqual(await labels(D('given A: matrix(3, 3) <|>')), ['real', 'positive', 'spd']);
  assert.deepEqual(await labels(D('given A: matrix(3, 2) <|>')), ['real', 'positive']);
  assert.deepEqual(await labels(D('given s: scalar <|>')), ['real', 'positive']);
  assert.deepEqual(await labels(D('given <|>')), []); // a new name
  // the next line is a new statement
  assert.deepEqual(await labels(D('given x: vector(3)\n  <|>')), ['let', 'given', 'check']);
});

test('completion in derivation expressions: givens and the tensor built-ins with signatures; `.T` after a dot', async () => {
  const { doc, pos } = at(D('given A: matrix(3, 3) spd, x: vector(3)\n  check <|>'));
  const items = await F.completion!(doc, pos, ctx);
  const names = items.map((i) => i.label);
  for (const b of ['grad', 'logdet', 'inv', 'softmax', 'logsumexp', 'outer', 'eye']) assert.ok(names.includes(b), b);
  assert.ok(names.includes('A') && names.includes('x'));
  for (const w of ['and', 'or', 'within', 'not', 'linspace', 'pi']) assert.ok(!names.includes(w), w);
  assert.equal(items.find((i) => i.label === 'grad')!.detail, 'grad(S, X)');
  assert.equal(items.find((i) => i.label === 'max')!.detail, 'max(A, B) | max(X)');
  // names in scope sort before built-ins
  const sorted = [...items].sort((p, q) => (p.sortText ?? '').localeCompare(q.sortText ?? '')).map((i) => i.label);
  assert.ok(sorted.indexOf('A') < sorted.indexOf('grad'));
  assert.deepEqual(await labels(D('given A: matrix(3, 3)\n  check A.<|>')), ['T']);
  const after = await labels(D('given A: matrix(3, 3)\n  check A == A <|>'));
  assert.deepEqual(after.slice(0, 2), ['within', 'at']);
  assert.deepEqual(await labels(D('given A: matrix(3, 3)\n  check A == A at 5 <|>')), ['points']);
});

test('hover of every tensor built-in, shape, domain and operator', async () => {
  for (const b of DERIVE_BUILTINS) {
    const h = await hoverAt(D(`given A: matrix(3, 3) spd, x: vector(3)\n  check ${b.name[0]}<|>${b.name.slice(1)}(x) == x`));
    assert.match(h, new RegExp(`^\\*\\*${b.signatures[0].replace(/[()]/g, '\\$&')}`), b.name);
    assert.ok(h.includes(b.doc), b.name);
  }
  for (const d of GIVEN_DOMAINS) {
    const h = await hoverAt(D(`given A: matrix(3, 3) ${d.name}<|>`));
    assert.equal(h, `**${d.name}** — domain\n\n${d.doc}`);
  }
  assert.match(await hoverAt(D('given A: matr<|>ix(3, 3)')), /^\*\*matrix\(m, n\)\*\* — shape/);
  assert.match(await hoverAt(D('given s: scal<|>ar')), /^\*\*scalar\*\* — shape/);
  assert.match(await hoverAt(D('given A: matrix(3, 3), x: vector(3)\n  check A.<|>T @ x == x')), /^\*\*\.T\*\* — transpose/);
  assert.match(await hoverAt(D('given A: matrix(3, 3), x: vector(3)\n  check A <|>@ x == x')), /^\*\*@\*\* — matrix product/);
});

test('hover inside a check shows the shape of the expression and of both sides', async () => {
  const h = await hoverAt(D('given A: matrix(3, 4), x: vector(4)\n  check A <|>@ x == A @ x + 0'));
  assert.match(h, /check — left `A @ x`: \(3\), right `A @ x \+ 0`: \(3\)/);
  const inner = await hoverAt(D('given A: matrix(3, 4), x: vector(4)\n  check sum(A <|>@ x) == 1'));
  assert.match(inner, /`A @ x`: \(3\)/);
  assert.match(inner, /left `sum\(A @ x\)`: scalar, right `1`: scalar/);
  // a side with a shape error: said, not guessed
  assert.match(await hoverAt(D('given A: matrix(3, 4)\n  check A <|>@ A == A')), /left `A @ A`: unknown \(see the problems\)/);
});

test('signature help of tensor built-ins picks the overload by the arguments written', async () => {
  const sig = async (marked: string) => { const { doc, pos } = at(marked); return F.signatureHelp!(doc, pos, ctx); };
  const g = (await sig(D('given x: vector(3)\n  check grad(sum(x), <|>) == x')))!;
  assert.equal(g.signatures[0].label, 'grad(S, X)');
  assert.equal(g.activeParameter, 1);
  const [lo, hi] = g.signatures[0].parameters![1].label as [number, number];
  assert.equal('grad(S, X)'.slice(lo, hi), 'X');
  const m1 = (await sig(D('given x: vector(3)\n  check max(<|>x) == x')))!;
  assert.deepEqual(m1.signatures.map((s) => s.label), ['max(A, B)', 'max(X)']);
  assert.equal(m1.activeSignature, 0);
  for (const b of DERIVE_BUILTINS) assert.ok(await sig(D(`given x: vector(3)\n  check ${b.name}(<|>x) == x`)), b.name);
});

test('semantic tokens: tensor built-ins and the T of `.T` are library functions, not variables', async () => {
  const { doc, text } = at(D('given A: matrix(3, 3)\n  check logdet(A.T) == grad(trace(A), A)<|>'));
  const data = F.semanticTokens!(doc, ctx).data;
  const lines = text.split('\n');
  const kinds = new Map<string, string>();
  let line = 0, ch = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]; ch = data[i] ? data[i + 1] : ch + data[i + 1];
    kinds.set(`${lines[line].slice(ch, ch + data[i + 2])}@${ch}`, semanticTokenTypes[data[i + 3]]);
  }
  const kindOf = (word: string) => [...kinds].filter(([k]) => k.startsWith(`${word}@`)).map(([, v]) => v);
  for (const w of ['logdet', 'grad', 'trace', 'T']) assert.deepEqual(kindOf(w), ['function'], w);
  assert.ok(kindOf('A').every((k) => k === 'variable'));
});

test('after a run, the hover of a check adds the outcome and both sides at the worst point', async () => {
  const { runTarget } = await import('./serviceRun');
  const { doc, pos } = at(D('given x: vector(2) positive\n  check sum(x <|>* x) == sum(x) * sum(x) at 3 points'));
  await runTarget(doc, 't', ctx);
  const h = (await F.hover!(doc, pos, ctx))!.contents as { value: string };
  assert.match(h.value, /check — left `sum\(x \* x\)`: scalar, right `sum\(x\) \* sum\(x\)`: scalar/);
  assert.match(h.value, /last run: ✗/);
  assert.doesNotMatch(h.value, /draws fail/, 'the diagnostic above the hover says it; the hover does not repeat it');
  assert.match(h.value, /at the worst point:\n```\nleft {2}= [\d.]+\nright = [\d.]+\n```/);
});

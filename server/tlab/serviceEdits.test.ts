// Rename onto a taken name is refused with the reason; formatting honours tabSize / insertSpaces; range
// formatting touches only the lines of the range; folding covers runs of `//` lines and offers no
// single-line ranges. In-process through the .tlab LanguageFeatures, with `<|>` cursors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-languageserver/node';
import type * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { tlabFeatures as F } from './service';
import { at, ctx } from './serviceTestkit';

const apply = (doc: TextDocument, edits: lsp.TextEdit[]) => {
  let text = doc.getText();
  for (const e of [...edits].sort((x, y) => doc.offsetAt(y.range.start) - doc.offsetAt(x.range.start))) {
    text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
  }
  return text;
};
const rename = (marked: string, newName: string) => { const { doc, pos } = at(marked); return { doc, run: () => F.rename!(doc, pos, newName, ctx) }; };
const refused = (marked: string, newName: string, reason: RegExp) => {
  const { run } = rename(marked, newName);
  assert.throws(run, (e: unknown) => e instanceof ResponseError && reason.test(e.message), `${newName}: ${reason}`);
};

const EXP = 'let d = 100\nexperiment e {\n  let beta<|> = 2\n  let k = 3\n  let f(x) = x * beta\n  solve r = demo.quadratic(a = beta, b = d)\n}\nexperiment other {\n  let z = 1\n}\n';

test('rename onto a name already in scope is refused with the reason', () => {
  refused(EXP, 'k', /cannot rename 'beta' to 'k': `k` is already defined \(let, line 4\)/);
  refused(EXP, 'd', /`d` is already defined \(let, line 1\)/); // would shadow the file-level d used below
  refused(EXP, 'x', /`x` is already defined \(parameter, line 5\)/); // f's body would capture it
  refused(EXP, 'sqrt', /`sqrt` is a built-in/);
  refused(EXP, 'let', /'let' is not a valid name/);
  refused('experiment e<|> {\n}\nderivation t {\n}\n', 't', /a derivation of that name exists/);
  refused('derivation t {\n  given A<|>: matrix(2, 2)\n  check A == A\n}\n', 'logdet', /`logdet` is a built-in/);
});

test('rename to a free name (or one only another block uses) changes every use', () => {
  const { doc, run } = rename(EXP, 'z');
  const text = apply(doc, run()!.changes![doc.uri]);
  assert.match(text, /let z = 2\n/);
  assert.match(text, /let f\(x\) = x \* z\n/);
  assert.match(text, /demo\.quadratic\(a = z, b = d\)/);
  // a parameter may take a name its body does not use
  const p = rename('let g(u<|>) = u + 1\nlet w = 2\n', 'v');
  assert.equal(apply(p.doc, p.run()!.changes![p.doc.uri]), 'let g(v) = v + 1\nlet w = 2\n');
  refused('let w = 2\nlet g(u<|>) = u + w\n', 'w', /the body of `g` uses it/);
});

const MESSY = 'experiment e {\nlet k = 2\n  solve r = demo.quadratic(a = k,\n b = 1)\n    plot {\n  x = k\n  y = r.x_min\n}\n}\n';

test('formatting honours tabSize and insertSpaces', () => {
  const { doc } = at(`${MESSY}<|>`);
  const four = apply(doc, F.formatting!(doc, { tabSize: 4, insertSpaces: true }, ctx));
  assert.equal(four, 'experiment e {\n    let k = 2\n    solve r = demo.quadratic(a = k,\n                             b = 1)\n    plot {\n        x = k\n        y = r.x_min\n    }\n}\n');
  const tabs = apply(doc, F.formatting!(doc, { tabSize: 4, insertSpaces: false }, ctx));
  assert.equal(tabs, 'experiment e {\n\tlet k = 2\n\tsolve r = demo.quadratic(a = k,\n\t                         b = 1)\n\tplot {\n\t\tx = k\n\t\ty = r.x_min\n\t}\n}\n');
});

test('range formatting changes only the lines of the range, at the depth of the whole file', () => {
  const { doc } = at(`${MESSY}<|>`);
  const edits = F.rangeFormatting!(doc, { start: { line: 5, character: 0 }, end: { line: 6, character: 3 } }, { tabSize: 2, insertSpaces: true }, ctx);
  assert.equal(apply(doc, edits), 'experiment e {\nlet k = 2\n  solve r = demo.quadratic(a = k,\n b = 1)\n    plot {\n    x = k\n    y = r.x_min\n}\n}\n');
  assert.deepEqual(edits.map((e) => e.range.start.line), [5, 6]);
  // syntax errors: nothing is touched
  const bad = at('experiment e {\n let k = (1 +\n}\n<|>').doc;
  assert.deepEqual(F.rangeFormatting!(bad, { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, { tabSize: 2, insertSpaces: true }, ctx), []);
});

test('folding: runs of // lines fold as one comment; no single-line ranges', () => {
  const text = '// header one\n// header two\n// header three\nlet a = 1\n\nexperiment e {\n  // one line only\n  let k = 2 // trailing\n  // a\n  // b\n  plot {\n    x = k\n    y = k\n  }\n}\n<|>';
  const { doc } = at(text);
  const ranges = F.foldingRanges!(doc, ctx).map((r) => [r.startLine, r.endLine, r.kind ?? '']);
  assert.deepEqual(ranges, [[0, 2, 'comment'], [5, 13, ''], [8, 9, 'comment'], [10, 12, '']]);
  for (const [s, e] of ranges) assert.ok((e as number) > (s as number));
});

// Quick fixes wherever a .tlab message proposes one (misspelt enum values, bare or quoted, outputs,
// keywords, "give either `alpha` or `n`", the nearest grid values), applied through codeActions, and the
// static checks of what a run would refuse: a list-valued plot line, a missing data file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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

/** The diagnostic whose message matches, the fixes offered at the cursor, and the text after each. */
async function fixesAt(marked: string, message: RegExp) {
  const { doc, pos } = at(marked);
  const diags = await F.diagnostics(doc, ctx);
  const d = diags.find((x) => message.test(x.message));
  assert.ok(d, `no diagnostic ${message} in ${JSON.stringify(diags.map((x) => x.message))}`);
  const actions = F.codeActions!(doc, { start: pos, end: pos }, [d], ctx);
  return actions.map((a) => ({ title: a.title, preferred: a.isPreferred, text: apply(doc, a.edit!.changes![doc.uri]) }));
}

test('a misspelt enum value gets its fix, written bare or as a string', async () => {
  const bare = await fixesAt('experiment e {\n  solve r = scaling.bayes_optimal(alpha = 1, readouts = de<|>ns)\n}\n', /did you mean 'dense'/);
  assert.deepEqual(bare.map((f) => [f.title, f.preferred]), [["Change to 'dense'", true]]);
  assert.match(bare[0].text, /readouts = dense\)/);
  const quoted = await fixesAt('experiment e {\n  solve r = scaling.bayes_optimal(alpha = 1, readouts = "de<|>ns")\n}\n', /did you mean 'dense'/);
  assert.deepEqual(quoted.map((f) => f.title), ["Change to 'dense'"]);
  assert.match(quoted[0].text, /readouts = "dense"\)/);
});

test('misspelt outputs and keywords get their fix', async () => {
  const out = await fixesAt('experiment e {\n  solve r = demo.quadratic(a = 2)\n  let z = r.x_mi<|>\n}\n', /has no output `x_mi` — did you mean `x_min`/);
  assert.match(out[0].text, /let z = r\.x_min\n/);
  const kw = await fixesAt('experimnt<|> e {\n  let k = 1\n}\n', /did you mean `experiment`/);
  assert.match(kw[0].text, /^experiment e \{/);
});

test('"give either `alpha` or `n`" offers to remove either argument', async () => {
  const fixes = await fixesAt('experiment e {\n  solve r = scaling.bayes_optimal(alpha = 2, <|>n = 80000, d = 100)\n}\n', /give either `alpha`/);
  assert.deepEqual(fixes.map((f) => [f.title, f.preferred]), [['Remove `alpha = 2`', false], ['Remove `n = 80000`', false]]);
  assert.match(fixes[0].text, /bayes_optimal\(n = 80000, d = 100\)/);
  assert.match(fixes[1].text, /bayes_optimal\(alpha = 2, d = 100\)/);
});

test('"no grid point has …; nearest" offers each nearest grid value', async () => {
  const fixes = await fixesAt('experiment e {\n  sweep a = [0.1, 0.25, 2]\n  solve r = demo.quadratic(a = a)\n  expect r.x_min[a = 0.3<|>] == 0\n}\n', /no grid point has a = 0.3; nearest: 0.25, 0.1, 2/);
  assert.deepEqual(fixes.map((f) => f.title), ['Change to the grid value 0.25', 'Change to the grid value 0.1', 'Change to the grid value 2']);
  assert.match(fixes[0].text, /r\.x_min\[a = 0\.25\] == 0/);
  // the fixed text checks clean
  const { doc } = at(`${fixes[0].text}<|>`);
  assert.deepEqual((await F.diagnostics(doc, ctx)).filter((d) => d.severity === 1), []);
});

test('check reports a list-valued plot line and a missing data file, before any run', async () => {
  const { doc, text } = at('experiment e {\n  sweep s = [0.1, 0.2]\n  simulate m = pcn.train(gamma = s)\n  plot {\n    x = s\n    y = m.energy\n  }\n  solve q = influence.primal(data = "nope.csv")\n}<|>\n');
  const diags = await F.diagnostics(doc, ctx);
  const list = diags.find((d) => /has a list at each grid point/.test(d.message));
  assert.ok(list, JSON.stringify(diags.map((d) => d.message)));
  assert.equal(text.slice(doc.offsetAt(list.range.start), doc.offsetAt(list.range.end)), 'm.energy');
  const missing = diags.find((d) => /data file not found: 'nope.csv'/.test(d.message));
  assert.ok(missing, JSON.stringify(diags.map((d) => d.message)));
  assert.equal(text.slice(doc.offsetAt(missing.range.start), doc.offsetAt(missing.range.end)), '"nope.csv"');
});

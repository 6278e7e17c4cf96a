// The editor features of .clevr through the LanguageFeatures interface: hover values on the eval's
// scene, sentence and word hovers, completion, semantic tokens, outline, definition/references, code
// lenses and the chart request.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { clientlessContext, type ServerContext } from '../languageService';
import { readWorkspaceFile, pathToUri } from '../workspaceFiles';
import { clevrChart, clevrFeatures as F, clevrRunTarget } from './service';
import { EXAMPLES, SPEC_SOURCE } from './testkit';
import { closeAllWorkers } from './analysisHost';

const uri = pathToUri(path.join(EXAMPLES, 'spec.clevr'));
const doc = TextDocument.create(uri, 'clevr', 1, SPEC_SOURCE);
const ctx = {
  ...clientlessContext(),
  runner: undefined as never, workspaceRoots: () => [EXAMPLES], trusted: () => true, refresh: () => {}, log: () => {},
  readWorkspaceFile: (from: string, rel: string) => readWorkspaceFile(from, rel, [EXAMPLES]),
} as ServerContext;
const posOf = (needle: string, delta = 0, from = 0) => doc.positionAt(SPEC_SOURCE.indexOf(needle, from) + delta);
const hoverText = async (needle: string, delta = 0, from = 0) => {
  const h = await F.hover!(doc, posOf(needle, delta, from), ctx);
  return h ? (h.contents as { value: string }).value : '';
};

test('diagnostics: no errors on the spec examples; the runtime warning on two_spheres', async () => {
  const d = await F.diagnostics(doc, ctx);
  assert.equal(d.filter((x) => x.severity === 1).length, 0);
  assert.ok(d.some((x) => x.severity === 2 && x.message.includes('unique: 2 objects match: b, d')));
});

test('hover on a call shows its value on the eval scene (objects by id and attributes) and the soft value', async () => {
  const h = await hoverText('filter_color(scene(), blue)');
  assert.match(h, /ObjectSet/);
  assert.match(h, /value on `tiny`: \{b \(small blue rubber sphere\)\}/);
  assert.match(h, /soft: logits/);
  const relate = await hoverText('relate(unique', 0);
  assert.match(relate, /\{d \(small red rubber sphere\)\}|relate/);
  const count = await hoverText('count(filter_size');
  assert.match(count, /value on `tiny`: 2/);
});

test('hover on a sentence shows the best derivation tree, program, answer and the CKY-E2 expectation', async () => {
  const h = await hoverText('how many spheres left of', 3);
  assert.match(h, /best derivation/);
  assert.match(h, /count\(intersect\(filter\(scene\(\), sphere\), relate\(unique/);
  assert.match(h, /answer: \*\*1\*\*/);
  assert.match(h, /CKY-E2 expected answer: \*\*1\.300/);
  assert.match(h, /\(<\)|\(>\)/);
});

test('hover on a word of a sentence lists its lexicon entries', async () => {
  const start = SPEC_SOURCE.indexOf('sentence "how many spheres left of');
  const h = await hoverText('left of', 2, start);
  assert.match(h, /"left of"\*\* — 2 entries/);
  assert.match(h, /weight 0\.7 \(p = 0\.700\)/);
});

test('completion offers functions, concepts and attributes; scene names after `on`', async () => {
  const items = await F.completion!(doc, posOf('scene(), cube)', 0), ctx);
  const labels = items.map((i) => i.label);
  for (const l of ['filter_color', 'same_shape', 'relate_attribute_equal', 'red', 'cube', 'color', 'left']) assert.ok(labels.includes(l), l);
  const text = `${SPEC_SOURCE}\neval n_large on `;
  const d2 = TextDocument.create(uri, 'clevr', 2, text);
  const after = (await F.completion!(d2, d2.positionAt(text.length), ctx)).map((i) => i.label);
  assert.ok(after.includes('tiny') && after.includes('val'), after.join(','));
});

test('semantic tokens, outline, folding, definition and references', () => {
  const tokens = F.semanticTokens!(doc, ctx).data;
  assert.equal(tokens.length % 5, 0);
  assert.ok(tokens.length / 5 > 100);
  const symbols = F.documentSymbols!(doc, ctx);
  assert.ok(symbols.some((s) => s.name === 'tiny' && s.children?.length === 4));
  assert.ok(symbols.some((s) => s.name === 'small' && s.children?.length === 16));
  assert.ok(F.foldingRanges!(doc, ctx).length >= 2);
  const def = F.definition!(doc, posOf('eval red_right', 6), ctx)!;
  assert.equal(def[0].range.start.line, posOf('program red_right').line);
  const refs = F.references!(doc, posOf('scene tiny', 7), true, ctx);
  assert.ok(refs.length >= 8, `${refs.length}`);
});

test('code lenses Run / Show chart, and the chart request', async () => {
  const lenses = F.codeLenses!(doc, ctx);
  const charts = lenses.filter((l) => l.command?.command === 'theorylab.showChart');
  assert.equal(charts.length, 3);
  assert.ok(lenses.filter((l) => l.command?.command === 'theorylab.run').length >= 8);
  const line = (charts[2].command!.arguments![0] as { line: number }).line;
  const chart = (await clevrChart({ uri, line }, ctx, () => SPEC_SOURCE))!;
  assert.equal(chart.sentence, 'how many spheres left of the large cube');
  assert.deepEqual(chart.tokens, ['how many', 'spheres', 'left of', 'the', 'large', 'cube']);
  assert.equal(chart.derivations.length, 2);
  assert.ok(Math.abs((chart.expected as number) - 1.3) < 4e-3);
  assert.ok(chart.cells.length > 6 && chart.roots.length === 1);
  const ids = new Set(chart.cells.flatMap((c) => c.nodes.map((n) => n.id)));
  for (const c of chart.cells) for (const n of c.nodes) for (const ch of n.children) assert.ok(ids.has(ch), `child ${ch} of ${n.id} is in the chart`);
  const leftOf = chart.cells.flatMap((c) => c.nodes).filter((x) => x.word === 'left of');
  assert.equal(leftOf.length, 2);
  for (const x of leftOf) assert.match(SPEC_SOURCE.split('\n')[x.entryLine!], /"left of"/);
  assert.equal(await clevrChart({ uri, line: 0 }, ctx, () => SPEC_SOURCE), null);
});

test('run request: one eval, one sentence, or the whole file', async () => {
  assert.deepEqual(await clevrRunTarget(doc, 'n_large', ctx), { ok: true, message: 'n_large on tiny: 2' });
  const s = await clevrRunTarget(doc, 'how many red spheres', ctx);
  assert.equal(s.ok, true);
  assert.match(s.message, /best 1/);
  assert.equal((await clevrRunTarget(doc, undefined, ctx)).ok, true);
  assert.equal((await clevrRunTarget(doc, 'nothing', ctx)).ok, false);
  // An untrusted workspace runs nothing, even on an explicit request.
  assert.equal((await clevrRunTarget(doc, 'n_large', { ...ctx, trusted: () => false })).ok, false);
});

test('an unsaved document reads no file (not even relative to the server\'s working directory)', async () => {
  const untitled = TextDocument.create('untitled:Untitled-1', 'clevr', 1, 'scenes v from "etc/passwd"\n');
  const d = await F.diagnostics(untitled, ctx);
  assert.equal(d.length, 1);
  assert.match(d[0].message, /an unsaved document cannot read files/);
  assert.equal(d[0].range.start.character, 14);
});

after(() => closeAllWorkers());

test('rename a scene everywhere; hover on a scene reference', async () => {
  const edit = F.rename!(doc, posOf('scene tiny', 7), 'room', ctx)!;
  const edits = edit.changes![uri];
  assert.ok(edits.length >= 8);
  assert.ok(edits.every((e) => doc.getText(e.range) === 'tiny'));
  assert.throws(() => F.rename!(doc, posOf('scene tiny', 7), 'eval', ctx), /keyword/);
  assert.throws(() => F.rename!(doc, posOf('scene tiny', 7), 'color_of_cube', ctx), /already exists/);
  assert.match(await hoverText('on tiny expect red', 4), /scene tiny\*\*: 4 objects/);
});

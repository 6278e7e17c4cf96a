// Context-aware completion of .tlab (serviceCompletion.ts) in-process with `<|>` cursors: only statement
// keywords at a statement start, the plot-line words inside `plot { }`, nothing wrong after `m.mean.`,
// enum values inside quotes, and import / data paths from the workspace folder (and nothing outside it).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as lsp from 'vscode-languageserver';
import { tlabFeatures as F } from './service';
import { at, ctx, labels, WS } from './serviceTestkit';

before(() => {
  fs.mkdirSync(path.join(WS, 'lib'), { recursive: true });
  fs.mkdirSync(path.join(WS, 'data'), { recursive: true });
  fs.writeFileSync(path.join(WS, 'lib', 'common.tlab'), 'let shared = 1\n');
  fs.writeFileSync(path.join(WS, 'other.tlab'), 'let o = 1\n');
  fs.writeFileSync(path.join(WS, 'data', 'points.csv'), 'x,y\n1,2\n');
  fs.writeFileSync(path.join(path.dirname(WS), `outside-${path.basename(WS)}.tlab`), 'let no = 1\n');
});

test('a statement start offers only the statement keywords, in order', async () => {
  assert.deepEqual(await labels('experiment e {\n  let k = 2\n  <|>\n}\n'), ['let', 'sweep', 'solve', 'simulate', 'plot', 'expect']);
  assert.deepEqual(await labels('<|>'), ['import', 'let', 'experiment', 'derivation']);
  // a line continuing an expression is not a statement start
  const cont = await labels('experiment e {\n  let k = 2\n  let z = k +\n    <|>\n}\n');
  assert.ok(cont.includes('k') && !cont.includes('sweep'));
});

test('inside plot { } the plot-line words: axes at a line start, modifiers after a value', async () => {
  const text = 'experiment e {\n  sweep a = [1, 2]\n  solve r = demo.quadratic(a = a)\n  plot "p" {\n    <|>\n  }\n}\n';
  assert.deepEqual(await labels(text), ['x', 'y', 'heatmap', 'image', 'xlabel', 'ylabel']);
  const mods = await labels('experiment e {\n  sweep a = [1, 2]\n  solve r = demo.quadratic(a = a)\n  plot {\n    x = a <|>\n  }\n}\n');
  assert.deepEqual(mods.slice(0, 3), ['label', 'scale', 'unit']);
  assert.ok(!mods.includes('and'));
  const value = await labels('experiment e {\n  sweep a = [1, 2]\n  solve r = demo.quadratic(a = a)\n  plot {\n    y = <|>\n  }\n}\n');
  assert.ok(value.includes('r') && value.includes('a') && !value.includes('label'));
  assert.deepEqual(await labels('experiment e {\n  sweep a = [1, 2]\n  plot {\n    x = a scale <|>\n  }\n}\n'), ['log', 'linear']);
  const { doc, pos } = at('experiment e {\n  plot {\n    <|>\n  }\n}\n');
  const x = (await F.completion!(doc, pos, ctx)).find((i) => i.label === 'xlabel')!;
  assert.equal((x.textEdit as lsp.TextEdit).newText, 'xlabel "$1"');
});

test('after `m.mean.` only the fields of a mean ± std; after a number output nothing', async () => {
  const sim = 'experiment e {\n  simulate m = demo.noisy_mean(mu = 1, n = 10, seeds = 2)\n  let z = ';
  assert.deepEqual(await labels(`${sim}m.mean.<|>\n}\n`), ['mean', 'std', 'n']);
  assert.deepEqual(await labels('experiment e {\n  solve r = demo.quadratic(a = 2)\n  let z = r.x_min.<|>\n}\n'), []);
  assert.deepEqual(await labels('experiment e {\n  let k = 2\n  let z = k.<|>\n}\n'), []);
});

test('enum values inside quotes replace the string content', async () => {
  const marked = 'experiment e {\n  solve r = scaling.bayes_optimal(alpha = 1, readouts = "<|>")\n}\n';
  assert.deepEqual((await labels(marked)).sort(), ['dense', 'exp2', 'power']);
  const { doc, pos } = at('experiment e {\n  simulate r = pcn.train(activation = "ta<|>")\n}\n');
  const items = await F.completion!(doc, pos, ctx);
  assert.deepEqual(items.map((i) => i.label), ['relu', 'tanh', 'sigmoid', 'linear']);
  const edit = items[1].textEdit as lsp.TextEdit;
  assert.deepEqual(edit.range, { start: { line: 1, character: 39 }, end: { line: 1, character: 41 } });
  // an unterminated string too
  assert.deepEqual(await labels('experiment e {\n  simulate r = pcn.train(activation = "<|>\n}\n'), ['relu', 'tanh', 'sigmoid', 'linear']);
  // a free string parameter: nothing to offer
  assert.deepEqual(await labels('experiment e {\n  solve r = demo.quadratic(a = "<|>")\n}\n'), []);
});

test('import paths come from the workspace folder, relative to the file, never outside it', async () => {
  const top = await labels('import "<|>"\n');
  assert.deepEqual(top, ['other.tlab', 'lib/common.tlab']);
  const nested = await labels('import "<|>"\n', 'lib/nested.tlab');
  assert.deepEqual(nested, ['common.tlab', '../other.tlab']);
  assert.ok(!top.some((p) => p.includes('outside-')));
  const { doc, pos } = at('import "li<|>b"\n');
  const edit = (await F.completion!(doc, pos, ctx))[1].textEdit as lsp.TextEdit;
  assert.deepEqual(edit.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 11 } });
  // a data-file parameter: the workspace's CSV files and 'synthetic'
  assert.deepEqual(await labels('experiment e {\n  solve r = influence.primal(data = "<|>")\n}\n'), ['synthetic', 'data/points.csv']);
});

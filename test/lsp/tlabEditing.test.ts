// LSP protocol tests of the .tlab editing help of issue 20 through the real server, with `<|>` cursors:
// derivation completion / hover / signature help, enum values inside quotes, workspace import paths,
// quick fixes, a refused rename arriving as an error response, formatting options and range formatting
// (advertised at initialize). The per-feature detail is in server/tlab/service*.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits, cursor, LspClient } from './harness';

describe('tlab editing over LSP', () => {
  let c: LspClient;
  let init: any;
  before(async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-edit-')));
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib', 'shared.tlab'), 'let s = 1\n');
    c = new LspClient(dir);
    init = await c.initialize({ trusted: true, settings: { autoRunMaxSeconds: 0 } });
  });
  after(async () => { await c.shutdown(); });

  test('initialize advertises range formatting', () => {
    assert.equal(init.capabilities.documentRangeFormattingProvider, true);
  });

  test('derivations: shapes after `given x:`, built-ins with signatures, hover and signature help', async () => {
    const g = cursor('derivation t {\n  given A: matrix(3, 3) spd, x: <|>\n}\n');
    await c.open('g.tlab', g.text);
    const shapes = await c.at<any[]>('textDocument/completion', 'g.tlab', g.position);
    assert.deepEqual(shapes.map((i) => i.label), ['scalar', 'vector(n)', 'matrix(m, n)', 'positive']);
    const e = cursor('derivation t {\n  given A: matrix(3, 3) spd\n  check lo<|>gdet(A) == -logdet(inv(A))\n}\n');
    await c.open('e.tlab', e.text);
    const h = await c.at<any>('textDocument/hover', 'e.tlab', e.position);
    assert.match(h.contents.value, /^\*\*logdet\(M\)\*\* — tensor built-in/);
    assert.match(h.contents.value, /check — left `logdet\(A\)`: scalar, right `-logdet\(inv\(A\)\)`: scalar/);
    const s = cursor('derivation t {\n  given A: matrix(3, 3) spd\n  check grad(logdet(A), <|>) == inv(A)\n}\n');
    await c.open('s.tlab', s.text);
    const sig = await c.at<any>('textDocument/signatureHelp', 's.tlab', s.position);
    assert.equal(sig.signatures[0].label, 'grad(S, X)');
    assert.equal(sig.activeParameter, 1);
  });

  test('enum values inside quotes and import paths from the workspace', async () => {
    const q = cursor('experiment e {\n  solve r = scaling.bayes_optimal(alpha = 1, readouts = "<|>")\n}\n');
    await c.open('q.tlab', q.text);
    const vals = await c.at<any[]>('textDocument/completion', 'q.tlab', q.position);
    assert.deepEqual(vals.map((i) => i.label), ['power', 'dense', 'exp2']);
    const im = cursor('import "<|>"\n');
    await c.open('im.tlab', im.text);
    const paths = await c.at<any[]>('textDocument/completion', 'im.tlab', im.position);
    assert.ok(paths.some((i) => i.label === 'lib/shared.tlab'), JSON.stringify(paths.map((i) => i.label)));
  });

  test('quick fix of the nearest grid value; rename onto a taken name is an error response', async () => {
    const m = cursor('experiment e {\n  sweep a = [1, 2]\n  let beta = 2\n  let d<|> = 3\n  solve r = demo.quadratic(a = a, b = beta)\n  expect r.x_min[a = 3] == 0\n}\n');
    const diags = await c.open('m.tlab', m.text);
    const d = diags.find((x) => /no grid point has a = 3/.test(x.message))!;
    const actions = await c.request<any[]>('textDocument/codeAction', { textDocument: { uri: c.uri('m.tlab') }, range: d.range, context: { diagnostics: [d] } });
    assert.deepEqual(actions.map((x) => x.title), ['Change to the grid value 2', 'Change to the grid value 1']);
    assert.match(applyEdits(m.text, actions[0].edit.changes[c.uri('m.tlab')]), /r\.x_min\[a = 2\]/);
    await assert.rejects(c.at('textDocument/rename', 'm.tlab', m.position, { newName: 'beta' }), /cannot rename 'd' to 'beta': `beta` is already defined/);
  });

  test('formatting with the editor options; range formatting of some lines only', async () => {
    const text = 'experiment e {\nlet k = 2\nlet z = k\n}\n';
    await c.open('f.tlab', text);
    const tab = await c.request<any[]>('textDocument/formatting', { textDocument: { uri: c.uri('f.tlab') }, options: { tabSize: 4, insertSpaces: false } });
    assert.equal(applyEdits(text, tab), 'experiment e {\n\tlet k = 2\n\tlet z = k\n}\n');
    const part = await c.request<any[]>('textDocument/rangeFormatting', {
      textDocument: { uri: c.uri('f.tlab') }, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } }, options: { tabSize: 3, insertSpaces: true },
    });
    assert.equal(applyEdits(text, part), 'experiment e {\nlet k = 2\n   let z = k\n}\n');
  });
});

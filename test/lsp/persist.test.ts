// LSP protocol tests of persisted block results (server/tlab/persist.ts): results of a run survive a
// server restart with the same storage directory and are shown at once on open (hover, inlay hints,
// code lens status, failed-expect diagnostics, plots), marked stale once the block's text changes; a
// corrupt saved file is ignored.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './harness';
import { QUAD as BASE } from './fixtures';
import { getPlots, runTarget } from '../../protocol';

const QUAD = BASE + `derivation dd {
  given x: vector(2)
  let s = sum(x * x)
  check s == x @ x
}
`;

const whole = { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } };

describe('persisted results over LSP', () => {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-persist-')));
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-storage-'));
  // runs on request only, so what a new server shows comes from the saved results
  const init = { trusted: true, storageDir, settings: { autoRunMaxSeconds: 0 } };
  const clients: LspClient[] = [];
  const start = async () => { const c = new LspClient(ws); clients.push(c); await c.initialize(init); return c; };
  after(async () => { for (const c of clients) await c.shutdown(); });

  test('a new server shows the last results without a run; an edit marks them stale; a corrupt file is ignored', async () => {
    const first = await start();
    const uri = first.uri('p.tlab');
    await first.open('p.tlab', QUAD);
    const res = await first.request(runTarget, { uri });
    assert.equal(res.ok, false); // one expectation fails
    assert.match(res.message, /1 failed/);
    await first.shutdown();
    const files = fs.readdirSync(path.join(storageDir, 'tlab-results'));
    assert.equal(files.length, 1);

    // A new server, same storage: everything is there at once, without a run.
    const second = await start();
    const diags = await second.open('p.tlab', QUAD);
    const failed = diags.filter((d) => d.code === 'expect');
    assert.equal(failed.length, 1, JSON.stringify(diags));
    assert.equal(failed[0].range.start.line, 6);
    assert.match(failed[0].message, /a = 4: 0\.75 > 1 is false/);
    const hints = await second.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: whole });
    assert.ok(!hints.some((h) => h.position.line === 2), JSON.stringify(hints)); // a literal: no hint
    assert.ok(hints.some((h) => h.position.line === 6 && h.label === ' ✗ a = 4: 0.75 ≤ 1'), JSON.stringify(hints));
    assert.ok(hints.some((h) => h.position.line === 5 && /✓/.test(h.label)));
    const hv = await second.at<any>('textDocument/hover', 'p.tlab', { line: 6, character: 12 });
    assert.match(hv.contents.value, /\| 1 \| 3 \|[\s\S]*\| 2 \| 1\.5 \|[\s\S]*\| 4 \| 0\.75 \|/);
    assert.doesNotMatch(hv.contents.value, /stale/);
    const ok = await second.at<any>('textDocument/hover', 'p.tlab', { line: 5, character: 4 });
    assert.match(ok.contents.value, /✓ q\.x_min\[a = 2\] == 1\.5/);
    // derivation: the check's status and the value of a sub-expression at the first point
    const dh = await second.at<any>('textDocument/hover', 'p.tlab', { line: 14, character: 14 });
    assert.match(dh.contents.value, /value at the first point/);
    const lenses = await second.request<any[]>('textDocument/codeLens', { textDocument: { uri } });
    const runLens = (target: string) => lenses.find((l) => l.command.command === 'theorylab.run' && l.command.arguments[0].target === target && !l.command.arguments[0].seed)!.command.title;
    assert.equal(runLens('quad'), '$(play) Run (✗ 1 failed, 1 passed)');
    assert.equal(runLens('dd'), '$(play) Run (✓ 1 passed)');
    const plots = await second.request(getPlots, { uri, target: 'quad' });
    assert.equal(plots.length, 1);
    assert.deepEqual((plots[0].spec as any).data.values.map((r: any) => [r.x, r.y]), [[1, 3], [2, 1.5], [4, 0.75]]);
    assert.equal(plots[0].stale, undefined);

    // Changing the block's text marks the loaded results stale.
    const edited = QUAD.replace('let b = -6', 'let b = -8');
    const d2 = await second.change('p.tlab', edited);
    assert.ok(!d2.some((d) => d.code === 'expect'));
    const l2 = await second.request<any[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(l2.find((l) => l.command.command === 'theorylab.run' && l.command.arguments[0].target === 'quad').command.title, '$(play) Run (stale)');
    const h2 = await second.at<any>('textDocument/hover', 'p.tlab', { line: 6, character: 12 });
    assert.match(h2.contents.value, /stale/);
    assert.equal((await second.request(getPlots, { uri, target: 'quad' }))[0].stale, true);
    await second.shutdown();

    // A corrupt saved file: ignored, the server answers normally and shows no results.
    fs.writeFileSync(path.join(storageDir, 'tlab-results', files[0]), '{"format": 1, "uri": "trunc');
    const third = await start();
    const d3 = await third.open('p.tlab', QUAD);
    assert.deepEqual(d3, []);
    const l3 = await third.request<any[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(l3.find((l) => l.command.command === 'theorylab.run' && l.command.arguments[0].target === 'quad').command.title, '$(play) Run');
    const h3 = await third.at<any>('textDocument/hover', 'p.tlab', { line: 2, character: 7 });
    assert.match(h3.contents.value, /\*\*b\*\*/);
    assert.ok(third.notifications.some((n) => n.method === 'window/logMessage' && /ignored the saved results/.test(n.params.message)));
    // a new run writes a good file again
    const r3 = await third.request(runTarget, { uri, target: 'quad' });
    assert.match(r3.message, /1 failed/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(storageDir, 'tlab-results', files[0]), 'utf8')).uri, uri);
  });
});

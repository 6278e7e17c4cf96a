// LSP protocol tests of live theory (server/tlab/autoRun.ts): the real server over stdio. Cheap blocks
// re-run by themselves after an edit (no theorylab/run request), so diagnostics, hovers, inlay hints and
// plots follow it; a block whose estimated cost is above theorylab.autoRun.maxSeconds waits for Run;
// nothing runs by itself in an untrusted workspace or with the setting at 0; serverStatus carries
// `quiescent`. Every wait is on a message with a generous timeout: nothing here asserts a duration.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { clientlessContext, type ServerContext } from '../../server/languageService';
import type { ServerStatusParams } from '../../protocol';
import { AutoRunner, estimateBlockCost, LiveStatus, readMaxSeconds } from '../../server/tlab/autoRun';
import { checkTlab } from '../../server/tlab/checker';
import { LspClient, repoRoot, startServer } from './harness';

const CHEAP = `let c0 = 1
experiment quad "closed form" {
  let b = -6
  sweep a = [1, 2, 4]
  solve q = demo.quadratic(a = a, b = b, c = c0)
  expect q.x_min[a = 2] == 1.5
  plot "minimiser" {
    x = a
    y = q.x_min
  }
}
`;

// 100 seeds of 1e8 draws: estimated 200 s, far above the default threshold of 1 s.
const MIXED = `experiment cheap {
  solve q = demo.quadratic(a = 1, b = -2)
  expect q.x_min == 1
}
experiment costly {
  simulate m = demo.noisy_mean(mu = 0, n = 100000000, seeds = 100)
  expect m.mean > 1000
}
`;

const WAIT = 60_000;

/** Resolves with the first value `f` returns that is not undefined, checking every 25 ms. */
async function until<T>(what: string, f: () => T | undefined, c: LspClient, timeoutMs = WAIT): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}\n${c.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const logs = (c: LspClient) => c.notifications.filter((n) => n.method === 'window/logMessage').map((n) => String(n.params.message));
const statuses = (c: LspClient) => c.notifications.filter((n) => n.method === 'theorylab/serverStatus').map((n) => n.params);
/** Waits for a log line matching `re` among those logged after `from` lines. */
const logLine = (c: LspClient, re: RegExp, from = 0) => until(`a log line ${re}`, () => logs(c).slice(from).find((m) => re.test(m)), c);
const hints = (c: LspClient, name: string) => c.request<any[]>('textDocument/inlayHint', { textDocument: { uri: c.uri(name) }, range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } } });
const lenses = (c: LspClient, name: string) => c.request<any[]>('textDocument/codeLens', { textDocument: { uri: c.uri(name) } });

describe('live theory over LSP (trusted workspace)', () => {
  let c: LspClient;
  before(async () => { c = await startServer({}, { trusted: true, settings: { autoRunMaxSeconds: 1 } }); });
  after(async () => { await c.shutdown(); });

  test('a cheap experiment re-runs after an edit: diagnostics, hover, inlay hints and the plot follow without a run request', async () => {
    await c.open('live.tlab', CHEAP);
    const uri = c.uri('live.tlab');
    const failing = c.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'expect'), WAIT);
    await c.change('live.tlab', CHEAP.replace('let b = -6', 'let b = -8'));
    const d = await failing;
    const e = d.find((x) => x.code === 'expect')!;
    assert.equal(e.range.start.line, 5);
    assert.match(e.message, /2 == 1\.5 is false/);
    // values of the new text on hover and as inlay hints
    const h = await c.at<any>('textDocument/hover', 'live.tlab', { line: 5, character: 12 });
    assert.match(h.contents.value, /\| a \| value \|[\s\S]*\| 1 \| 4 \|[\s\S]*\| 2 \| 2 \|[\s\S]*\| 4 \| 1 \|/);
    assert.doesNotMatch(h.contents.value, /stale/);
    const hs = await hints(c, 'live.tlab');
    // a failed expectation shows its values inline; a literal (`let b = -8`) gets no hint repeating it
    assert.ok(hs.some((x) => x.position.line === 5 && x.label === ' ✗ 2 ≠ 1.5'), JSON.stringify(hs));
    assert.ok(!hs.some((x) => x.position.line === 2), JSON.stringify(hs));
    // the plot was recomputed and pushed to the client
    const plot = await until('a plotUpdated with the new data', () => c.notifications.find((n) => n.method === 'theorylab/plotUpdated' && n.params.uri === uri &&
      JSON.stringify(n.params.spec.data.values.map((r: any) => [r.x, r.y])) === JSON.stringify([[1, 4], [2, 2], [4, 1]])), c);
    assert.equal(plot.params.title, 'minimiser');
    // the lens reports the outcome of the automatic run (not "stale")
    const l = await lenses(c, 'live.tlab');
    assert.match(l[0].command.title, /✗ 1 failed, 0 passed/);

    // undoing the edit re-runs again: the expectation passes, ✓ on hover
    const n = logs(c).length;
    await c.change('live.tlab', CHEAP);
    await logLine(c, /live\.tlab: quad: 1 block: 1 passed, 0 failed/, n);
    const h2 = await c.at<any>('textDocument/hover', 'live.tlab', { line: 5, character: 4 });
    assert.match(h2.contents.value, /✓ q\.x_min\[a = 2\] == 1\.5: 1\.5 == 1\.5/);
    await until('diagnostics without the failed expectation', () => (c.lastDiagnostics('live.tlab').some((x) => x.code === 'expect') ? undefined : true), c);
  });

  test('serverStatus: not quiescent while an auto-run is scheduled or runs, quiescent again after', async () => {
    const seen = statuses(c);
    assert.ok(seen.every((s) => typeof s.quiescent === 'boolean'), JSON.stringify(seen));
    assert.ok(seen.some((s) => s.quiescent === false));
    assert.ok(seen.some((s) => s.quiescent === false && s.state === 'busy' && s.runningJobs >= 1));
    await until('a quiescent status', () => (statuses(c).at(-1)?.quiescent === true ? true : undefined), c);
    const last = statuses(c).at(-1)!;
    assert.equal(last.state, 'ready');
    assert.equal(last.runningJobs, 0);
  });

  test('a block whose estimated cost is above the threshold is not auto-run; a cheap one in the same file is', async () => {
    await c.open('mixed.tlab', MIXED);
    const n = logs(c).length;
    await c.change('mixed.tlab', MIXED.replace('b = -2', 'b = -4').replace('mu = 0', 'mu = 1'));
    const waiting = await logLine(c, /mixed\.tlab: waiting for Run: costly \(estimated/, n);
    assert.match(waiting, /≥ theorylab\.autoRun\.maxSeconds = 1 s/);
    await logLine(c, /mixed\.tlab: cheap: 1 block: 0 passed, 1 failed/, n);
    assert.ok(!logs(c).slice(n).some((m) => /running .*costly/.test(m)));
    const l = await lenses(c, 'mixed.tlab');
    const run = l.filter((x) => x.command.command === 'theorylab.run').map((x) => x.command.title);
    assert.match(run[0], /✗ 1 failed/); // cheap: ran by itself
    assert.equal(run[1], '$(play) Run'); // costly: never ran
    const h = await c.at<any>('textDocument/hover', 'mixed.tlab', { line: 5, character: 11 });
    assert.match(h.contents.value, /\*\*m\*\* — result of `demo\.noisy_mean`/);
    assert.doesNotMatch(h.contents.value, /\| output \| value \|/); // no values: it never ran
    await until('quiescent', () => (statuses(c).at(-1)?.quiescent === true ? true : undefined), c);
  });

  test('theorylab.autoRun.maxSeconds from workspace/didChangeConfiguration: 0 disables, a value enables again', async () => {
    c.notify('workspace/didChangeConfiguration', { settings: { theorylab: { autoRun: { maxSeconds: 0 } } } });
    await c.open('off.tlab', CHEAP);
    let n = logs(c).length;
    await c.change('off.tlab', CHEAP.replace('let b = -6', 'let b = -10'));
    await logLine(c, /off\.tlab: not running anything automatically: theorylab\.autoRun\.maxSeconds is 0/, n);
    const l = await lenses(c, 'off.tlab');
    assert.equal(l[0].command.title, '$(play) Run');

    c.notify('workspace/didChangeConfiguration', { settings: { theorylab: { autoRun: { maxSeconds: 1 } } } });
    n = logs(c).length;
    const failing = c.waitForDiagnostics(c.uri('off.tlab'), (d) => d.some((x) => x.code === 'expect' && /3 == 1\.5/.test(x.message)), WAIT);
    await c.change('off.tlab', CHEAP.replace('let b = -6', 'let b = -12'));
    await failing;
  });
});

describe('live theory over LSP (untrusted workspace)', () => {
  let c: LspClient;
  before(async () => { c = await startServer({}, { trusted: false, settings: { autoRunMaxSeconds: 1 } }); });
  after(async () => { await c.shutdown(); });

  test('nothing runs by itself in an untrusted workspace', async () => {
    await c.open('u.tlab', CHEAP);
    const d = await c.change('u.tlab', CHEAP.replace('let b = -6', 'let b = -8'));
    assert.ok(!d.some((x) => x.code === 'expect'));
    await logLine(c, /u\.tlab: not running anything automatically: the workspace is not trusted/);
    assert.ok(!logs(c).some((m) => /\[auto-run\].*running quad/.test(m)));
    assert.ok(!statuses(c).some((s) => s.quiescent === false));
    const l = await lenses(c, 'u.tlab');
    assert.equal(l[0].command.title, '$(play) Run');
  });
});

// The module itself, without a server: cost estimates, settings shapes, quiescence, and a newer edit
// aborting the auto-run in flight (a fake `run` that only ends when its signal aborts).
describe('autoRun internals', () => {
  test('cost estimates of examples/scaling-laws.tlab: closed forms below 1 s, long sweeps above, a simulate fed by a result unknown', () => {
    const text = fs.readFileSync(path.join(repoRoot, 'examples', 'scaling-laws.tlab'), 'utf8');
    const a = checkTlab(text, { uri: 'file:///scaling-laws.tlab' });
    const cost = (n: string) => estimateBlockCost(a, n);
    assert.equal(cost('bo_scaling').calls, 21);
    assert.ok(cost('bo_scaling').seconds < 1);
    assert.equal(cost('staircase').calls, 3);
    assert.ok(cost('channel').seconds >= 1); // 46 points
    assert.equal(cost('adam_overlay').seconds, Infinity);
    assert.match(cost('adam_overlay').unknown!, /`width` only known after a run/);
  });

  test('cost: distinct grid points only, derivations free, defaults filled', () => {
    const a = checkTlab('experiment e {\n  sweep s = [1, 2, 3]\n  simulate m = demo.noisy_mean(n = 1000000, seeds = 10, mu = s * 0)\n}\n' +
      'derivation d {\n  given x: vector(2)\n  check sum(x) == sum(x)\n}\nexperiment f {\n  simulate m = demo.noisy_mean(n = 1000)\n}\n', { uri: 'file:///c.tlab' });
    assert.deepEqual(estimateBlockCost(a, 'e'), { seconds: 1e7 / 5e7, calls: 1 }); // mu = 0 at all three points: one call
    assert.deepEqual(estimateBlockCost(a, 'd'), { seconds: 0, calls: 0 });
    assert.deepEqual(estimateBlockCost(a, 'f'), { seconds: 1000 * 5 / 5e7, calls: 1 }); // seeds defaults to 5
  });

  test('theorylab.autoRun.maxSeconds in every shape the client sends', () => {
    assert.equal(readMaxSeconds({ autoRunMaxSeconds: 2 }), 2);
    assert.equal(readMaxSeconds({ theorylab: { autoRun: { maxSeconds: 0 } } }), 0);
    assert.equal(readMaxSeconds({ 'autoRun.maxSeconds': 3 }), 3);
    assert.equal(readMaxSeconds({ theorylab: { device: 'cpu' } }), undefined);
    assert.equal(readMaxSeconds({ autoRunMaxSeconds: -1 }), undefined);
    assert.equal(readMaxSeconds(null), undefined);
  });

  test('LiveStatus merges runner jobs, block runs and scheduled runs into quiescent', async () => {
    const sent: ServerStatusParams[] = [];
    const live = new LiveStatus((p) => sent.push(p));
    live.publish(true);
    assert.deepEqual(sent.at(-1), { state: 'ready', backend: 'cpu', runningJobs: 0, quiescent: true });
    live.scheduledDelta(+1);
    assert.equal(sent.at(-1)!.quiescent, false);
    assert.equal(sent.at(-1)!.state, 'ready');
    live.scheduledDelta(-1);
    let release!: () => void;
    const run = live.track(() => new Promise<void>((r) => { release = r; }));
    assert.deepEqual(sent.at(-1), { state: 'busy', backend: 'cpu', runningJobs: 1, quiescent: false });
    live.fromRunner({ state: 'busy', backend: 'webgpu:test', runningJobs: 2 }); // LspRunner's onStatus
    assert.deepEqual(sent.at(-1), { state: 'busy', backend: 'webgpu:test', runningJobs: 2, quiescent: false });
    live.fromRunner({ state: 'ready', backend: 'webgpu:test', runningJobs: 0 });
    assert.equal(sent.at(-1)!.quiescent, false); // the block still runs
    release();
    await run;
    assert.deepEqual(sent.at(-1), { state: 'ready', backend: 'webgpu:test', runningJobs: 0, quiescent: true });
  });

  test('a newer edit aborts the auto-run in flight; the block runs again on the newer text', async () => {
    const logs: string[] = [];
    let trusted = true;
    const ctx = {
      ...clientlessContext(),
      trusted: () => trusted, log: (m: string) => logs.push(m), refresh: () => {}, workspaceRoots: () => [],
      readWorkspaceFile: () => { throw new Error('no files'); }, runner: undefined as never,
    } satisfies ServerContext;
    const calls: { text: string; signal: AbortSignal; done(): void }[] = [];
    let notify: (() => void) | undefined;
    const uri = 'file:///abort.tlab';
    let doc = TextDocument.create(uri, 'tlab', 1, CHEAP);
    const runner = new AutoRunner({
      ctx, live: new LiveStatus(() => {}), delayMs: 0, document: () => doc,
      run: (d, target, signal) => new Promise((resolve) => {
        const done = () => resolve({ ok: true, message: `${target} ran` });
        calls.push({ text: d.getText(), signal, done });
        signal.addEventListener('abort', () => resolve({ ok: false, message: 'cancelled' }));
        notify?.();
      }),
    });
    const nextCall = () => new Promise<void>((r) => { notify = r; });
    runner.changed(doc); // opened: nothing runs
    let p = nextCall();
    doc = TextDocument.create(uri, 'tlab', 2, CHEAP.replace('let b = -6', 'let b = -8'));
    runner.changed(doc);
    await p;
    assert.equal(calls.length, 1);
    assert.match(calls[0].text, /let b = -8/);
    p = nextCall();
    doc = TextDocument.create(uri, 'tlab', 3, CHEAP.replace('let b = -6', 'let b = -9'));
    runner.changed(doc);
    assert.equal(calls[0].signal.aborted, true);
    await p;
    assert.equal(calls.length, 2);
    assert.match(calls[1].text, /let b = -9/);
    assert.equal(calls[1].signal.aborted, false);
    calls[1].done();
    // a whitespace-only edit changes no fingerprint: nothing is aborted or re-run
    doc = TextDocument.create(uri, 'tlab', 4, CHEAP.replace('let b = -6', 'let  b = -9'));
    runner.changed(doc);
    assert.equal(calls[1].signal.aborted, false);
    // untrusted: nothing is scheduled
    trusted = false;
    doc = TextDocument.create(uri, 'tlab', 5, CHEAP.replace('let b = -6', 'let b = -7'));
    runner.changed(doc);
    assert.ok(logs.some((m) => /not running anything automatically: the workspace is not trusted/.test(m)));
    runner.closed(uri);
    assert.equal(calls.length, 2);
  });
});

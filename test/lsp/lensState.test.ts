// LSP tests of the run-state code lens (server/tlab/runStatus.ts): codicon titles, "not run: N errors"
// for a block with static errors, "done at HH:MM:SS in … s" after a run and "(cached)" after the same
// run again, "cancelled" after a cancel, the running state while a slow block runs; two blocks run at
// once each show their own state (running with the solver's "seed k/N" progress, queued behind it), the
// run's progress notification is cancellable (a cancel, not a failure), and lens refreshes stay at ~1/s (VS Code's lens debounce would
// starve under faster ones).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './harness';
import { cancelTarget, runTarget } from '../../protocol';

interface LensTitle { line: number; title: string; command: string }
/** Every lens of the document with its line, title and command, as the server sends them. */
async function lensTitles(client: LspClient, uri: string): Promise<LensTitle[]> {
  return (await client.request<any[]>('textDocument/codeLens', { textDocument: { uri } }))
    .map((l) => ({ line: l.range.start.line, title: l.command?.title as string, command: l.command?.command as string }));
}
/** The titles of the status lenses (neither Run, Cancel nor Plots) on `line`. */
async function statusAt(client: LspClient, uri: string, line: number): Promise<string[]> {
  return (await lensTitles(client, uri))
    .filter((l) => l.line === line && !['theorylab.run', 'theorylab.cancel', 'theorylab.showPlots'].includes(l.command))
    .map((l) => l.title);
}

const TEXT = `experiment fast {
  sweep a = [1, 2]
  solve q = demo.quadratic(a = a, b = -2)
  expect q.x_min[a = 1] == 1
}

experiment broken {
  solve q = demo.quadratc(a = 1)
}

experiment slow {
  simulate m = demo.noisy_mean(n = 20000000, seeds = 10000)
}
`;

describe('run state in the code lens', () => {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-lens-')));
  const client = new LspClient(ws);
  after(async () => { await client.shutdown(); });

  test('not run, done, running and cancelled, with codicons and no emoji', async () => {
    await client.initialize({ trusted: true, settings: { autoRunMaxSeconds: 0 } });
    const uri = client.uri('l.tlab');
    await client.open('l.tlab', TEXT);
    const lenses = () => lensTitles(client, uri);
    const status = (line: number) => statusAt(client, uri, line);

    const first = await lenses();
    assert.ok(first.every((l) => !/[\u{1F300}-\u{1FAFF}▶■☁]/u.test(l.title)), JSON.stringify(first));
    assert.ok(first.some((l) => l.title === '$(play) Run'));
    assert.deepEqual(await status(6), ['$(error) not run: 1 error']);
    assert.equal((await lenses()).find((l) => l.line === 6 && /not run/.test(l.title))!.command, 'editor.action.marker.nextInFiles');
    assert.deepEqual(await status(0), [], 'nothing to say before the first run');

    const r = await client.request(runTarget, { uri, target: 'fast' });
    assert.equal(r.ok, true, r.message);
    const [done] = await status(0);
    assert.match(done, /^\$\(check\) done at \d\d:\d\d:\d\d in \d+\.\d\d s$/);
    assert.equal((await client.request(runTarget, { uri, target: 'fast' })).ok, true);
    assert.match((await status(0))[0], /^\$\(check\) done at \d\d:\d\d:\d\d in \d+\.\d\d s \(cached\)$/, 'both solver calls came from the cache');

    const slow = client.request(runTarget, { uri, target: 'slow' });
    let running: string[] = [];
    for (let i = 0; i < 100 && !running.length; i++) {
      running = (await status(10)).filter((t) => /running/.test(t));
      if (!running.length) await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(running.length, 1);
    assert.match(running[0], /^\$\(sync~spin\) running(…|: seed \d+\/10000 · \d+%)$/);
    await client.request(cancelTarget, { uri, target: 'slow' });
    const res = await slow;
    assert.equal(res.ok, false);
    assert.equal(res.message, 'cancelled');
    assert.equal(res.cancelled, true);
    const [cancelled] = await status(10);
    assert.match(cancelled, /^\$\(circle-slash\) cancelled at \d\d:\d\d:\d\d$/);

    // A block with static errors does not run: alone it is refused with its first error; in Run All
    // the other blocks run and the reply names the one left out.
    const b = await client.request(runTarget, { uri, target: 'broken' });
    assert.equal(b.nothingToRun, true);
    assert.match(b.message, /^not run: broken has 1 error; first: line 8: unknown solver/);
    const uri2 = client.uri('two-blocks.tlab');
    await client.open('two-blocks.tlab', TEXT.slice(0, TEXT.indexOf('experiment slow')) + 'experiment plain {\n  let c = 1\n}\n');
    const all = await client.request(runTarget, { uri: uri2 });
    assert.equal(all.ok, false);
    assert.match(all.message, /^2 blocks: 1 passed, 0 failed .*; not run \(static errors\): broken$/);
    const titles = (await client.request<any[]>('textDocument/codeLens', { textDocument: { uri: uri2 } })).map((l) => `${l.range.start.line}:${l.command.title}`);
    assert.ok(titles.includes('6:$(error) not run: 1 error') && titles.includes('6:$(play) Run'), JSON.stringify(titles));
    assert.ok(titles.includes('10:$(play) Run (done)'), 'a block without expectations that ran is done, not "✓ 0 passed"');
    assert.ok(!titles.some((t) => /Cancel/.test(t)), 'no Cancel lens once nothing runs');
  });
});

const TWO = `experiment p {
  simulate m = demo.noisy_mean(n = 400000, seeds = 10000)
}

experiment q {
  simulate m = demo.noisy_mean(n = 400001, seeds = 10000)
}

experiment nothing_here_yet {
  let c = 1
}
`;

describe('two runs at once, progress notification', () => {
  const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-lens2-')));
  const client = new LspClient(ws);
  after(async () => { await client.shutdown(); });

  test('each block shows its own state; the notification cancels as a cancel; refreshes ≤ ~1/s', async () => {
    await client.initialize({ trusted: true, settings: { autoRunMaxSeconds: 0 } });
    const uri = client.uri('two.tlab');
    await client.open('two.tlab', TWO);
    const status = (line: number) => statusAt(client, uri, line);
    const until = async (what: string, f: () => Promise<boolean>) => {
      for (let i = 0; i < 300; i++) { if (await f()) return; await new Promise((r) => setTimeout(r, 50)); }
      assert.fail(`timed out waiting for ${what}: p ${JSON.stringify(await status(0))}, q ${JSON.stringify(await status(4))}`);
    };

    const refreshesBefore = client.serverRequests.filter((r) => r.method === 'workspace/codeLens/refresh').length;
    const t0 = Date.now();
    const runP = client.request(runTarget, { uri, target: 'p' }, 60000);
    await until('p running with progress', async () => /^\$\(sync~spin\) running: seed \d+\/10000 · \d+%$/.test((await status(0))[0] ?? ''));
    const runQ = client.request(runTarget, { uri, target: 'q' }, 60000);
    await until('q queued behind p', async () => (await status(4))[0] === '$(clock) queued (waiting for the solver host)');
    // p's own progress, not q's: its seed count moves on while q waits
    const [pNow] = await status(0);
    assert.match(pNow, /running: seed \d+\/10000/);

    // p's progress notification: created by the server, cancellable, with the lens's text as message
    let token: unknown;
    await until('p\'s progress notification', async () => {
      const begin = client.notifications.find((n) => n.method === '$/progress' && n.params.value?.kind === 'begin' && n.params.value.title === 'Theory Lab: running p');
      token = begin?.params.token;
      return !!begin;
    });
    const begin = client.notifications.find((n) => n.method === '$/progress' && n.params.token === token && n.params.value.kind === 'begin')!;
    assert.equal(begin.params.value.cancellable, true);
    await until('a progress report naming the seed', async () => client.notifications.some((n) => n.method === '$/progress' && n.params.token === token
      && n.params.value.kind === 'report' && /^seed \d+\/10000 · \d+%$/.test(n.params.value.message ?? '')));
    const elapsed = (Date.now() - t0) / 1000;
    const refreshes = client.serverRequests.filter((r) => r.method === 'workspace/codeLens/refresh').length - refreshesBefore;
    // 20 progress messages a second arrive; at most 1 refresh a second (LENS_REFRESH_MS), plus the start/end refreshes of each run
    assert.ok(refreshes <= elapsed + 6, `${refreshes} code-lens refreshes in ${elapsed.toFixed(1)} s`);
    assert.ok(refreshes >= 2, `lenses were refreshed while running (${refreshes})`);

    client.notify('window/workDoneProgress/cancel', { token });
    const p = await runP;
    assert.deepEqual([p.ok, p.cancelled, p.message], [false, true, 'cancelled']);
    assert.match((await status(0))[0], /^\$\(circle-slash\) cancelled at \d\d:\d\d:\d\d$/);
    // q gets the solver host and shows its own progress
    await until('q running', async () => /^\$\(sync~spin\) running: seed \d+\/10000/.test((await status(4))[0] ?? ''));
    await client.request(cancelTarget, { uri, target: 'q' });
    assert.equal((await runQ).cancelled, true);
    // no red toast material: neither run reported an error diagnostic
    assert.deepEqual(client.lastDiagnostics('two.tlab').filter((d) => d.severity === 1).map((d) => d.message), []);
  });

  test('running a file with no block says why', async () => {
    const uri = client.uri('empty.tlab');
    await client.open('empty.tlab', 'let c = 1\n');
    const r = await client.request(runTarget, { uri });
    assert.deepEqual([r.ok, r.nothingToRun, r.message], [false, true, 'nothing to run: this file has no experiment or derivation block']);
  });
});

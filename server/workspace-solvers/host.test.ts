// A Python workspace solver end to end through the real solver host (a forked process that learns the
// declarations from the sync file, as under the language server): progress, stdout kept out of the
// protocol, cancellation that ends the Python process within 1 s, a crash with its traceback mapped to
// the user's file, wrong-kind and NaN outputs refused, the memory limit, the cache hit on re-run and the
// miss after the source changes, and an untrusted workspace that starts no Python at all.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HostRunner } from '../engine/hostRunner';
import { createRunner } from '../engine/factory';
import { CancelledError } from '../solvers/registry';
import { SYNC_FILE_ENV, SYNC_OWNER_ENV, writeSyncFile } from './hostSync';
import { findManifests, loadManifests, readFileOrUndefined, registerWorkspace } from './registry';
import { alive, makeWorkspace, testPython } from './testkit';

const ws = makeWorkspace();
const syncFile = path.join(ws, '.sync.json');
process.env[SYNC_FILE_ENV] = syncFile;
process.env[SYNC_OWNER_ENV] = String(process.pid);
process.env.THEORYLAB_WORKSPACE_SOLVER_MEMORY_MB = '400';
const loaded = loadManifests(findManifests([ws]), readFileOrUndefined);
const python = { path: testPython, why: 'test' };
const publish = (trusted: boolean) => {
  writeSyncFile(syncFile, { trusted, entries: loaded.decls.map((decl) => ({ decl, python })) });
  // this process (like the language server) holds the declarations itself: the cache key needs them
  registerWorkspace(loaded.decls, () => ({ trusted, python, log: () => {} }));
};
publish(true);

const hostLog: string[] = [];
const runners: { dispose(): void }[] = [];
function host(): HostRunner {
  const r = new HostRunner({ device: 'cpu', graceMs: 3000, log: (l) => hostLog.push(l) });
  runners.push(r);
  return r;
}
after(() => { for (const r of runners) r.dispose(); fs.rmSync(ws, { recursive: true, force: true }); });

test('runs the Python function in a child of the host, with progress and the seed; stdout goes to the log', async () => {
  const progress: { f: number; m?: string }[] = [];
  const r = host();
  const res = await r.solve({ solver: 'wstest.ok', params: { x: 3 }, seed: 4 }, { onProgress: (f, m) => progress.push({ f, m }) });
  assert.equal(res.outputs.y, 10);
  assert.notEqual(res.outputs.pid, process.pid);
  assert.ok(progress.some((p) => p.m === 'step 0'), JSON.stringify(progress));
  assert.ok(progress.every((p) => p.f >= 0 && p.f <= 1));
  // the host's log travels on its stderr, the result on the IPC channel: the line may come a little later
  const logged = () => hostLog.some((l) => l.includes('[wstest.ok] noise on stdout that is not protocol'));
  for (let i = 0; i < 100 && !logged(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(logged(), hostLog.join('\n'));
});

test('cancel ends the Python process within 1 s', async () => {
  const r = host();
  const pidfile = path.join(ws, 'spin.pid');
  const controller = new AbortController();
  const job = r.solve({ solver: 'wstest.spin', params: { pidfile } }, { signal: controller.signal });
  const t0 = Date.now();
  while (!fs.existsSync(pidfile) || !fs.readFileSync(pidfile, 'utf8')) {
    if (Date.now() - t0 > 20000) assert.fail('the spinning solver never started');
    await new Promise((res) => setTimeout(res, 20));
  }
  const pid = Number(fs.readFileSync(pidfile, 'utf8'));
  assert.ok(alive(pid));
  const tCancel = Date.now();
  controller.abort();
  await assert.rejects(job, CancelledError);
  while (alive(pid) && Date.now() - tCancel < 1000) await new Promise((res) => setTimeout(res, 10));
  assert.equal(alive(pid), false, 'the Python process is gone within 1 s of the cancel');
  // the host survives and runs the next job
  assert.equal((await r.solve({ solver: 'wstest.ok', params: { x: 1 } })).outputs.y, 2);
});

test('a crash reports the Python exception with the frame in the user\'s file and the traceback', async () => {
  const r = host();
  await assert.rejects(r.solve({ solver: 'wstest.crash', params: { x: 0 } }), (e: Error) => {
    assert.match(e.message, /`wstest\.crash` raised ZeroDivisionError: division by zero \(solvers\.py:18, in helper\)/);
    assert.match(e.message, /Traceback \(most recent call last\)/);
    return true;
  });
});

test('outputs of the wrong kind, NaN and over the memory limit fail the job with the declared name', async () => {
  const r = host();
  await assert.rejects(r.solve({ solver: 'wstest.wrong', params: {} }), /output `y` must be a number, got string/);
  await assert.rejects(r.solve({ solver: 'wstest.nan', params: {} }), /output `y` is NaN/);
  await assert.rejects(r.solve({ solver: 'wstest.hog', params: { x: 800 } }), /more than the solver memory limit of 400 MiB/);
});

test('the cache answers a re-run and misses once the source file changes', async () => {
  const cacheDir = path.join(ws, '.cache');
  const c = createRunner({ device: 'cpu', timeoutSeconds: 0, cacheDir, log: () => {} });
  runners.push(c);
  const first = await c.solve({ solver: 'wstest.ok', params: { x: 2 } });
  assert.equal(first.cached, undefined);
  const again = await c.solve({ solver: 'wstest.ok', params: { x: 2 } });
  assert.equal(again.cached, true);
  assert.equal(again.outputs.pid, first.outputs.pid);
  fs.appendFileSync(path.join(ws, 'solvers.py'), '\n# edited\n');
  const edited = await c.solve({ solver: 'wstest.ok', params: { x: 2 } });
  assert.equal(edited.cached, undefined);
  assert.notEqual(edited.outputs.pid, first.outputs.pid, 'the edited source ran again');
});

test('an untrusted workspace runs nothing', async () => {
  publish(false);
  try {
    const r = host();
    const pidfile = path.join(ws, 'untrusted.pid');
    await assert.rejects(r.solve({ solver: 'wstest.spin', params: { pidfile } }), /runs only in a trusted workspace/);
    assert.equal(fs.existsSync(pidfile), false, 'no Python was started');
  } finally { publish(true); }
});

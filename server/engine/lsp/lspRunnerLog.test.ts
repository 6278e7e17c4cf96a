// LspRunner's run log and host hygiene against a fake connection: every run is logged with its backend
// and why, cache hits and errors with their cause; a settings change during a job leaves exactly one
// solver host once the job ends; the status goes to the plain onStatus callback.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerStatusParams } from '../../../protocol';
import { registerExtraSolvers } from '../execute';
import { solvers as testSolvers } from '../testSolvers';
import { EngineSettings, engineSettingsFrom, LspRunner } from './lspRunner';
import { describeCall } from './runLog';

registerExtraSolvers(testSolvers);
process.env.THEORYLAB_EXTRA_SOLVERS = path.join(__dirname, '..', 'testSolvers.ts');
process.env.XDG_CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-log-'));

function fake() {
  const logs: string[] = [];
  const connection = {
    window: { createWorkDoneProgress: async () => { throw new Error('no progress UI here'); } },
    console: { log: (m: string) => logs.push(m) },
  };
  return { connection, logs };
}

const runners: LspRunner[] = [];
after(() => { for (const r of runners) r.dispose(); });

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const hostPid = (r: LspRunner) => ((r as unknown as { inner?: { inner: { hostPid?: number } } }).inner?.inner.hostPid);

test('the run log names the call, the backend and why, then the time; a second run is a cache hit; errors carry their cause', async () => {
  const f = fake();
  const statuses: ServerStatusParams[] = [];
  let settings: EngineSettings = { device: 'cpu', timeoutSeconds: 30 };
  const r = new LspRunner(f.connection as never, () => ['/ws/log'], { settings: () => settings, onStatus: (p) => statuses.push(p) });
  runners.push(r);
  await r.announceBackend();
  await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } });
  assert.ok(f.logs.some((l) => l === 'run demo.quadratic(a = 2, b = 4) — device cpu on cpu (theorylab.device is cpu)'), f.logs.join('\n'));
  assert.ok(f.logs.some((l) => /^done demo\.quadratic in \d+ ms on cpu/.test(l)), f.logs.join('\n'));
  await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } });
  assert.match(f.logs.at(-1)!, /^cache hit demo\.quadratic: computed earlier on cpu/);
  settings = { device: 'cpu', timeoutSeconds: 0.5 };
  await assert.rejects(r.solve({ solver: 'test.spin', params: { ms: 20000, tag: 'log' } }));
  assert.match(f.logs.at(-1)!, /^failed test\.spin after .*: TimeoutError: `test\.spin` timed out after 0\.5 s/);
  assert.ok(f.logs.some((l) => /^settings changed \(device cpu, time limit 0\.5 s\)/.test(l)));
  assert.ok(statuses.length > 0 && statuses.every((s) => typeof s.runningJobs === 'number'), 'status went to the callback');
  assert.equal(statuses.at(-1)!.state, 'ready');
});

test('a settings change during a job: the old host ends with its job, one host is left', async () => {
  const f = fake();
  let settings: EngineSettings = { device: 'cpu', timeoutSeconds: 60 };
  const r = new LspRunner(f.connection as never, () => ['/ws/change'], { settings: () => settings, onStatus: () => {} });
  runners.push(r);
  const job = r.solve({ solver: 'test.spin', params: { ms: 1500, tag: 'change' } });
  for (let i = 0; i < 200 && !hostPid(r); i++) await new Promise((res) => setTimeout(res, 25));
  const oldPid = hostPid(r)!;
  assert.ok(oldPid && alive(oldPid));
  settings = { device: 'cpu', timeoutSeconds: 61 };
  const second = r.solve({ solver: 'test.spin', params: { ms: 10, tag: 'after-change' } });
  settings = { device: 'cpu', timeoutSeconds: 62 }; // and another, with no job of its own
  await r.solve({ solver: 'test.spin', params: { ms: 10, tag: 'after-change-2' } });
  await Promise.all([job, second]);
  assert.equal(r.liveRunners, 1, 'one runner (one host) left');
  for (let i = 0; i < 100 && alive(oldPid); i++) await new Promise((res) => setTimeout(res, 20));
  assert.equal(alive(oldPid), false, 'the old host was disposed when its job ended');
  assert.notEqual(hostPid(r), oldPid);
});

test('malformed settings fall back to the defaults; huge limits are kept for the engine to clamp', () => {
  assert.deepEqual(engineSettingsFrom({ device: 'tpu', solver: { timeoutSeconds: 'soon' } }), { device: 'auto', timeoutSeconds: 300 });
  assert.deepEqual(engineSettingsFrom({ device: 'gpu', solver: { timeoutSeconds: -1 } }), { device: 'gpu', timeoutSeconds: 300 });
  assert.deepEqual(engineSettingsFrom({ solver: { timeoutSeconds: 2147484 } }), { device: 'auto', timeoutSeconds: 2147484 });
  assert.deepEqual(engineSettingsFrom(null), { device: 'auto', timeoutSeconds: 300 });
});

test('describeCall cuts long parameter lists and lists', () => {
  assert.equal(describeCall({ solver: 's', params: { v: [1, 2, 3, 4, 5, 6, 7, 8] }, seed: 2 }), 's(v = [1, 2, 3, 4, 5, … 8 items]) [seed 2]');
  const long = describeCall({ solver: 's', params: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, i])) });
  assert.ok(long.length < 200 && long.endsWith('…)'), long);
});

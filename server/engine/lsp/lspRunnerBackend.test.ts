// LspRunner.announceBackend: the status bar learns the compute backend before the first job.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspRunner } from './lspRunner';

process.env.XDG_CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-backend-'));

function fakeConnection(settings: unknown) {
  const statuses: { state: string; backend: string; runningJobs: number }[] = [];
  const connection = {
    workspace: { getConfiguration: async () => settings },
    window: { createWorkDoneProgress: async () => { throw new Error('no progress expected'); } },
    sendNotification: (_t: unknown, p: { state: string; backend: string; runningJobs: number }) => { statuses.push(p); return Promise.resolve(); },
    console: { log: () => {} },
  };
  return { connection, statuses };
}

const runners: LspRunner[] = [];
after(() => { for (const r of runners) r.dispose(); });

test("device 'cpu': reported at once, without starting the solver host", async () => {
  const f = fakeConnection({ device: 'cpu' });
  const r = new LspRunner(f.connection as never, () => []);
  runners.push(r);
  await r.announceBackend();
  assert.deepEqual(f.statuses.map((s) => [s.state, s.backend, s.runningJobs]), [['ready', 'cpu', 0]]);
  assert.equal((r as unknown as { inner?: unknown }).inner, undefined);
});

test("device 'auto': the host's adapter probe is reported before any job, and the first job uses that host", { timeout: 120_000 }, async () => {
  const f = fakeConnection({ device: 'auto' });
  const r = new LspRunner(f.connection as never, () => []);
  runners.push(r);
  await r.announceBackend();
  const inner = (r as unknown as { inner?: unknown }).inner;
  assert.ok(inner);
  while (!f.statuses.length) await new Promise((res) => setTimeout(res, 20)); // the probe's answer
  assert.match(f.statuses[0].backend, /^(cpu(:.+)?|webgpu:.+)$/);
  assert.equal(f.statuses[0].runningJobs, 0);
  const res = await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } });
  assert.deepEqual(res.outputs, { x_min: -1, f_min: -2 });
  assert.equal((r as unknown as { inner?: unknown }).inner, inner);
  // a second announcement changes nothing
  const n = f.statuses.length;
  await r.announceBackend();
  assert.equal(f.statuses.length, n);
});

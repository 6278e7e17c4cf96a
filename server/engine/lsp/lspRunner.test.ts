// The language server's runner against a fake LSP connection: settings come from
// workspace/configuration, jobs report work-done progress that can cancel them, and
// theorylab/serverStatus carries busy/ready with the backend.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledError } from '../../solvers/registry';
import { registerExtraSolvers } from '../execute';
import { LspRunner, workspaceCacheDir } from './lspRunner';
import { solvers as testSolvers } from '../testSolvers';

registerExtraSolvers(testSolvers);
process.env.THEORYLAB_EXTRA_SOLVERS = path.join(__dirname, '..', 'testSolvers.ts');
process.env.XDG_CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-lsp-cache-'));

function fakeConnection(settings: unknown) {
  const events: string[] = [];
  const statuses: { state: string; backend: string; runningJobs: number }[] = [];
  let cancel: (() => void) | undefined;
  const connection = {
    workspace: { getConfiguration: async () => settings },
    window: {
      createWorkDoneProgress: async () => ({
        begin: (title: string, pct?: number, _m?: string, cancellable?: boolean) => events.push(`begin ${title} ${cancellable}`),
        report: (pct: number) => events.push(`report ${pct}`),
        done: () => events.push('done'),
        token: { onCancellationRequested: (cb: () => void) => { cancel = cb; } },
      }),
    },
    sendNotification: (_t: unknown, p: { state: string; backend: string; runningJobs: number }) => { statuses.push(p); return Promise.resolve(); },
    console: { log: () => {} },
  };
  return { connection, events, statuses, cancel: () => cancel?.() };
}

const runners: LspRunner[] = [];
after(() => { for (const r of runners) r.dispose(); });

test('a job reports busy then ready with the backend; the cache lives outside the workspace', async () => {
  const f = fakeConnection({ device: 'cpu', solver: { timeoutSeconds: 30 } });
  const r = new LspRunner(f.connection as never, () => ['/some/workspace']);
  runners.push(r);
  const res = await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } });
  assert.deepEqual(res.outputs, { x_min: -1, f_min: -2 });
  assert.ok(f.statuses.some((s) => s.state === 'busy' && s.runningJobs === 1));
  const last = f.statuses[f.statuses.length - 1];
  assert.equal(last.state, 'ready');
  assert.match(last.backend, /^cpu/); // 'cpu:<BLAS> (n threads)' once a job used the kernels
  const dir = workspaceCacheDir('/some/workspace');
  assert.ok(dir.startsWith(process.env.XDG_CACHE_HOME!));
  assert.equal(fs.readdirSync(dir).filter((x) => x.endsWith('.json')).length, 1);
  assert.equal((await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } })).cached, true);
});

test('a long job shows cancellable progress; cancelling from the notification stops it', async () => {
  const f = fakeConnection({ device: 'cpu', solver: { timeoutSeconds: 60 } });
  const r = new LspRunner(f.connection as never, () => []);
  runners.push(r);
  const job = r.solve({ solver: 'test.spin', params: { ms: 30000, tag: 'lsp' } });
  for (let i = 0; i < 200 && !f.events.some((e) => e.startsWith('begin')); i++) await new Promise((res) => setTimeout(res, 50));
  assert.ok(f.events.includes('begin Theory Lab: test.spin true'), f.events.join(', '));
  f.cancel();
  await assert.rejects(job, CancelledError);
  assert.equal(f.events[f.events.length - 1], 'done');
});

test('a client without workspace/configuration gets the defaults (auto device, 300 s)', async () => {
  const f = fakeConnection(null);
  f.connection.workspace.getConfiguration = () => new Promise(() => {}); // never answers
  const r = new LspRunner(f.connection as never, () => []);
  runners.push(r);
  const res = await r.solve({ solver: 'demo.quadratic', params: { a: 1 } });
  assert.equal(res.outputs.x_min, -0);
});

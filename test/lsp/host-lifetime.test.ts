// LSP tests of the solver host's lifetime: the real built server over stdio starts a long job (a
// synchronous loop of 10^8 draws per seed, i.e. the host's solver thread never yields), then the
// server is SIGKILLed, or shut down cleanly (`shutdown` + `exit`, what every "Restart Language Server"
// does); the host process must be gone within a second either way.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, startServer } from './harness';

// Results must not come from (or go to) the user's cache: every run here starts from nothing.
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-host-cache-'));
process.env.XDG_CACHE_HOME = cacheHome;
after(() => fs.rmSync(cacheHome, { recursive: true, force: true }));

// 100 seeds × 10^8 normal draws: minutes of work, far beyond this test.
const LONG = `experiment long {
  simulate m = demo.noisy_mean(mu = 0, n = 100000000, seeds = 100)
  expect m.mean > 1000
}
`;

/** Pids whose parent is `ppid` and whose command line runs the solver host. */
function solverHosts(ppid: number): number[] {
  const found: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== ppid) continue;
      if (/solverHost/.test(fs.readFileSync(`/proc/${e}/cmdline`, 'utf8'))) found.push(Number(e));
    } catch { /* exited meanwhile */ }
  }
  return found;
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function until<T>(what: string, f: () => T | undefined, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts the long job and resolves with the host's pid once the job is computing. */
async function startLongJob(c: LspClient): Promise<number> {
  await c.open('long.tlab', LONG);
  const serverPid = (c as unknown as { proc: { pid: number } }).proc.pid;
  void c.request('theorylab/run', { uri: c.uri('long.tlab'), target: 'long' }, 120_000).catch(() => {});
  const pid = await until('the solver host', () => solverHosts(serverPid)[0], 60_000);
  // busy: the job reported itself running (serverStatus with a running job)
  await until('a running job', () => c.notifications.find((n) => n.method === 'theorylab/serverStatus' && n.params.runningJobs > 0), 60_000);
  await new Promise((r) => setTimeout(r, 1500)); // well inside the first seed's synchronous loop
  assert.ok(alive(pid), 'the host runs the job');
  return pid;
}

/** Milliseconds until `pid` is gone (fails after 5 s, killing it so a failing test leaves no process behind). */
async function goneWithin(pid: number): Promise<number> {
  const t0 = Date.now();
  try {
    await until(`host ${pid} to exit`, () => (alive(pid) && !isZombie(pid) ? undefined : true), 5000);
  } catch (e) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone after all */ }
    throw e;
  }
  return Date.now() - t0;
}

function isZombie(pid: number): boolean {
  try { return / Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/, ')')); } catch { return true; }
}

test('the solver host dies within 1 s of a SIGKILLed language server, mid-job', { timeout: 120_000 }, async () => {
  const c = await startServer({}, { trusted: true });
  try {
    const pid = await startLongJob(c);
    (c as unknown as { proc: { kill(s: string): void } }).proc.kill('SIGKILL');
    const ms = await goneWithin(pid);
    assert.ok(ms < 1000, `the host outlived the server by ${ms} ms`);
  } finally {
    await until('the server to exit', () => (c.exited ? true : undefined), 5000);
  }
});

test('the solver host dies within 1 s of a clean shutdown + exit, mid-job', { timeout: 120_000 }, async () => {
  const c = await startServer({}, { trusted: true });
  const pid = await startLongJob(c);
  await c.shutdown();
  assert.ok(c.exited, 'the server exited on `exit`');
  const ms = await goneWithin(pid);
  assert.ok(ms < 1000, `the host outlived the server by ${ms} ms`);
});

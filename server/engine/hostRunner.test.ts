// The solver host end to end: real forked processes running real registry solvers plus the
// misbehaving ones of testSolvers.ts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { CancelledError, SolverInputError } from '../solvers/registry';
import { registerExtraSolvers } from './execute';
import { HostRunner } from './hostRunner';
import { solvers as testSolvers } from './testSolvers';

registerExtraSolvers(testSolvers);
process.env.THEORYLAB_EXTRA_SOLVERS = path.join(__dirname, 'testSolvers.ts');

const runners: HostRunner[] = [];
function host(opts: ConstructorParameters<typeof HostRunner>[0] = {}): HostRunner {
  // a generous grace: a loaded CI machine may take a while to notice a cooperative cancel
  const r = new HostRunner({ device: 'cpu', graceMs: 3000, log: () => {}, ...opts });
  runners.push(r);
  return r;
}
after(() => { for (const r of runners) r.dispose(); });

test('runs a registry solver in a separate process and reports progress', async () => {
  const r = host();
  const progress: number[] = [];
  const res = await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } });
  assert.deepEqual(res.outputs, { x_min: -1, f_min: -2 });
  assert.equal(res.backend, 'cpu');
  const spin = await r.solve({ solver: 'test.spin', params: { ms: 200 } }, { onProgress: (f) => progress.push(f) });
  assert.notEqual(spin.outputs.pid, process.pid);
  assert.ok(progress.length >= 2 && progress.every((f) => f >= 0 && f <= 1));
});

test('bad parameters are refused before queueing, with the registry message', async () => {
  const r = host();
  await assert.rejects(r.solve({ solver: 'demo.quadratic', params: { a: -1 } }), (e: Error) => e instanceof SolverInputError && /out of its documented range/.test(e.message));
  await assert.rejects(r.solve({ solver: 'demo.nope', params: {} }), SolverInputError);
  assert.equal(r.starts, 0, 'no host was started for refused jobs');
});

test('absurd sizes are refused up front with the memory estimate', async () => {
  const r = host({ memoryLimitMb: 256 });
  await assert.rejects(r.solve({ solver: 'test.alloc', params: { declared: 100000 } }),
    (e: Error) => e instanceof SolverInputError && /about 97\.7 GiB.*limit of 256 MiB/.test(e.message));
});

test('a job that outgrows the memory limit is stopped and the host restarted', async () => {
  // the limit leaves room for the host itself (about 90 MiB resident under tsx)
  const r = host({ memoryLimitMb: 400 });
  await assert.rejects(r.solve({ solver: 'test.alloc', params: { mb: 1200 } }), /exceeded the solver memory limit of 400 MiB/);
  const ok = await r.solve({ solver: 'test.alloc', params: { mb: 2 } });
  assert.equal(ok.outputs.sum, 2);
});

test('killing the host mid-job fails that job with a clear message; the next job succeeds', async () => {
  const r = host();
  const running = r.solve({ solver: 'test.spin', params: { ms: 20000, tag: 'victim' } });
  const queued = r.solve({ solver: 'demo.quadratic', params: { a: 1, b: 2 } });
  await new Promise((res) => setTimeout(res, 1500));
  const pid = r.hostPid!;
  process.kill(pid, 'SIGKILL');
  await assert.rejects(running, /solver host crashed while running `test.spin` \(signal SIGKILL\)/);
  assert.deepEqual((await queued).outputs, { x_min: -1, f_min: -1 });
  assert.notEqual(r.hostPid, pid);
  assert.equal(r.starts, 2);
});

test('a solver that exits its process fails only its own job', async () => {
  const r = host();
  const crash = r.solve({ solver: 'test.crash', params: {} });
  const after = r.solve({ solver: 'demo.quadratic', params: { a: 1 } });
  await assert.rejects(crash, /crashed while running `test.crash` \(exit code 3\)/);
  assert.equal((await after).outputs.x_min, -0);
});

test('cooperative cancellation stops the job without killing the host', async () => {
  const r = host();
  await r.solve({ solver: 'demo.quadratic', params: {} }); // host is up
  const pid = r.hostPid;
  const ac = new AbortController();
  const p = r.solve({ solver: 'test.spin', params: { ms: 20000 } }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 300);
  await assert.rejects(p, CancelledError);
  assert.equal(r.hostPid, pid, 'same host process');
});

test('a job that ignores cancellation is killed after the grace period; the host restarts', async () => {
  const r = host({ graceMs: 200 });
  const ac = new AbortController();
  const p = r.solve({ solver: 'test.spin', params: { ms: 20000, cooperative: false } }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 1500);
  await assert.rejects(p, CancelledError);
  const next = await r.solve({ solver: 'test.spin', params: { ms: 10 } });
  assert.equal(next.outputs.done, 10);
  assert.equal(r.starts, 2);
});

test('per-job time limit: a timed-out job fails with a timeout message, the next one runs', async () => {
  const r = host({ timeoutSeconds: 1 });
  await assert.rejects(r.solve({ solver: 'test.spin', params: { ms: 20000 } }), (e: Error) => e.name === 'TimeoutError' && /timed out after 1 s/.test(e.message));
  await assert.rejects(r.solve({ solver: 'test.spin', params: { ms: 20000, cooperative: false }, timeoutMs: 800 }), /timed out after 0.8 s/);
  assert.equal((await r.solve({ solver: 'test.spin', params: { ms: 5 } })).outputs.done, 5);
});

test('queue: higher priority runs first; a queued job can be cancelled without running', async () => {
  const r = host();
  const order: string[] = [];
  const first = r.solve({ solver: 'test.spin', params: { ms: 1500, tag: 'first' } }).then(() => order.push('first'));
  await new Promise((res) => setTimeout(res, 50));
  const ac = new AbortController();
  const low = r.solve({ solver: 'test.spin', params: { ms: 5, tag: 'low' }, priority: 0 }).then(() => order.push('low'));
  const dropped = r.solve({ solver: 'test.spin', params: { ms: 5, tag: 'dropped' }, priority: 5 }, { signal: ac.signal });
  const high = r.solve({ solver: 'test.spin', params: { ms: 5, tag: 'high' }, priority: 10 }).then(() => order.push('high'));
  ac.abort();
  await assert.rejects(dropped, CancelledError);
  await Promise.all([first, low, high]);
  assert.deepEqual(order, ['first', 'high', 'low']);
});

test('NaN and Inf in outputs survive the IPC and are reported as a warning naming the fields', async () => {
  const r = host();
  const res = await r.solve({ solver: 'test.nan', params: {} });
  assert.ok(Number.isNaN((res.outputs.v as number[])[1]));
  assert.ok(res.warnings.some((w) => /non-finite.*v\[1\].*s\.mean/.test(w)), res.warnings.join('; '));
});

test('a time limit beyond a 32-bit timer (2147484 s) does not fail the job at once', async () => {
  const r = host({ timeoutSeconds: 2147484 });
  assert.equal((await r.solve({ solver: 'test.spin', params: { ms: 300 } })).outputs.done, 300);
  assert.equal((await r.solve({ solver: 'test.spin', params: { ms: 50 }, timeoutMs: 3e12 })).outputs.done, 50);
});

test('a cancel reaches a synchronous loop on the host\'s worker thread at once (shared memory)', async () => {
  const r = host();
  await r.solve({ solver: 'demo.quadratic', params: {} });
  const pid = r.hostPid;
  const ac = new AbortController();
  const p = r.solve({ solver: 'test.spin', params: { ms: 20000, tag: 'sync' } }, { signal: ac.signal });
  await new Promise((res) => setTimeout(res, 500));
  const t0 = Date.now();
  ac.abort();
  await assert.rejects(p, CancelledError);
  assert.ok(Date.now() - t0 < 2500, 'stopped cooperatively, before the grace period');
  assert.equal(r.hostPid, pid, 'the host was not killed');
});

test('a job that exhausts the V8 heap of the host\'s worker fails with a clear message; the next job runs', async () => {
  const r = host({ heapLimitMb: 96, memoryLimitMb: 4096 });
  await assert.rejects(r.solve({ solver: 'test.heap', params: {} }), /ran out of its JavaScript heap \(96 MiB\)/);
  assert.equal((await r.solve({ solver: 'test.spin', params: { ms: 5, tag: 'after-oom' } })).outputs.done, 5);
});

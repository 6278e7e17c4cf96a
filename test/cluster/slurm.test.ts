// Cluster tier: real Slurm arrays on the single-node cluster of scripts/slurm-local.sh (started by
// scripts/test-all.mjs before this tier). Needs `dist/cli.js` (the test runner builds first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { InProcessRunner, SolveRequest } from '../../server/engine/runner';
import { SlurmRunner, SlurmTaskError } from '../../server/cluster/slurm';

const root = path.resolve(__dirname, '..', '..');
const cli = `'${process.execPath}' '${path.join(root, 'dist', 'cli.js')}'`;
const fresh = () => fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-slurm-test-'));

const requests: SolveRequest[] = [1, 2, 3, 4, 5].map((b, i) => ({ solver: 'demo.noisy_mean', params: { mu: b, sigma: 0.5, n: 50, seeds: 3 }, seed: 10 + i }));

test('a sweep submitted as one job array gives the same numbers as a local run', async () => {
  const dir = fresh();
  const slurm = new SlurmRunner({ dir, cliCommand: cli, pollMs: 300, arrayLimit: 2 });
  const local = new InProcessRunner();
  const [remote, here] = await Promise.all([
    Promise.all(requests.map((r) => slurm.solve(r))),
    Promise.all(requests.map((r) => local.solve(r))),
  ]);
  for (let i = 0; i < requests.length; i++) assert.deepEqual(remote[i].outputs, here[i].outputs);
  const jobs = fs.readdirSync(path.join(dir, 'jobs'));
  assert.equal(jobs.length, 1, 'one array for the whole sweep');
  const script = fs.readFileSync(fs.readdirSync(path.join(dir, 'tasks')).map((b) => path.join(dir, 'tasks', b, 'job.sh'))[0], 'utf8');
  assert.match(script, /#SBATCH --array=0-4%2/);
  slurm.dispose();
});

test('re-running resumes from the results folder without submitting again', async () => {
  const dir = fresh();
  const first = new SlurmRunner({ dir, cliCommand: cli, pollMs: 300 });
  await Promise.all(requests.slice(0, 2).map((r) => first.solve(r)));   // a partial run
  first.dispose();
  const second = new SlurmRunner({ dir, cliCommand: cli, pollMs: 300 });
  const results = await Promise.all(requests.map((r) => second.solve(r)));
  assert.equal(results.filter((r) => r.cached).length, 2, 'the two finished tasks are read back');
  assert.equal(fs.readdirSync(path.join(dir, 'jobs')).length, 2, 'the second run submitted only the missing tasks');
  // job ids are numbers: the newest is the largest (not the last in string order: '10' < '9')
  const newest = fs.readdirSync(path.join(dir, 'jobs')).map((f) => Number(f.replace('.json', ''))).sort((a, b) => a - b).at(-1)!;
  const tasksOfSecond = JSON.parse(fs.readFileSync(path.join(dir, 'jobs', `${newest}.json`), 'utf8')).keys;
  assert.equal(tasksOfSecond.length, 3);
  second.dispose();
});

test('a failing task is reported with its job id, task id and log, and the others still finish', async () => {
  const dir = fresh();
  const slurm = new SlurmRunner({ dir, cliCommand: cli, pollMs: 300 });
  const bad: SolveRequest = { solver: 'demo.quadratic', params: { a: -1 } };   // out of range: the task fails
  const good: SolveRequest = { solver: 'demo.quadratic', params: { a: 2, b: 4 } };
  const [b, g] = await Promise.allSettled([slurm.solve(bad), slurm.solve(good)]);
  assert.equal(g.status, 'fulfilled');
  assert.equal((g as PromiseFulfilledResult<{ outputs: Record<string, unknown> }>).value.outputs.x_min, -1);
  assert.equal(b.status, 'rejected');
  const err = (b as PromiseRejectedResult).reason as SlurmTaskError;
  assert.ok(err instanceof SlurmTaskError, String(err));
  assert.match(err.message, /out of its documented range/);
  assert.match(err.failure.log, /_0\.out$/);
  assert.ok(fs.existsSync(err.failure.log), 'the log path exists');
  slurm.dispose();
});

test('cancelling scancels the array', async () => {
  const dir = fresh();
  const slurm = new SlurmRunner({ dir, cliCommand: cli, pollMs: 300 });
  const ctl = new AbortController();
  const slow: SolveRequest = { solver: 'demo.noisy_mean', params: { n: 50_000_000, seeds: 50 } };
  const p = slurm.solve(slow, { signal: ctl.signal });
  // wait until the array exists, then cancel
  for (let i = 0; i < 50 && fs.readdirSync(path.join(dir, 'jobs')).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  const jobId = fs.readdirSync(path.join(dir, 'jobs'))[0].replace('.json', '');
  ctl.abort();
  await assert.rejects(p, /cancelled/);
  let live = 'x';
  for (let i = 0; i < 40 && live; i++) {
    await new Promise((r) => setTimeout(r, 250));
    live = execFileSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' }).trim();
  }
  assert.equal(live, '', `job ${jobId} is still queued: ${live}`);
  slurm.dispose();
});

// `theorylab run FILE.tlab --backend slurm` against the local Slurm: same report as a local run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip);
  if (x && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x as Record<string, unknown>)
      .filter(([k]) => !['seconds', 'backend', 'cached', 'file'].includes(k)).map(([k, v]) => [k, strip(v)]));
  }
  return x;
}

test('run --backend slurm gives the same report as a local run, and a re-run submits nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-slurm-cli-'));
  const file = path.join(dir, 'sweep.tlab');
  fs.writeFileSync(file, `experiment cluster_sweep "a sweep on the cluster" {
  sweep b = [-2, 0, 2, 4]
  solve q = demo.quadratic(a = 2, b = b)
  sweep mu = [0, 1]
  simulate m = demo.noisy_mean(mu = mu, n = 500, seeds = 3)
  expect q.x_min[b = 4] == -1
  expect m.mean[mu = 1] ≈ 1 within 0.3
}
`);
  const slurm = execFileSync(process.execPath, [cli, 'run', file, '--json', '--backend', 'slurm', '--array-limit', '3', '--time', '00:05:00'], { encoding: 'utf8' });
  const local = execFileSync(process.execPath, [cli, 'run', file, '--json'], { encoding: 'utf8' });
  assert.deepEqual(strip(JSON.parse(slurm)), strip(JSON.parse(local)));
  const jobs = path.join(dir, '.theorylab', 'slurm', 'jobs');
  const submitted = fs.readdirSync(jobs).length;
  assert.ok(submitted >= 1);
  execFileSync(process.execPath, [cli, 'run', file, '--json', '--backend', 'slurm'], { encoding: 'utf8' });
  assert.equal(fs.readdirSync(jobs).length, submitted, 'every task was read back from the results folder');
});

test('malformed cluster options are errors with exit code 2', () => {
  const r = spawnSync(process.execPath, [cli, 'run', path.join(root, 'examples', 'demo.tlab'), '--backend', 'slurm', '--time', 'soon'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--time must look like HH:MM:SS/);
  const b = spawnSync(process.execPath, [cli, 'run', path.join(root, 'examples', 'demo.tlab'), '--backend', 'pbs'], { encoding: 'utf8' });
  assert.equal(b.status, 2);
  assert.match(b.stderr, /--backend must be local or slurm/);
});

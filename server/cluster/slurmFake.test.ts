// The Slurm runner against fake `sbatch` / `squeue` / `scancel` scripts on PATH (no cluster needed):
// a refused submission fails every call of the array with sbatch's own message and `run` exits 2
// (it used to print nothing and exit 0: the waiters had left the queue and were never settled);
// Ctrl-C during a run scancels the submitted array and exits 130; the results folder is at the
// workspace root (nearest package.json), not next to the file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SlurmRunner } from './slurm';

const repo = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-slurm-fake-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder of fake Slurm commands; `scancel` appends its arguments to scancel.log there. */
function fakeSlurm(name: string, sbatch: string): string {
  const bin = path.join(tmp, name);
  fs.mkdirSync(bin);
  const script = (file: string, body: string) => fs.writeFileSync(path.join(bin, file), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  script('sbatch', sbatch);
  script('squeue', 'for j in $(cat "$(dirname "$0")/jobs" 2>/dev/null); do echo "${j}_0 PENDING"; done');
  script('scancel', 'echo "$@" >> "$(dirname "$0")/scancel.log"');
  return bin;
}

const refusing = fakeSlurm('refusing', 'echo "sbatch: error: Batch job submission failed: Invalid partition name specified" >&2\nexit 1');
const accepting = fakeSlurm('accepting', 'echo 4242 >> "$(dirname "$0")/jobs"\necho 4242');
const withPath = (bin: string) => ({ ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` });

const SWEEP = 'experiment q {\n  sweep b = [0, 2, 4]\n  solve s = demo.quadratic(a = 2, b = b)\n  expect s.x_min[b = 4] == -1\n}\n';

test('a refused sbatch rejects every call of the array, duplicates included, with sbatch\'s message', async () => {
  const runner = new SlurmRunner({ dir: path.join(tmp, 'direct'), env: { PATH: withPath(refusing).PATH }, pollMs: 50 });
  try {
    const calls = [0, 2, 4, 4].map((b) => runner.solve({ solver: 'demo.quadratic', params: { a: 2, b } }));
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.allSettled(calls),
      new Promise<'hung'>((r) => { timer = setTimeout(() => r('hung'), 10_000); }),
    ]);
    clearTimeout(timer);
    assert.notEqual(settled, 'hung', 'the calls of a failed submission never settled');
    for (const s of settled as PromiseSettledResult<unknown>[]) {
      assert.equal(s.status, 'rejected');
      assert.match(String((s as PromiseRejectedResult).reason?.message), /sbatch failed \(exit code 1\): sbatch: error: Batch job submission failed: Invalid partition name/);
    }
  } finally { runner.dispose(); }
});

test('`run --backend slurm` with a refused sbatch reports the error and exits 2', () => {
  const dir = path.join(tmp, 'cli-refused');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'q.tlab');
  fs.writeFileSync(file, SWEEP);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server', 'cli.ts'), 'run', file, '--backend', 'slurm'],
    { cwd: repo, encoding: 'utf8', env: withPath(refusing), timeout: 120_000 });
  assert.equal(r.status, 2, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stdout + r.stderr, /Invalid partition name specified/);
});

test('Ctrl-C during a Slurm run scancels the submitted array and exits 130; results live at the workspace root', async () => {
  const ws = path.join(tmp, 'ws');
  fs.mkdirSync(path.join(ws, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'package.json'), '{}');
  const file = path.join(ws, 'sub', 'q.tlab');
  fs.writeFileSync(file, SWEEP);
  const cli = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'server', 'cli.ts'), 'run', file, '--backend', 'slurm'],
    { cwd: repo, env: withPath(accepting), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  cli.stdout.on('data', (d) => { out += d; });
  cli.stderr.on('data', (d) => { out += d; });
  const exit = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
  const jobFile = path.join(ws, '.theorylab', 'slurm', 'jobs', '4242.json');
  for (let t0 = Date.now(); !fs.existsSync(jobFile); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() - t0 > 60_000) { cli.kill('SIGKILL'); assert.fail(`no array was submitted to the workspace root's results folder:\n${out}`); }
  }
  assert.equal(fs.existsSync(path.join(ws, 'sub', '.theorylab')), false, 'nothing is written next to the file');
  await new Promise((r) => setTimeout(r, 300));   // the runner has recorded the submission
  cli.kill('SIGINT');
  assert.equal(await exit, 130, out);
  assert.equal(fs.readFileSync(path.join(accepting, 'scancel.log'), 'utf8').trim(), '4242');
});

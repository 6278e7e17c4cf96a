// A workspace solver on the real (local) Slurm: `theorylab run --backend slurm` submits its calls as
// array tasks; each task runs the same interpreter and Python file on the node and gives the same
// outputs as a local run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { manifest, SOLVERS_PY, testPython } from '../../server/workspace-solvers/testkit';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');

test('a Python workspace solver runs as a Slurm array and matches the local run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'theorylab-slurm-wsolver-'));
  fs.writeFileSync(path.join(dir, 'solvers.py'), SOLVERS_PY);
  fs.writeFileSync(path.join(dir, 'ok.solver.toml'), manifest('wstest.ok', 'ok'));
  const file = path.join(dir, 'ws.tlab');
  fs.writeFileSync(file, `experiment ws_sweep "a workspace solver on the cluster" {
  sweep x = [1, 2, 3]
  solve r = wstest.ok(x = x)
  expect r.y[x = 3] == 6
  expect r.y[x = 1] == 2
}
`);
  const env: NodeJS.ProcessEnv = { ...process.env, THEORYLAB_PYTHON: testPython };
  delete env.THEORYLAB_WORKSPACE;
  const slurm = JSON.parse(execFileSync(process.execPath, [cli, 'run', file, '--json', '--backend', 'slurm', '--time', '00:05:00'], { encoding: 'utf8', env }));
  const local = JSON.parse(execFileSync(process.execPath, [cli, 'run', file, '--json'], { encoding: 'utf8', env }));
  const passed = (r: any) => r.blocks[0].expects.filter((e: any) => e.passed).length;
  assert.equal(slurm.passed, true, JSON.stringify(slurm));
  assert.equal(passed(slurm), 2);
  assert.equal(passed(local), 2);
  const jobs = fs.readdirSync(path.join(dir, '.theorylab', 'slurm', 'jobs'));
  assert.equal(jobs.length, 1, 'one array job for the three calls');
  const submitted = JSON.parse(fs.readFileSync(path.join(dir, '.theorylab', 'slurm', 'jobs', jobs[0]), 'utf8'));
  assert.equal(submitted.keys.length, 3, 'three array tasks');
  // every task wrote its result, computed in a Python process on the node
  const results = fs.readdirSync(path.join(dir, '.theorylab', 'slurm', 'results')).filter((f) => /^[0-9a-f]+\.json$/.test(f));
  assert.equal(results.length, 3);
  const ys = results.map((f) => JSON.parse(fs.readFileSync(path.join(dir, '.theorylab', 'slurm', 'results', f), 'utf8')).outputs.y).sort();
  assert.deepEqual(ys, [2, 4, 6]);
});

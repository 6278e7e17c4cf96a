// The examples of examples/workspace-solver/ run as written: their declarations load without a
// diagnostic, and every expectation of the Python (NumPy) and JavaScript experiments passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { InProcessRunner } from '../engine/runner';
import { runTlabFile } from '../tlab/cli';
import { findManifests, loadManifests, readFileOrUndefined } from './registry';
import { loadCliWorkspaceSolvers } from './cli';
import { testPython } from './testkit';

const dir = path.resolve(__dirname, '..', '..', 'examples', 'workspace-solver');

test('the example declarations are clean', () => {
  const loaded = loadManifests(findManifests([dir]), readFileOrUndefined);
  assert.deepEqual(loaded.decls.map((d) => d.id).sort(), ['mylab.gaussian_moment', 'mylab.ridgeless']);
  for (const [file, diags] of loaded.diagnostics) assert.deepEqual(diags, [], file);
});

test('both example experiments pass their expectations', async () => {
  process.env.THEORYLAB_WORKSPACE = dir;
  process.env.THEORYLAB_PYTHON = testPython;
  try {
    assert.equal(loadCliWorkspaceSolvers([]), 2);
    for (const f of ['ridgeless.tlab', 'gaussian_moments.tlab']) {
      const res = await runTlabFile(path.join(dir, f), { json: false, device: 'cpu', runner: new InProcessRunner() });
      assert.equal(res.exitCode, 0, res.text);
      assert.match(res.text, /passed, 0 failed/);
    }
  } finally {
    delete process.env.THEORYLAB_WORKSPACE;
    delete process.env.THEORYLAB_PYTHON;
  }
});

test('the CLI names the interpreter only of the workspace solver it was asked to run', () => {
  process.env.THEORYLAB_WORKSPACE = dir;
  process.env.THEORYLAB_PYTHON = testPython;
  try {
    const lines = (solveId?: string) => { const out: string[] = []; loadCliWorkspaceSolvers([], (l) => out.push(l), solveId); return out; };
    assert.deepEqual(lines('demo.quadratic'), []);
    assert.deepEqual(lines('mylab.ridgeless').map((l) => l.replace(/: Python .*/, '')), ['theorylab: workspace solver mylab.ridgeless']);
    assert.equal(lines().filter((l) => /: Python /.test(l)).length, 1); // no file and no id: every Python solver
  } finally {
    delete process.env.THEORYLAB_WORKSPACE;
    delete process.env.THEORYLAB_PYTHON;
  }
});

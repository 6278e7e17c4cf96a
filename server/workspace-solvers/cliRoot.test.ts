// The CLI's workspace root (product.md §8: the file's folder or its nearest ancestor with .git or
// package.json) decides where workspace solvers are looked for and where `solve` caches. `.theorylab`
// (which the CLI writes itself) and `.vscode` do not make a folder a workspace: once `solve` had run in
// a subfolder, that subfolder became "the workspace" and solvers declared elsewhere were unknown.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { workspaceRootsFor } from './cli';

const repo = path.resolve(__dirname, '..', '..');
const tsx = require.resolve('tsx');   // absolute: `solve` runs with the cwd in the test workspace
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cli-root-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A workspace with the solver in solvers/ and the experiment in exp/; `marker` at its root. */
function workspace(name: string, marker: '.git' | 'package.json'): { root: string; exp: string; tlab: string } {
  const root = path.join(tmp, name);
  for (const d of ['solvers', 'exp']) fs.mkdirSync(path.join(root, d), { recursive: true });
  if (marker === '.git') fs.mkdirSync(path.join(root, '.git'));
  else fs.writeFileSync(path.join(root, 'package.json'), '{}');
  fs.writeFileSync(path.join(root, 'solvers', 'sq.mjs'), 'export function f(p) { return { y: p.x * p.x }; }\n');
  fs.writeFileSync(path.join(root, 'solvers', 'sq.solver.toml'), `id = "roottest.sq"
title = "square"
doc = "x squared"
version = "1"
entry = "sq.mjs:f"
[[params]]
name = "x"
kind = "number"
default = 1
doc = "x"
[[outputs]]
name = "y"
kind = "number"
doc = "x²"
`);
  const tlab = path.join(root, 'exp', 'e.tlab');
  fs.writeFileSync(tlab, 'experiment e "e" {\n  solve r = roottest.sq(x = 3)\n  expect r.y == 9\n}\n');
  return { root, exp: path.join(root, 'exp'), tlab };
}

function cli(args: string[], cwd: string): { code: number | null; out: string } {
  const env = { ...process.env };
  delete env.THEORYLAB_WORKSPACE;
  const r = spawnSync(process.execPath, ['--import', tsx, path.join(repo, 'server', 'cli.ts'), ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test('the workspace root is the nearest .git or package.json folder; .theorylab and .vscode are no markers', () => {
  const saved = process.env.THEORYLAB_WORKSPACE;
  delete process.env.THEORYLAB_WORKSPACE;
  try {
    const g = workspace('roots-git', '.git');
    fs.mkdirSync(path.join(g.exp, '.theorylab', 'cache'), { recursive: true });
    fs.mkdirSync(path.join(g.exp, '.vscode'));
    assert.deepEqual(workspaceRootsFor([g.tlab]), [g.root]);
    assert.deepEqual(workspaceRootsFor([], g.exp), [g.root], 'without a file: from the current directory');
    const p = workspace('roots-pkg', 'package.json');
    assert.deepEqual(workspaceRootsFor([p.tlab]), [p.root]);
    const bare = path.join(tmp, 'bare');
    fs.mkdirSync(bare);
    fs.writeFileSync(path.join(bare, 'x.tlab'), '');
    assert.equal(workspaceRootsFor([path.join(bare, 'x.tlab')])[0], bare, 'no marker: the file\'s folder');
  } finally { if (saved !== undefined) process.env.THEORYLAB_WORKSPACE = saved; }
});

test('`solve` in a subfolder caches at the workspace root, and `run` there still finds the solvers', () => {
  const w = workspace('after-solve', '.git');
  const s = cli(['solve', 'roottest.sq', '--param', 'x=2'], w.exp);
  assert.equal(s.code, 0, s.out);
  assert.match(s.out, /y = 4/);
  assert.ok(fs.readdirSync(path.join(w.root, '.theorylab', 'cache')).length > 0, 'the cache is at the workspace root');
  assert.equal(fs.existsSync(path.join(w.exp, '.theorylab')), false, 'nothing is written in the current directory');
  const r = cli(['run', w.tlab], w.exp);
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /unknown solver/);
});

test('a workspace marked only by package.json finds the solvers declared in another folder', () => {
  const w = workspace('pkg-only', 'package.json');
  const r = cli(['run', w.tlab], repo);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /1 passed, 0 failed/);
});

// Where a Python workspace solver's crash is reported: the innermost frame in the user's files
// (docs/workspace-solvers.md). A SyntaxError's traceback ends in `<frozen importlib._bootstrap>`,
// which the runtime used to make absolute (so it looked like a file of the manifest's folder); now
// pseudo-files are never the user's, and a SyntaxError points at the line the parser stopped at.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runChild, WorkspaceSolverCrash } from './childRunner';
import { readManifest } from './manifest';
import { testPython } from './testkit';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-crash-location-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function crashOf(file: string, source: string, fn = 'f'): Promise<WorkspaceSolverCrash> {
  fs.writeFileSync(path.join(dir, file), source);
  const manifestFile = path.join(dir, `${path.parse(file).name}.solver.toml`);
  const decl = readManifest(`id = "crashtest.${path.parse(file).name}"\nentry = "${file}:${fn}"\n[[outputs]]\nname = "y"\nkind = "number"\ndoc = "y"\n`,
    manifestFile, () => false).decl!;
  return runChild({
    decl, python: testPython, params: {}, seed: 0, budget: 'full', signal: new AbortController().signal,
    progress: () => {}, warn: () => {}, log: () => {}, memoryLimitBytes: 2 ** 30,
  }).then(() => assert.fail('the solver should have crashed'), (e) => {
    assert.ok(e instanceof WorkspaceSolverCrash, String(e));
    return e;
  });
}

test('a SyntaxError in the user\'s module is located at the user\'s file and line, not in importlib', async () => {
  const e = await crashOf('syntaxerr.py', 'import math\n\ndef f(params, ctx)\n    return {"y": 1}\n');
  assert.match(e.message, /raised SyntaxError/);
  assert.match(e.message, /\(syntaxerr\.py:3, in <module>\)/, e.message);
  assert.doesNotMatch(e.message.split('\n')[0], /frozen/);
  assert.equal(e.where?.file, path.join(dir, 'syntaxerr.py'));
  assert.equal(e.where?.line, 3);
});

test('frames of pseudo-files (<string>) are never the user\'s: the innermost real frame is', async () => {
  const e = await crashOf('viaexec.py', 'def f(params, ctx):\n    exec("1 / 0")\n    return {"y": 1}\n');
  assert.match(e.message, /raised ZeroDivisionError/);
  assert.match(e.message.split('\n')[0], /\(viaexec\.py:2, in f\)/, e.message);
});

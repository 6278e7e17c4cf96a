// Every example of the workspace checks without errors, and the quick ones run with every expectation
// and check passing (the long simulations are run by hand or in benchmarks: their expected numbers are
// in the files' comments and in bench/RESULTS.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkTlabFile, runTlabFile } from '../../server/tlab/cli';
import { checkClevrFile, runClevrFile } from '../../server/clevr/cli';
import { InProcessRunner } from '../../server/engine/runner';
import { loadCliWorkspaceSolvers } from '../../server/workspace-solvers/cli';

const root = path.resolve(__dirname, '..', '..', 'examples');
// examples/workspace-solver/ declares its own solvers (*.solver.toml); register them as `theorylab check` would
process.env.THEORYLAB_WORKSPACE = path.join(root, 'workspace-solver');
loadCliWorkspaceSolvers([]);
delete process.env.THEORYLAB_WORKSPACE;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'data' ? [] : files(p);
    return /\.(tlab|clevr)$/.test(e.name) ? [p] : [];
  });
}

const all = files(root);

test('the examples folder has every paper and both languages', () => {
  const names = all.map((f) => path.relative(root, f));
  for (const n of ['demo.tlab', 'scaling-laws.tlab', 'influence.tlab', 'bayeslime.tlab', 'associative-memory.tlab', 'pcn.tlab', 'bype-vae.tlab', 'clevr/spec.clevr']) {
    assert.ok(names.includes(n), `examples/${n} is missing`);
  }
  assert.ok(names.some((n) => n.startsWith('derivations/')));
});

for (const file of all) {
  test(`${path.relative(root, file)} checks without errors`, () => {
    const { diagnostics } = file.endsWith('.tlab') ? checkTlabFile(file) : checkClevrFile(file);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => `${d.line}:${d.column} ${d.message}`), []);
  });
}

// Quick to run in full: closed forms, derivations, CLEVR programs and sentences, BayesLIME (a second), associative memory (~15 s).
// (influence.tlab is quick too but compares timings in one expectation: a benchmark's business.)
const quick = all.filter((f) => /^(demo|language-tour|bayeslime|associative-memory)\.tlab$|derivations\/|\.clevr$/.test(path.relative(root, f)));
for (const file of quick) {
  test(`${path.relative(root, file)} runs and every expectation passes (derivations: the deliberately wrong checks fail)`, async () => {
    const res = file.endsWith('.tlab')
      ? await runTlabFile(file, { json: true, runner: new InProcessRunner(), budget: 'test' })
      : await runClevrFile(file, { json: true });
    if (file.includes(`${path.sep}derivations${path.sep}`)) {
      // each derivation example contains exactly one deliberately wrong check, marked in a comment
      const text = fs.readFileSync(file, 'utf8');
      const wrongMarked = (text.match(/WRONG/g) ?? []).length;
      assert.ok(wrongMarked >= 1);
      assert.equal(res.exitCode, 1, res.text);
      const failed = res.text.split('\n').filter((l) => /^\s+✗/.test(l));
      assert.equal(failed.length, 1, res.text);
    } else {
      assert.equal(res.exitCode, 0, res.text);
    }
  });
}

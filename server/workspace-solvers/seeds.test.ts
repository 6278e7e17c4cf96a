// Seeds of stochastic workspace solvers (seeds.ts): the registry entry gains `seeds` and shows numbers
// as stats; the runs are combined (mean ± std, elementwise means, pooled stats); end to end, a Python
// solver declared `stochastic = true` runs once per seed with seed = job seed · 10000 + s.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InProcessRunner } from '../engine/runner';
import { getSolver } from '../solvers/index';
import { readManifest } from './manifest';
import { findManifests, loadManifests, readFileOrUndefined, registerWorkspace } from './registry';
import { combineSeeds, registryOutputs, registryParams } from './seeds';
import { manifest, SOLVERS_PY, testPython } from './testkit';

const decl = (extra: string, fn = 'ok') => readManifest(manifest('mylab.s', fn, extra), '/ws/s.solver.toml', () => false).decl!;

test('a stochastic solver gains `seeds` and its numbers become stats; one with its own `seeds` or a deterministic one is unchanged', () => {
  const s = decl('stochastic = true\n');
  assert.deepEqual(registryParams(s).map((p) => p.name), ['x', 'pidfile', 'seeds']);
  assert.deepEqual(registryOutputs(s).map((o) => o.kind), ['stat', 'stat']);
  const d = decl('');
  assert.deepEqual(registryParams(d), d.params);
  assert.deepEqual(registryOutputs(d), d.outputs);
  const own = decl('stochastic = true\n\n[[params]]\nname = "seeds"\nkind = "integer"\ndefault = 3\ndoc = "mine"\n');
  assert.deepEqual(registryParams(own), own.params);
  assert.deepEqual(registryOutputs(own).map((o) => o.kind), ['number', 'integer']);
});

test('runs combine: mean ± std (n − 1) of numbers, elementwise means, pooled stats, first value otherwise', () => {
  const base = decl('stochastic = true\n');
  const d = {
    ...base,
    outputs: [
      { name: 'a', kind: 'number' as const, doc: '' }, { name: 'v', kind: 'vector' as const, doc: '' },
      { name: 'm', kind: 'matrix' as const, doc: '' }, { name: 's', kind: 'stat' as const, doc: '' },
      { name: 'w', kind: 'string' as const, doc: '' },
    ],
  };
  const out = combineSeeds(d, [
    { a: 1, v: [1, 10], m: [[1, 2]], s: { mean: 1, std: Math.SQRT2, n: 2 }, w: 'first' }, // samples 0, 2
    { a: 3, v: [3, 30], m: [[3, 4]], s: { mean: 4, std: Math.SQRT2, n: 2 }, w: 'second' }, // samples 3, 5
  ]);
  assert.deepEqual(out.a, { mean: 2, std: Math.SQRT2, n: 2 });
  assert.deepEqual(out.v, [2, 20]);
  assert.deepEqual(out.m, [[2, 3]]);
  const samples = [0, 2, 3, 5], mean = 2.5, std = Math.sqrt(samples.reduce((t, x) => t + (x - mean) ** 2, 0) / 3);
  const s = out.s as { mean: number; std: number; n: number };
  assert.equal(s.n, 4);
  assert.ok(Math.abs(s.mean - mean) < 1e-15 && Math.abs(s.std - std) < 1e-15, JSON.stringify(s));
  assert.equal(out.w, 'first');
  assert.throws(() => combineSeeds(d, [{ a: 1, v: [1], m: [[1]], s: { mean: 0, std: 0, n: 1 }, w: '' }, { a: 1, v: [1, 2], m: [[1]], s: { mean: 0, std: 0, n: 1 }, w: '' }]),
    /`v` has shape 2×1 in one seed and 1×1 in another/);
});

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-seeds-'));
after(() => fs.rmSync(ws, { recursive: true, force: true }));

test('end to end: `simulate` of a stochastic Python solver runs it once per seed and reports mean ± std', async () => {
  fs.writeFileSync(path.join(ws, 'solvers.py'), SOLVERS_PY);
  fs.writeFileSync(path.join(ws, 'ok.solver.toml'), manifest('wsseeds.ok', 'ok', 'stochastic = true\n'));
  const loaded = loadManifests(findManifests([ws]), readFileOrUndefined);
  registerWorkspace(loaded.decls, () => ({ trusted: true, python: { path: testPython, why: 'test' }, log: () => {} }));
  assert.equal(getSolver('wsseeds.ok')!.outputs[0].kind, 'stat');
  const progress: string[] = [];
  const runner = new InProcessRunner({ device: 'cpu' });
  const res = await runner.solve({ solver: 'wsseeds.ok', params: { x: 1, seeds: 3 }, seed: 2 }, { onProgress: (_f, m) => { if (m) progress.push(m); } });
  // y = 2x + seed over seeds 20000, 20001, 20002
  assert.deepEqual(res.outputs.y, { mean: 20003, std: 1, n: 3 });
  assert.ok(progress.includes('seed 3/3: step 4'), progress.join(' | '));
  await assert.rejects(runner.solve({ solver: 'wsseeds.ok', params: { seeds: 0 } }), /seeds/);
});

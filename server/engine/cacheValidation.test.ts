// Nothing read back from the result cache is trusted: entries whose envelope is valid but whose
// contents are wrong (outputs null or {}, wrong types, a missing output, a checksum that does not
// match) are deleted and recomputed; fresh results that break their solver's declaration are not
// cached; temporary files of interrupted writes are removed when the cache opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SolverDef } from '../solvers/registry';
import { removeOrphanTemps, ResultCache } from './cache';
import { registerExtraSolvers } from './execute';
import { createRunner } from './factory';
import { plainValues, resultProblem } from './resultShape';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cachev-'));
const QUAD = { solver: 'demo.quadratic', params: { a: 2, b: 4 } };

/** Solves QUAD once into `dir` and returns the path of its cache file. */
async function warmFile(dir: string): Promise<string> {
  await createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir }).solve(QUAD);
  const [f] = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  return path.join(dir, f);
}

const corruptions: [string, (e: any) => void][] = [
  ['outputs null', (e) => { e.result.outputs = null; }],
  ['outputs {}', (e) => { e.result.outputs = {}; }],
  ['a missing output', (e) => { delete e.result.outputs.f_min; }],
  ['a string where a number is declared', (e) => { e.result.outputs.x_min = 'oops'; }],
  ['a list where a number is declared', (e) => { e.result.outputs.x_min = [1]; }],
  ['result null', (e) => { e.result = null; }],
  ['warnings not strings', (e) => { e.result.warnings = [1, null]; }],
  ['backend missing', (e) => { delete e.result.backend; }],
];

for (const [what, corrupt] of corruptions) {
  test(`a cache entry with ${what} is discarded and recomputed (checksum fixed up, so the shape check decides)`, async () => {
    const dir = tmp();
    const file = await warmFile(dir);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    corrupt(entry);
    delete entry.sha256; // as a format-1 entry (no checksum): only the declaration can catch it
    entry.format = 1;
    fs.writeFileSync(file, JSON.stringify(entry));
    const notes: string[] = [];
    const r = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir, log: (m) => notes.push(m) });
    const res = await r.solve(QUAD);
    assert.equal(res.cached, undefined, 'recomputed');
    assert.deepEqual(res.outputs, { x_min: -1, f_min: -2 });
    assert.ok(notes.some((n) => /ignored a corrupt cache file/.test(n)), notes.join('\n'));
    // the bad file was replaced by a good one
    const again = await createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir }).solve(QUAD);
    assert.equal(again.cached, true);
    assert.deepEqual(again.outputs, { x_min: -1, f_min: -2 });
  });
}

test('an entry whose contents changed under a valid checksum field is discarded', async () => {
  const dir = tmp();
  const file = await warmFile(dir);
  const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
  entry.result.outputs.x_min = 123; // well-typed, but not what was computed
  fs.writeFileSync(file, JSON.stringify(entry));
  const warnings: string[] = [];
  const key = path.basename(file, '.json');
  assert.equal(new ResultCache(dir).get(key, (m) => warnings.push(m)), undefined);
  assert.match(warnings[0], /checksum does not match/);
  assert.equal(fs.existsSync(file), false, 'the bad file is deleted');
});

test('a fresh result that breaks its solver\'s declaration is returned but not cached', async () => {
  const liar: SolverDef = {
    id: 'test.liar', title: 'declares a number, returns a string', paper: 'engine test', mathSpec: '', version: '1', doc: '',
    params: [], outputs: [{ name: 'x', kind: 'number', doc: '' }],
    async run() { return { x: 'not a number' }; },
  };
  registerExtraSolvers([liar]);
  const dir = tmp();
  const notes: string[] = [];
  const r = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir, log: (m) => notes.push(m) });
  assert.equal((await r.solve({ solver: 'test.liar', params: {} })).outputs.x, 'not a number');
  assert.equal((await r.solve({ solver: 'test.liar', params: {} })).cached, undefined);
  assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.json')).length, 0);
  assert.ok(notes.some((n) => /do not match its declaration \(output `x`: expected a number, got a string\)/.test(n)), notes.join('\n'));
});

test('the shape check: kinds of every declared output', () => {
  const ok = { backend: 'cpu', seconds: 0, warnings: [] };
  const outs = [
    { name: 'n', kind: 'number' as const, doc: '' }, { name: 'v', kind: 'vector' as const, doc: '' },
    { name: 'm', kind: 'matrix' as const, doc: '' }, { name: 's', kind: 'stat' as const, doc: '' },
    { name: 'b', kind: 'boolean' as const, doc: '' }, { name: 'o', kind: 'object' as const, doc: '' },
  ];
  const good = { n: NaN, v: [1, 2], m: [[1], [2]], s: { mean: 1, std: 0, n: 3 }, b: true, o: { any: 'thing' } };
  assert.equal(resultProblem({ ...ok, outputs: good }, outs), undefined);
  assert.match(resultProblem({ ...ok, outputs: { ...good, v: [1, 'x'] } }, outs)!, /`v`: expected a list of numbers/);
  assert.match(resultProblem({ ...ok, outputs: { ...good, m: [1, 2] } }, outs)!, /`m`: expected a matrix/);
  assert.match(resultProblem({ ...ok, outputs: { ...good, s: { std: 1 } } }, outs)!, /`s`: expected \{mean, std, n\}/);
  assert.match(resultProblem({ ...ok, outputs: { ...good, o: undefined } }, outs)!, /`o`: missing/);
  // null scalars are "not applicable" (documented per output: q_min_learned when k_c = 0, an empty pool's mean)
  assert.equal(resultProblem({ ...ok, outputs: { ...good, n: null, b: null, o: null, s: { mean: null, std: null, n: 0 } } }, outs), undefined);
  assert.match(resultProblem({ ...ok, outputs: { ...good, n: 'x' } }, outs)!, /`n`: expected a number, got a string/);
  assert.match(resultProblem({ ...ok, outputs: { ...good, s: { mean: 1, std: 0, n: null } } }, outs)!, /`s`: expected \{mean, std, n\}/);
  assert.match(resultProblem({ ...ok, outputs: [] }, outs)!, /outputs is a list/);
  assert.deepEqual(plainValues({ v: new Float64Array([1, 2]), m: [new Float32Array([3])] }), { v: [1, 2], m: [[3]] });
});

test('typed-array outputs are cached as lists and come back as lists', async () => {
  const typed: SolverDef = {
    id: 'test.typed', title: 'returns a Float64Array', paper: 'engine test', mathSpec: '', version: '1', doc: '',
    params: [], outputs: [{ name: 'v', kind: 'vector', doc: '' }],
    async run() { return { v: new Float64Array([0.5, NaN]) as unknown as number[] }; },
  };
  registerExtraSolvers([typed]);
  const dir = tmp();
  await createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir }).solve({ solver: 'test.typed', params: {} });
  const hit = await createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir }).solve({ solver: 'test.typed', params: {} });
  assert.equal(hit.cached, true);
  assert.ok(Array.isArray(hit.outputs.v));
  assert.equal((hit.outputs.v as number[])[0], 0.5);
  assert.ok(Number.isNaN((hit.outputs.v as number[])[1]));
});

test('orphan .tmp files of dead writers are removed when the cache opens; a live writer\'s stays', () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'tags'));
  // a pid that surely exited: a finished child's
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const orphan = path.join(dir, `${'c'.repeat(64)}.json.${dead}.tmp`);
  const orphanTag = path.join(dir, 'tags', `x.json.${dead}.abc123.tmp`);
  const old = path.join(dir, `${'d'.repeat(64)}.json.${process.ppid}.tmp`);
  const live = path.join(dir, `${'e'.repeat(64)}.json.${process.ppid}.tmp`);
  for (const f of [orphan, orphanTag, old, live]) fs.writeFileSync(f, 'x'.repeat(1000));
  const hourAgo = new Date(Date.now() - 3600_000);
  fs.utimesSync(old, hourAgo, hourAgo);
  new ResultCache(dir);
  assert.equal(fs.existsSync(orphan), false);
  assert.equal(fs.existsSync(orphanTag), false);
  assert.equal(fs.existsSync(old), false, 'older than any write takes');
  assert.equal(fs.existsSync(live), true, 'a live process may still rename it');
  assert.equal(removeOrphanTemps(dir), 0);
});

test('a result with a documented null output is cached like any other (bayes_optimal below the first feature: k_c = 0)', async () => {
  const dir = tmp();
  const req = { solver: 'scaling.bayes_optimal', params: { alpha: 0.001 } };
  const first = await createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir }).solve(req);
  assert.equal(first.outputs.k_c, 0);
  assert.equal(first.outputs.q_min_learned, null);
  const again = await createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir }).solve(req);
  assert.equal(again.cached, true);
  assert.equal(again.outputs.q_min_learned, null);
});

// The result cache: key canonicalisation, memory and disk hits flagged `cached`, corrupt files
// ignored with a warning, NaN kept across the disk round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheKey, canonicalJson, ResultCache } from './cache';
import { CachedRunner, createRunner } from './factory';
import { registerExtraSolvers } from './execute';
import { solvers as testSolvers } from './testSolvers';

registerExtraSolvers(testSolvers);

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cache-'));

test('canonical JSON sorts keys at every level; the key covers solver, version, params, seed, budget', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: NaN } }), '{"a":{"c":"NaN","d":[1,{"x":1,"y":2}]},"b":1}');
  const base = { solver: 's', version: '1', params: { a: 1, b: 2 }, seed: 0, budget: 'full' as const };
  const k = cacheKey(base);
  assert.equal(k, cacheKey({ ...base, params: { b: 2, a: 1 } }));
  assert.match(k, /^[0-9a-f]{64}$/);
  for (const change of [{ solver: 't' }, { version: '2' }, { params: { a: 1, b: 3 } }, { seed: 1 }, { budget: 'test' as const }]) {
    assert.notEqual(cacheKey({ ...base, ...change }), k);
  }
});

test('a second identical solve is served from memory and flagged cached; defaults do not change the key', async () => {
  const r = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true });
  const a = await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } });
  assert.equal(a.cached, undefined);
  const b = await r.solve({ solver: 'demo.quadratic', params: { b: 4, a: 2, c: 0 } });
  assert.equal(b.cached, true);
  assert.deepEqual(b.outputs, a.outputs);
  const c = await r.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 }, seed: 3 });
  assert.equal(c.cached, undefined, 'another seed is another result');
  assert.equal((await r.peek({ solver: 'demo.quadratic', params: { a: 2, b: 4 } }))?.cached, true);
  assert.equal(await r.peek({ solver: 'demo.quadratic', params: { a: 9 } }), undefined);
});

test('disk cache: a new runner on the same directory gets the result; NaN survives; a corrupt file is ignored with a warning', async () => {
  const dir = tmp();
  const r1 = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir });
  const first = await r1.solve({ solver: 'test.nan', params: {} });
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.json')).length, 1);
  const r2 = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir });
  const again = await r2.solve({ solver: 'test.nan', params: {} });
  assert.equal(again.cached, true);
  assert.ok(Number.isNaN((again.outputs.v as number[])[1]));
  assert.equal((again.outputs.s as { mean: number }).mean, Infinity);
  assert.deepEqual(again.warnings, first.warnings);
  for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), '{"format": 1, "key": trunc');
  const r3 = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir });
  const recomputed = await r3.solve({ solver: 'test.nan', params: {} });
  assert.equal(recomputed.cached, undefined);
  assert.ok(recomputed.warnings.some((w) => /ignored a corrupt cache file/.test(w)));
  // and the rewritten file is good again
  const r4 = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir });
  assert.equal((await r4.solve({ solver: 'test.nan', params: {} })).cached, true);
});

test('ResultCache ignores a file whose key does not match its name', () => {
  const dir = tmp();
  const c = new ResultCache(dir);
  c.set('a'.repeat(64), { outputs: { x: 1 }, backend: 'cpu', seconds: 0, warnings: [] }, { solver: 's', version: '1' });
  fs.copyFileSync(path.join(dir, `${'a'.repeat(64)}.json`), path.join(dir, `${'b'.repeat(64)}.json`));
  const warnings: string[] = [];
  assert.equal(new ResultCache(dir).get('b'.repeat(64), (m) => warnings.push(m)), undefined);
  assert.equal(warnings.length, 1);
  assert.equal(new ResultCache(dir).get('a'.repeat(64))?.outputs.x, 1);
});

test('the host runner behind the cache: a hit does not start a host at all', async () => {
  const dir = tmp();
  const warm = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir });
  await warm.solve({ solver: 'demo.quadratic', params: { a: 4 } });
  const r = createRunner({ device: 'cpu', timeoutSeconds: 10, cacheDir: dir, log: () => {} });
  const res = await r.solve({ solver: 'demo.quadratic', params: { a: 4 } });
  assert.equal(res.cached, true);
  assert.equal((r.inner as unknown as { starts: number }).starts, 0);
  r.dispose();
});

test('a tagged call site gets its last result back in a new runner, marked stale once its inputs change', async () => {
  const dir = tmp();
  const tag = 'file:///w/a.tlab#exp/1';
  const r1 = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir });
  await r1.solve({ solver: 'demo.quadratic', params: { a: 2, b: 4 } }, { tag });
  const r2 = createRunner({ device: 'cpu', timeoutSeconds: 0, inProcess: true, cacheDir: dir });
  const same = await r2.lastResult(tag, { solver: 'demo.quadratic', params: { b: 4, a: 2 } });
  assert.equal(same?.stale, false);
  assert.deepEqual(same?.result.outputs, { x_min: -1, f_min: -2 });
  const edited = await r2.lastResult(tag, { solver: 'demo.quadratic', params: { a: 3, b: 4 } });
  assert.equal(edited?.stale, true);
  assert.deepEqual(edited?.result.outputs, { x_min: -1, f_min: -2 });
  assert.equal(await r2.lastResult('file:///w/other.tlab#x'), undefined);
});

test('a device-choice warning belongs to its request: the cached result does not repeat it', async () => {
  const inner = {
    async solve() { return { outputs: { done: 0, pid: 1 }, backend: 'cpu', seconds: 0, warnings: ['GPU requested but not available (no adapter); using the CPU', 'a remark of the solver'] }; },
  };
  const runner = new CachedRunner(inner, new ResultCache(tmp()));
  const req = { solver: 'test.spin', params: { ms: 0 }, device: 'gpu' as const };
  const first = await runner.solve(req);
  assert.deepEqual(first.warnings, ['GPU requested but not available (no adapter); using the CPU', 'a remark of the solver']);
  const again = await runner.solve({ ...req, device: 'cpu' });
  assert.equal(again.cached, true);
  assert.deepEqual(again.warnings, ['a remark of the solver']);
});

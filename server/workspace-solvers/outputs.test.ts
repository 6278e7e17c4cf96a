// Output validation against the declared kinds, the interpreter choice, the source hash, and the
// JavaScript child runner (the same protocol as Python) driven directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeNonFinite, runChild } from './childRunner';
import { readManifest } from './manifest';
import { choosePython, outputProblem, sourceHash, validateOutputs } from './registry';
import { manifest } from './testkit';

test('each output kind accepts its shape and refuses others, NaN and Inf included', () => {
  const o = (kind: any) => ({ name: 'v', kind, doc: '' });
  assert.equal(outputProblem(o('number'), 1.5), undefined);
  assert.match(outputProblem(o('number'), NaN)!, /is NaN/);
  assert.match(outputProblem(o('number'), 'x')!, /must be a number, got string/);
  assert.match(outputProblem(o('integer'), 1.5)!, /must be an integer/);
  assert.equal(outputProblem(o('vector'), [1, 2]), undefined);
  assert.match(outputProblem(o('vector'), [1, Infinity])!, /`v`\[1\] is infinite/);
  assert.match(outputProblem(o('vector'), 3)!, /must be a vector, got number/);
  assert.equal(outputProblem(o('matrix'), [[1, 2], [3, 4]]), undefined);
  assert.match(outputProblem(o('matrix'), [[1, 2], [3]])!, /rows of different lengths/);
  assert.equal(outputProblem(o('stat'), { mean: 1, std: 0.1, n: 3 }), undefined);
  assert.match(outputProblem(o('stat'), { mean: 1 })!, /must be a stat/);
  assert.match(outputProblem(o('boolean'), 1)!, /must be a boolean/);
  assert.match(outputProblem(o('string'), undefined)!, /declared output `v` is missing/);
});

test('validateOutputs keeps the declared outputs and warns about the rest', () => {
  const decl = readManifest(manifest('mylab.v', 'ok'), '/ws/v.solver.toml', () => false).decl!;
  const warnings: string[] = [];
  assert.deepEqual(validateOutputs(decl, { y: 1, pid: 2, extra: 3 }, (m) => warnings.push(m)), { y: 1, pid: 2 });
  assert.match(warnings[0], /undeclared outputs \(dropped\): extra/);
  assert.throws(() => validateOutputs(decl, { y: 1 }, () => {}), /declared output `pid` is missing/);
  assert.deepEqual(decodeNonFinite({ a: [{ $nonfinite: 'nan' }, { $nonfinite: '-inf' }] }), { a: [NaN, -Infinity] });
});

test('interpreter: the setting, else the workspace .venv, else python3 on PATH', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-venv-'));
  try {
    assert.deepEqual(choosePython(dir, '/opt/py/bin/python'), { path: '/opt/py/bin/python', why: 'setting theorylab.python' });
    assert.equal(choosePython(dir, undefined).path, 'python3');
    fs.mkdirSync(path.join(dir, '.venv', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.venv', 'bin', 'python'), '');
    assert.equal(choosePython(dir, '').path, path.join(dir, '.venv', 'bin', 'python'));
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('the source hash follows the content of the entry and the declared sources', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-hash-'));
  try {
    fs.writeFileSync(path.join(dir, 'solvers.py'), 'a = 1\n');
    fs.writeFileSync(path.join(dir, 'lib.py'), 'b = 1\n');
    const decl = readManifest(manifest('mylab.h', 'ok', 'sources = ["lib.py"]\n'), path.join(dir, 'h.solver.toml'), () => false).decl!;
    const h0 = sourceHash(decl);
    assert.equal(sourceHash(decl), h0);
    fs.writeFileSync(path.join(dir, 'lib.py'), 'b = 22\n');
    const h1 = sourceHash(decl);
    assert.notEqual(h1, h0);
    fs.writeFileSync(path.join(dir, 'solvers.py'), 'a = 2\n');
    assert.notEqual(sourceHash(decl), h1);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('a JavaScript solver runs in a child process with progress, typed arrays and a mapped crash', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-js-'));
  try {
    fs.writeFileSync(path.join(dir, 'solvers.mjs'), [
      'export async function ok(params, ctx) {',
      '  ctx.progress(0.5, "half");',
      '  console.log("log line");',
      '  return { y: params.x * 3 + ctx.seed, pid: process.pid, v: new Float64Array([1, 2]) };',
      '}',
      'export function crash(params) {',
      '  throw new RangeError("bad x " + params.x);',
      '}',
    ].join('\n'));
    const decl = readManifest(manifest('mylab.js', 'ok').replace('"solvers.py:', '"solvers.mjs:'), path.join(dir, 'js.solver.toml'), () => false).decl!;
    const progress: string[] = [];
    const logs: string[] = [];
    const job = (d = decl) => ({
      decl: d, python: 'unused', params: { x: 2 }, seed: 1, budget: 'full' as const, signal: new AbortController().signal,
      progress: (_f: number, m?: string) => { if (m) progress.push(m); }, warn: () => {}, log: (l: string) => logs.push(l), memoryLimitBytes: 2 ** 31,
    });
    const out = await runChild(job());
    assert.equal(out.y, 7);
    assert.notEqual(out.pid, process.pid);
    assert.deepEqual(out.v, [1, 2]);
    assert.deepEqual(progress, ['half']);
    assert.ok(logs.includes('[mylab.js] log line'));
    await assert.rejects(runChild(job({ ...decl, entryName: 'crash' })), /raised RangeError: bad x 2 \(solvers\.mjs:7, in crash\)/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

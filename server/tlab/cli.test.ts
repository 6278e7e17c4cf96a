// `theorylab check` / `theorylab run` on .tlab files, in process: JSON shapes and exit codes of product.md §3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureMain as cli } from '../cli/captureMain';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-cli-'));
const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };

test('check --json prints 1-based diagnostics and exits 1 on errors, 0 when clean', async () => {
  const bad = write('bad.tlab', 'experiment e {\n  solve r = demo.quadratc(a = 1)\n}\n');
  const r = await cli(['check', bad, '--json']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.diagnostics, [{ line: 2, column: 13, endLine: 2, endColumn: 26, severity: 'error', message: 'unknown solver `demo.quadratc` — did you mean `demo.quadratic`?' }]);
  const good = write('good.tlab', 'let a = 1\n');
  const g = await cli(['check', good, '--json']);
  assert.equal(g.code, 0);
  assert.deepEqual(JSON.parse(g.out), { diagnostics: [] });
});

test('run: exit 0 when everything passes, 1 when an expectation fails, 2 on errors; --out writes plots', async () => {
  const pass = write('pass.tlab', 'experiment e {\n  sweep a = [1, 2]\n  solve q = demo.quadratic(a = a, b = -2)\n  expect q.x_min[a = 1] == 1\n  plot "p" { x = a  y = q.x_min }\n}\n');
  const out = path.join(dir, 'plots');
  const r = await cli(['run', pass, '--json', '--out', out]);
  assert.equal(r.code, 0, r.out + r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.passed, true);
  assert.equal(j.blocks[0].expects[0].line, 4);
  const files = fs.readdirSync(out).sort();
  for (const f of ['e-1-p.csv', 'e-1-p.vl.json']) assert.ok(files.includes(f), files.join());
  assert.equal(fs.readFileSync(path.join(out, 'e-1-p.csv'), 'utf8'), 'a,q.x_min\r\n1,1\r\n2,0.5\r\n'); // RFC 4180 line ends
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'e-1-p.vl.json'), 'utf8')).$schema, 'https://vega.github.io/schema/vega-lite/v5.json');

  const fail = write('fail.tlab', 'experiment e {\n  solve q = demo.quadratic(a = 1, b = -2)\n  expect q.x_min == 2\n}\n');
  const f = await cli(['run', fail]);
  assert.equal(f.code, 1);
  assert.match(f.out, /✗ line 3: expectation failed: 1 == 2 is false/);

  const broken = write('broken.tlab', 'experiment e {\n  let x = nope\n}\n');
  assert.equal((await cli(['run', broken])).code, 2);
  assert.equal((await cli(['run', path.join(dir, 'missing.tlab')])).code, 2);
});

test('derivations run from the CLI and a wrong identity exits 1', async () => {
  const f = write('der.tlab', 'derivation d {\n  given x: vector(3)\n  check sum(x) == sum(2 * x)\n}\n');
  const r = await cli(['run', f, '--json']);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.out).blocks[0].checks[0].passed, false);
});

test('data files resolve against the .tlab file inside its project, whatever the working directory', async () => {
  // project/ (marked by package.json) holds the spec and its data; a secret lies next to the project
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-data-'));
  const proj = path.join(root, 'project');
  fs.mkdirSync(path.join(proj, 'specs', 'data'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'package.json'), '{}');
  const rows = Array.from({ length: 40 }, (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${((i % 7) / 7) * 2 - (i % 5) / 5}`);
  fs.writeFileSync(path.join(proj, 'specs', 'data', 'reg.csv'), `x1,x2,y\n${rows.join('\n')}\n`);
  fs.writeFileSync(path.join(root, 'secret.csv'), `x1,x2,y\n${rows.join('\n')}\n`);
  const spec = path.join(proj, 'specs', 'fit.tlab');
  fs.writeFileSync(spec, 'experiment fit {\n  solve p = influence.primal(data = "data/reg.csv", d_out = 1, N_test = 5, forget = [0, 1])\n  expect p.retrain_error < 1e-8\n}\n');
  const cwd = process.cwd();
  try {
    process.chdir(os.tmpdir()); // neither the project nor the spec's folder
    const r = await cli(['run', spec, '--json']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(JSON.parse(r.out).blocks[0].expects[0].passed, true);
    fs.writeFileSync(spec, 'experiment fit {\n  solve p = influence.primal(data = "../../secret.csv", d_out = 1, N_test = 5)\n}\n');
    const out = await cli(['check', spec, '--json']);
    assert.equal(out.code, 1, out.out);
    assert.match(out.out, /outside the workspace folder/);
  } finally {
    process.chdir(cwd);
  }
});

test('an inconclusive check is counted apart in the summary, not as a failure (exit 2: nothing was shown)', async () => {
  const f = write('inconclusive.tlab', 'derivation d {\n  given x: vector(3)\n  check inv(outer(x, x)) @ x == x\n  check x + x == 2 * x\n}\n');
  const r = await cli(['run', f]);
  assert.equal(r.code, 2);
  assert.match(r.out, /^ {2}\? line 3: .*singular/m);
  assert.match(r.out, /^1 passed, 0 failed, 1 inconclusive \(/m);
});

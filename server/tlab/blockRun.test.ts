import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkTlab } from './checker';
import { runTlab, BlockResult } from './blockRun';
import { InProcessRunner, SolveRequest, SolverRunner } from '../engine/runner';
import { getSolver } from '../solvers/index';
import { isSeries, show } from './values';

/** Counts and records solver calls (and lets a test see budget/device/seed). */
class SpyRunner implements SolverRunner {
  calls: SolveRequest[] = [];
  private inner = new InProcessRunner();
  inFlight = 0;
  maxInFlight = 0;
  async solve(req: SolveRequest) {
    this.calls.push(req);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      return await this.inner.solve(req);
    } finally { this.inFlight--; }
  }
}

async function run(text: string, runner: SolverRunner = new InProcessRunner(), target?: string): Promise<BlockResult[]> {
  const a = checkTlab(text, { uri: 'file:///t.tlab' });
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((e) => e.message), [], 'the test file must check cleanly');
  return (await runTlab(a, { runner, budget: 'test' }, target)).blocks;
}

test('one solver call per grid point when arguments vary; constant arguments call once', async () => {
  const spy = new SpyRunner();
  const [b] = await run(`experiment e {
  sweep a = [1, 2, 4]
  sweep c = [0, 10]
  solve q = demo.quadratic(a = a, b = -6, c = c)
  solve once = demo.quadratic(a = 2, b = 4)
  solve onlyA = demo.quadratic(a = a)
  let x = q.x_min
  let f = q.f_min
}`, spy);
  const quad = spy.calls.filter((c) => c.solver === 'demo.quadratic');
  // 6 grid points for q, 1 for once, 3 distinct parameter sets for onlyA (c does not matter to it)
  assert.equal(quad.length, 6 + 1 + 3);
  assert.deepEqual(b.issues, []);
  const x = b.defined.find((d) => d.name === 'x')!.value;
  assert.ok(isSeries(x));
  // grid order: first sweep outermost
  assert.deepEqual(x.values, [3, 3, 1.5, 1.5, 0.75, 0.75]);
  const f = b.defined.find((d) => d.name === 'f')!.value;
  assert.ok(isSeries(f));
  assert.deepEqual(f.values, [-9, 1, -4.5, 5.5, -2.25, 7.75]);
  const once = b.defined.find((d) => d.name === 'once')!.value;
  assert.equal(show(once), 'demo.quadratic result');
  assert.ok(spy.maxInFlight > 1, 'independent grid points run concurrently');
  assert.ok(spy.maxInFlight <= 4, 'but with a small limit');
});

test('expects: ==, ≈ within absolute and %, <, selection, where and slope', async () => {
  const [b] = await run(`experiment e {
  sweep a = geomspace(1, 16, 5)
  solve q = demo.quadratic(a = a, b = -6)
  expect q.x_min[a = 2] == 1.5
  expect q.x_min[a = 2] ≈ 1.6 within 0.2
  expect q.x_min[a = 2] ≈ 1.6 within 5%
  expect q.x_min[a = 2] ≈ 1.6 within 7%
  expect q.x_min <= 3
  expect q.x_min < 1
  expect slope(log(q.x_min), log(a)) ≈ -1 within 1e-9
  expect slope(log(q.f_min * -1), log(a)) ≈ -1 within 1e-9 where a >= 4
  expect slope(log(q.x_min), log(a)) ≈ -1 within 0.1 where a > 10
  expect q.x_min[a = len(q.x_min) - 2] == 1
  expect len(q.x_min) == 2 where a > 5
}`);
  const r = b.expects.map((e) => e.passed);
  assert.deepEqual(r, [true, true, false, true, true, false, true, true, false, false, true]);
  assert.match(b.expects[2].message, /relative difference 6\.25% > 5%/);
  assert.match(b.expects[5].message, /fails at 2 of 5 grid points: a = 1: 3 < 1 is false; a = 2: 1\.5 < 1 is false/);
  assert.equal(b.expects[8].error, true);
  assert.match(b.expects[8].message, /slope needs at least 2 points, got 1/);
  assert.equal(b.expects[9].error, true);
  assert.match(b.expects[9].message, /no grid point has a = 3; nearest: 2, 4, 1/);
});

test('a where that keeps no point is an error of that expectation', async () => {
  const [b] = await run(`experiment e {
  sweep a = [1, 2]
  solve q = demo.quadratic(a = a)
  expect q.x_min == 0 where a > 5
}`);
  assert.equal(b.expects[0].passed, false);
  assert.match(b.expects[0].message, /keeps no grid point/);
});

test('stochastic outputs keep their std: error bars in the plot, mean in arithmetic', async () => {
  const spy = new SpyRunner();
  const [b] = await run(`experiment e {
  sweep n = [100, 400]
  simulate m = demo.noisy_mean(mu = 2, sigma = 1, n = n, seeds = 6) on gpu
  expect m.mean ≈ 2 within 0.5
  expect m.mean.std < 0.5
  plot "mean" { x = n  y = m.mean label "sample mean" }
}`, spy);
  assert.deepEqual(b.expects.map((e) => e.passed), [true, true]);
  assert.ok(spy.calls.every((c) => c.budget === 'test' && c.device === 'gpu'));
  const spec = b.plots[0].spec as any;
  // a simulation: error bars under filled markers, no line
  assert.deepEqual(spec.layer.map((l: any) => l.mark.type), ['errorbar', 'point']);
  const rows = spec.data.values;
  assert.equal(rows.length, 2);
  for (const row of rows) assert.ok(row.hi > row.y && row.lo < row.y);
  assert.ok(typeof b.plots[0].rows[0]['sample mean (std)'] === 'number');
});

test('plots overlay several y lines with a legend and log scales', async () => {
  const [b] = await run(`experiment e {
  sweep a = [1, 2, 4]
  solve q = demo.quadratic(a = a, b = -2)
  plot "two" {
    x = a scale log
    y = q.x_min label "x*" scale log
    y = 1 / a label "1/a"
  }
}`);
  const spec = b.plots[0].spec as any;
  assert.equal(spec.layer[0].encoding.color.field, 'series');
  assert.equal(spec.layer[0].encoding.y.scale.type, 'log');
  assert.deepEqual([...new Set(spec.data.values.map((r: any) => r.series))], ['x*', '1/a']);
  assert.deepEqual(b.plots[0].rows, [{ a: 1, 'x*': 1, '1/a': 1 }, { a: 2, 'x*': 0.5, '1/a': 0.5 }, { a: 4, 'x*': 0.25, '1/a': 0.25 }]);
});

test('user functions, file-level lets and built-ins evaluate', async () => {
  const [b] = await run(`let sq(x) = x * x
let base = 3
experiment e {
  let v = [1, 2, 3]
  let s = sum(v) + sq(base) + max(v) + v[0] + mean(v) + std([1, 3])
  sweep a = range(1, 4)
  let t = sq(a) + 1
  expect s == 6 + 9 + 3 + 1 + 2 + sqrt(2)
  expect t[a = 3] == 10
  expect argmax(t) == 2
}`);
  assert.deepEqual(b.expects.map((e) => [e.passed, e.message]).filter(([p]) => !p), []);
});

test('a failing solver reports the grid point and dependants are not new errors', async () => {
  const [b] = await run(`experiment e {
  sweep s = [1, 2]
  simulate m = demo.noisy_mean(sigma = s, n = 10, seeds = 2)
  solve q = demo.quadratic(a = m.mean - 10)
  let z = q.x_min
}`);
  // m.mean ≈ 0 so a ≈ -10: the solver rejects it
  const errs = b.issues.filter((i) => i.severity === 'error');
  assert.equal(errs.length, 1);
  assert.match(errs[0].message, /demo\.quadratic failed at s = 1: .*out of its documented range/);
  assert.ok(b.issues.some((i) => i.severity === 'warning' && /`q` has no value/.test(i.message)));
});

test('cancellation stops a run', async () => {
  const a = checkTlab('experiment e {\n  sweep n = [1, 2, 3, 4, 5, 6]\n  simulate m = demo.noisy_mean(n = n)\n}', { uri: 'file:///c.tlab' });
  const ctl = new AbortController();
  ctl.abort();
  const r = await runTlab(a, { runner: new InProcessRunner(), signal: ctl.signal });
  assert.equal(r.blocks.length, 0);
});

test('derivation blocks run through the derivation engine', async () => {
  const [d] = await run('derivation d {\n  given A: matrix(3, 3) spd\n  check inv(inv(A)) == A within 1e-8\n}');
  assert.equal(d.kind, 'derivation');
  assert.equal(d.checks.length, 1);
  assert.equal(d.checks[0].passed, true);
});

const specFile = path.join(__dirname, '..', '..', 'test', 'fixtures', 'tlab', 'experiments.tlab');

test('spec: bo_scaling and two_laws', { skip: getSolver('scaling.bayes_optimal') ? false : 'scaling.bayes_optimal is not registered yet' }, async () => {
  const text = fs.readFileSync(specFile, 'utf8');
  const a = checkTlab(text, { uri: 'file:///spec.tlab' });
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  // the fixture's Adam block says `on gpu`; on a software-only adapter (lavapipe) that is ~10x slower
  // than the CPU, so this test keeps the GPU off (the gpu tier runs `on gpu` on lavapipe)
  const saved = process.env.THEORYLAB_GPU;
  process.env.THEORYLAB_GPU = 'off';
  let report;
  try {
    report = await runTlab(a, { runner: new InProcessRunner(), budget: 'test' });
  } finally {
    if (saved === undefined) delete process.env.THEORYLAB_GPU;
    else process.env.THEORYLAB_GPU = saved;
  }
  const [bo, laws] = report.blocks;
  assert.deepEqual(bo.expects.map((e) => [e.passed, e.message]), [
    [true, 'bo.k_c[alpha = 2] == 31: 31 == 31'],
    [true, bo.expects[1].message],
  ]);
  assert.match(bo.expects[1].message, /^bo\.eps\[alpha = 2\] ≈ 0\.002422 within 1%: 0\.00242\d* ≈ 0\.002422$/);
  if (getSolver('scaling.adam_student')) {
    assert.deepEqual(bo.issues.filter((i) => i.severity === 'error'), []);
    assert.equal(bo.plots.length, 1);
  }
  assert.deepEqual(laws.expects.map((e) => e.passed), [true, true]);
});

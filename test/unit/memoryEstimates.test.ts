// Absurd sizes are refused up front (issue 4, product §8): every solver whose memory grows with its
// parameters declares `memoryEstimate`, the solver host refuses a job whose estimate exceeds its memory
// limit before starting anything, and the message gives the estimate. Also: every solver declares
// `cost` (the live auto-run treats a solver without it as expensive).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { allSolvers, getSolver } from '../../server/solvers/index';
import { resolveParams, SolverInputError, Value } from '../../server/solvers/registry';
import { resolveRequest } from '../../server/engine/execute';
import { HostRunner } from '../../server/engine/hostRunner';
import { InProcessRunner } from '../../server/engine/runner';
import { checkTlab } from '../../server/tlab/checker';

const GB = 1e9;

interface Case {
  solver: string;
  /** A reasonable run: accepted, estimate below 1 GB. */
  ok: Record<string, Value>;
  /** Absurd but within each parameter's documented range: refused. */
  absurd: Record<string, Value>;
  /** The estimate grows with this parameter (from ok[param] to `to`). */
  grow: [string, number];
  /** Runner memory limit for the refusal (MiB); the documented ranges of some solvers cap them lower. */
  limitMb?: number;
}

const cases: Case[] = [
  // only k-long arrays: k ≤ 1e6 keeps it under a GB, so its refusal is shown with a small limit
  { solver: 'scaling.bayes_optimal', ok: { alpha: 2 }, absurd: { d: 1e9, k: 1e6, n: 1e12 }, grow: ['k', 100000], limitMb: 64 },
  { solver: 'scaling.adam_student', ok: { n: 10000 }, absurd: { d: 4096, k: 100, n: 100000, width: 4096, n_test: 1e7 }, grow: ['n', 100000] },
  { solver: 'influence.primal', ok: {}, absurd: { model: 'random_jacobian', N: 5000, d_out: 100, P: 1e6, method: 'cg' }, grow: ['N', 500] },
  { solver: 'influence.dual', ok: {}, absurd: { N: 5000, d_out: 100 }, grow: ['N', 500] },
  { solver: 'bayeslime.explain', ok: {}, absurd: { d: 200, intervals: 'mc', mc_samples: 2e6, top_features: 15 }, grow: ['max_n_samples', 100000] },
  { solver: 'memory.capacity', ok: {}, absurd: { rule: 'hebbian', p: 20000, d: 512, trials: 1e6 }, grow: ['trials', 100000] },
  { solver: 'pcn.train', ok: {}, absurd: { patterns: 5000, dim: 4096, width: 4096, layers: 6 }, grow: ['width', 1024] },
  { solver: 'pcn.retrieve', ok: {}, absurd: { patterns: 5000, dim: 4096, width: 4096, layers: 6 }, grow: ['patterns', 1000] },
  { solver: 'bypevae.pseudocoreset', ok: {}, absurd: { N: 1e6, D: 2000, M: 10000, samples: 1e7 }, grow: ['N', 100000] },
  { solver: 'bypevae.vae', ok: {}, absurd: { N: 100000, valid: 100000, image_size: 64, hidden: 2048, M: 100000, samples: 100000, batch: 100000 }, grow: ['N', 20000] },
  { solver: 'clevr.execute', ok: { program: 'count(scene())' }, absurd: { program: 'count(scene())', n_scenes: 100000, max_objects: 64 }, grow: ['n_scenes', 10000] },
];

function estimate(solver: string, given: Record<string, Value>): number {
  const def = getSolver(solver)!;
  const { params, issues } = resolveParams(def, given);
  assert.deepEqual(issues.filter((i) => i.severity !== 'warning'), [], `${solver}: parameters should be valid`);
  assert.ok(def.memoryEstimate, `${solver} declares memoryEstimate`);
  return def.memoryEstimate(params);
}

const runners: HostRunner[] = [];
after(() => { for (const r of runners) r.dispose(); });

for (const c of cases) {
  test(`${c.solver}: a reasonable run is accepted with an estimate below 1 GB`, () => {
    const need = estimate(c.solver, c.ok);
    assert.ok(Number.isFinite(need) && need > 0 && need < GB, `${c.solver}: ${need} bytes`);
    // the same check the solver host makes, against a 1 GiB limit
    assert.doesNotThrow(() => resolveRequest({ solver: c.solver, params: c.ok }, 2 ** 30));
  });

  test(`${c.solver}: absurd sizes are refused by the runner before anything starts, with the estimate`, async () => {
    const limitMb = c.limitMb ?? 1024;
    const r = new HostRunner({ device: 'cpu', memoryLimitMb: limitMb, log: () => {} });
    runners.push(r);
    const unit = c.limitMb ? '(GiB|MiB)' : '(GiB|GB)'; // pcn.train's own size check says GB
    await assert.rejects(r.solve({ solver: c.solver, params: c.absurd }), (e: Error) => {
      assert.ok(e instanceof SolverInputError, `${c.solver}: ${e.message}`);
      assert.match(e.message, new RegExp(`would need about [\\d.]+ ${unit}`));
      return true;
    });
    assert.equal(r.starts, 0, 'no solver host was started for the refused job');
  });

  test(`${c.solver}: the estimate grows with ${c.grow[0]}`, () => {
    const [name, to] = c.grow;
    const small = estimate(c.solver, c.ok);
    const large = estimate(c.solver, { ...c.ok, [name]: to });
    assert.ok(large > small, `${c.solver}: ${name} = ${to} gives ${large} bytes, not more than ${small}`);
  });
}

test('n = 1e12 samples of a solver that allocates them is refused with an estimate in GiB', async () => {
  // scaling.adam_student allocates the n × d training set; 1e12 samples are refused (its own n·d check or the estimate)
  const r = new HostRunner({ device: 'cpu', log: () => {} });
  runners.push(r);
  await assert.rejects(r.solve({ solver: 'scaling.adam_student', params: { n: 1e9, d: 4096, n_test: 1e7, width: 4096 } }),
    (e: Error) => e instanceof SolverInputError && /GB|GiB/.test(e.message));
  await assert.rejects(r.solve({ solver: 'influence.dual', params: { N: 5000, d_out: 100 } }),
    (e: Error) => e instanceof SolverInputError && /would need about [\d.]+ GiB/.test(e.message));
  assert.equal(r.starts, 0);
});

test('the in-process runner (theorylab run, cluster tasks) refuses absurd sizes up front too', async () => {
  const r = new InProcessRunner({ device: 'cpu', memoryLimitMb: 1024 });
  await assert.rejects(r.solve({ solver: 'influence.dual', params: { N: 5000, d_out: 100 } }),
    (e: Error) => e instanceof SolverInputError && /would need about [\d.]+ GiB.*limit of 1\.0 GiB/.test(e.message));
  await assert.rejects(new InProcessRunner().solve({ solver: 'bypevae.pseudocoreset', params: { N: 1e6, D: 2000, M: 10000, samples: 1e7 } }),
    (e: Error) => e instanceof SolverInputError && /would need about [\d.]+ GiB/.test(e.message));
  const ok = await r.solve({ solver: 'demo.quadratic', params: { a: 1 } });
  assert.ok(ok.outputs);
});

// (terabytes, so that no machine's memory is enough)
test('the .tlab checker reports absurd sizes while editing, with the estimate, at the solver call', () => {
  const text = 'experiment big {\n  solve r = influence.dual(N = 5000, d_out = 100)\n  solve s = bypevae.pseudocoreset(N = 1000000, D = 2000, M = 10000, samples = 10000000)\n  solve ok = influence.dual(N = 20)\n}\n';
  const a = checkTlab(text, { uri: 'file:///ws/big.tlab' });
  const mem = a.diagnostics.filter((d) => /would need about/.test(d.message));
  assert.deepEqual(mem.map((d) => text.slice(d.span.start, d.span.end)), ['influence.dual', 'bypevae.pseudocoreset'], JSON.stringify(a.diagnostics));
  for (const d of mem) {
    assert.equal(d.severity, 'warning'); // a cluster node may have the memory
    assert.match(d.message, /would need about [\d.]+ GiB of memory .* refused here; reduce the sizes/);
  }
});

test('negative sizes are refused with the documented range', () => {
  for (const [solver, params] of [['influence.dual', { N: -5 }], ['pcn.train', { width: -1 }], ['clevr.execute', { program: 'x', n_scenes: -1 }]] as const) {
    assert.throws(() => resolveRequest({ solver, params: params as Record<string, Value> }, 2 ** 30),
      (e: Error) => e instanceof SolverInputError && /out of its documented range/.test(e.message));
  }
});

test('every registered solver declares cost, finite and non-negative for its defaults', () => {
  for (const def of allSolvers) {
    assert.ok(def.cost, `${def.id} declares cost`);
    const { params } = resolveParams(def, {});
    const c = def.cost(params);
    assert.ok(Number.isFinite(c) && c >= 0, `${def.id}: cost ${c}`);
  }
});

test('every solver with size parameters declares memoryEstimate, finite for its defaults', () => {
  const sized = allSolvers.filter((d) => !d.id.startsWith('demo.') && !['scaling.thresholds', 'g2l2.parse'].includes(d.id));
  for (const def of sized) {
    assert.ok(def.memoryEstimate, `${def.id} declares memoryEstimate`);
    const { params } = resolveParams(def, {});
    const m = def.memoryEstimate(params);
    assert.ok(Number.isFinite(m) && m > 0, `${def.id}: ${m}`);
  }
});

// Seeds for stochastic workspace solvers: a solver declared `stochastic = true` without its own `seeds`
// parameter gets one from the engine, like the built-in stochastic solvers have. The engine runs the
// function once per seed (run s gets seed = job seed · SEED_STRIDE + s, so the runs of different job
// seeds never share a stream) and combines the runs: numbers become mean ± std over the seeds (a
// `stat`, which `simulate` draws with error bars), lists and matrices their elementwise mean, a
// `stat` the pooled mean and std of every run's samples, other outputs the first run's value. A solver
// that declares `seeds` itself handles the repetition, and gets its parameters and seed unchanged.
import type { OutputSpec, ParamSpec, Value } from '../solvers/registry';
import type { WorkspaceSolverDecl } from './manifest';

/** Most seeds one call may ask for; also the stride between the run seeds of two job seeds. */
export const MAX_SEEDS = 10000;
export const SEED_STRIDE = MAX_SEEDS;

/** Whether the engine repeats this solver over seeds (stochastic, and no `seeds` parameter of its own). */
export function engineSeeds(decl: WorkspaceSolverDecl): boolean {
  return decl.stochastic && !decl.params.some((p) => p.name === 'seeds');
}

const SEEDS_PARAM: ParamSpec = {
  name: 'seeds', kind: 'integer', default: 1, min: 1, max: MAX_SEEDS,
  doc: 'independent runs of the solver (run s gets seed = seed·10000 + s); numeric outputs are mean ± std over them',
};

/** The parameters the registry shows: the declared ones, plus `seeds` when the engine repeats the solver. */
export function registryParams(decl: WorkspaceSolverDecl): ParamSpec[] {
  return engineSeeds(decl) ? [...decl.params, SEEDS_PARAM] : decl.params;
}

/** The outputs the registry shows: over engine seeds a number is a stat and a list is a mean. */
export function registryOutputs(decl: WorkspaceSolverDecl): OutputSpec[] {
  if (!engineSeeds(decl)) return decl.outputs;
  return decl.outputs.map((o) => {
    switch (o.kind) {
      case 'number': case 'integer': return { ...o, kind: 'stat', doc: `${o.doc} (mean ± std over seeds)` };
      case 'vector': case 'trace': case 'matrix': return { ...o, doc: `${o.doc} (elementwise mean over seeds)` };
      case 'stat': return { ...o, doc: `${o.doc} (pooled over seeds)` };
      default: return { ...o, doc: `${o.doc} (from the first seed)` };
    }
  });
}

function meanStd(xs: number[]): { mean: number; std: number; n: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, n: xs.length };
}

/** Pooled {mean, std, n} of several stats (sample std with n − 1: within-run plus between-run spread). */
function pooled(stats: Array<{ mean: number; std: number; n: number }>): { mean: number; std: number; n: number } {
  const n = stats.reduce((a, s) => a + s.n, 0);
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = stats.reduce((a, s) => a + s.n * s.mean, 0) / n;
  const ss = stats.reduce((a, s) => a + Math.max(0, s.n - 1) * s.std ** 2 + s.n * (s.mean - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

function elementwiseMean(name: string, runs: Value[]): Value {
  const first = runs[0] as number[] | number[][];
  const shape = (v: Value) => (Array.isArray(v) ? `${v.length}×${Array.isArray(v[0]) ? (v[0] as number[]).length : 1}` : '?');
  for (const r of runs) {
    if (shape(r) !== shape(first)) throw new Error(`output \`${name}\` has shape ${shape(r)} in one seed and ${shape(first)} in another: a list output must keep its length over seeds`);
  }
  if (Array.isArray(first[0])) {
    return (first as number[][]).map((row, i) => row.map((_, j) => runs.reduce((a: number, r) => a + (r as number[][])[i][j], 0) / runs.length));
  }
  return (first as number[]).map((_, i) => runs.reduce((a: number, r) => a + (r as number[])[i], 0) / runs.length);
}

/** Combines the validated outputs of the runs of every seed into the registry's output kinds. */
export function combineSeeds(decl: WorkspaceSolverDecl, runs: Array<Record<string, Value>>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const o of decl.outputs) {
    const values = runs.map((r) => r[o.name]);
    switch (o.kind) {
      case 'number': case 'integer': out[o.name] = meanStd(values as number[]); break;
      case 'vector': case 'trace': case 'matrix': out[o.name] = elementwiseMean(o.name, values); break;
      case 'stat': out[o.name] = pooled(values as unknown as Array<{ mean: number; std: number; n: number }>); break;
      default: out[o.name] = values[0];
    }
  }
  return out;
}

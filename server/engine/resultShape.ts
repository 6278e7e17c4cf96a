// Checks that a solve result has the shape its solver declares (SolverDef.outputs), so a cache entry
// with a valid envelope but wrong contents (outputs null or {}, a missing output, a string where a
// number is declared) is recomputed instead of breaking every later run. The same check runs on a
// fresh result before it is cached: a solver that does not meet its own declaration is not cached.
// A scalar or object output may be null: solvers document it as "not applicable here" (q_min_learned
// when k_c = 0, q_star without `lambda`, law_sweep without `laws`, a stat's mean over an empty pool),
// and such a result is as valid and as cacheable as any other; a missing output is still refused.
import type { OutputSpec, Value } from '../solvers/registry';
import type { SolveResult } from './runner';

const isNum = (v: unknown) => typeof v === 'number'; // NaN/±Inf are numbers (warned about elsewhere)
const isNumOrNull = (v: unknown) => v === null || isNum(v);
const isNumList = (v: unknown) => Array.isArray(v) && v.every(isNum);

/** Why `v` is not a value of `kind`, or undefined when it is. */
function kindProblem(kind: OutputSpec['kind'], v: Value | undefined): string | undefined {
  if (v === undefined) return 'missing';
  switch (kind) {
    case 'number': case 'integer': return isNumOrNull(v) ? undefined : `expected a number, got ${describe(v)}`;
    case 'boolean': return v === null || typeof v === 'boolean' ? undefined : `expected a boolean, got ${describe(v)}`;
    case 'string': return v === null || typeof v === 'string' ? undefined : `expected a string, got ${describe(v)}`;
    case 'vector': case 'trace': return isNumList(v) ? undefined : `expected a list of numbers, got ${describe(v)}`;
    case 'matrix': return Array.isArray(v) && v.every(isNumList) ? undefined : `expected a matrix (rows of numbers), got ${describe(v)}`;
    case 'stat': {
      const s = v as { mean?: unknown; std?: unknown; n?: unknown };
      return v && typeof v === 'object' && !Array.isArray(v) && isNumOrNull(s.mean) && (s.std === undefined || isNumOrNull(s.std)) && (s.n === undefined || isNum(s.n))
        ? undefined : `expected {mean, std, n}, got ${describe(v)}`;
    }
    case 'object': return undefined;
    default: return undefined;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Why `r` is not a well-formed result of a solver with these outputs, or undefined when it is. */
export function resultProblem(r: unknown, outputs: readonly OutputSpec[] | undefined): string | undefined {
  if (!r || typeof r !== 'object') return 'no result';
  const res = r as Partial<SolveResult>;
  if (!res.outputs || typeof res.outputs !== 'object' || Array.isArray(res.outputs)) return `outputs is ${describe(res.outputs)}`;
  if (typeof res.backend !== 'string') return 'backend is not a string';
  if (typeof res.seconds !== 'number') return 'seconds is not a number';
  if (res.warnings !== undefined && !(Array.isArray(res.warnings) && res.warnings.every((w) => typeof w === 'string'))) return 'warnings are not strings';
  for (const o of outputs ?? []) {
    const p = kindProblem(o.kind, (res.outputs as Record<string, Value>)[o.name]);
    if (p) return `output \`${o.name}\`: ${p}`;
  }
  return undefined;
}

/** Typed arrays (a solver may return Float64Array) as plain arrays, so JSON and the shape check see lists. */
export function plainValues<T>(v: T): T {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>) as unknown as T;
  if (Array.isArray(v)) return v.map(plainValues) as unknown as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plainValues(x);
    return o as T;
  }
  return v;
}

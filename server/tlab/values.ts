// Run-time values of experiment expressions and the operations on them. A value that varies over the
// sweep grid is a Series: the grid-point indices it is defined on and one value per point. Operations
// lift elementwise over series (joined on grid points) and lists; aggregates (sum, mean, slope, …)
// reduce a series over its points, or a list over its entries.
import type { Value } from '../solvers/registry';

export interface Stat { kind: 'stat'; mean: number; std: number; n: number }
export interface ResultV { kind: 'result'; solver: string; outputs: Record<string, RV> }
export interface RecordV { kind: 'record'; fields: Record<string, RV> }
export interface SeriesV { kind: 'series'; idx: number[]; values: RV[] }
export interface FnV { kind: 'fn'; name: string; params: string[]; call(args: RV[]): RV }
export type RV = number | boolean | string | null | RV[] | Stat | ResultV | RecordV | SeriesV | FnV;

export class EvalError extends Error {
  constructor(message: string, public readonly span?: { start: number; end: number }) { super(message); this.name = 'EvalError'; }
}

export const isSeries = (v: RV): v is SeriesV => !!v && typeof v === 'object' && !Array.isArray(v) && (v as SeriesV).kind === 'series';
export const isStat = (v: RV): v is Stat => !!v && typeof v === 'object' && !Array.isArray(v) && (v as Stat).kind === 'stat';
export const isResult = (v: RV): v is ResultV => !!v && typeof v === 'object' && !Array.isArray(v) && (v as ResultV).kind === 'result';
export const isRecord = (v: RV): v is RecordV => !!v && typeof v === 'object' && !Array.isArray(v) && (v as RecordV).kind === 'record';
export const isFn = (v: RV): v is FnV => !!v && typeof v === 'object' && !Array.isArray(v) && (v as FnV).kind === 'fn';

/** Converts a solver output (JSON) into a run-time value: `{mean, std, n}` becomes a Stat. */
export function fromSolverValue(v: Value): RV {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fromSolverValue);
  if (typeof v.mean === 'number' && typeof v.std === 'number') return { kind: 'stat', mean: v.mean, std: v.std, n: typeof v.n === 'number' ? v.n : 0 };
  const fields: Record<string, RV> = {};
  for (const [k, x] of Object.entries(v)) fields[k] = fromSolverValue(x);
  return { kind: 'record', fields };
}

/** The number a value stands for in arithmetic (a Stat counts as its mean). */
export function toNumber(v: RV, what = 'value'): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isStat(v)) return v.mean;
  if (v === null) return NaN;
  throw new EvalError(`${what} must be a number, got ${describe(v)}`);
}

export function describe(v: RV): string {
  if (v === null) return 'nothing (null)';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'true/false';
  if (typeof v === 'string') return 'a string';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  switch (v.kind) {
    case 'stat': return 'a mean ± std';
    case 'result': return `the result of ${v.solver}`;
    case 'record': return 'a record';
    case 'series': return `a series over ${v.values.length} grid points`;
    case 'fn': return `the function ${v.name}`;
  }
}

/**
 * The grid points every series is defined on (in the first one's order), and for each series a map
 * from grid point to its position in that series.
 */
export function commonPoints(series: { idx: number[] }[]): { idx: number[]; pos: Map<number, number>[] } {
  let idx = series.length ? series[0].idx : [];
  for (const s of series.slice(1)) { const set = new Set(s.idx); idx = idx.filter((i) => set.has(i)); }
  return { idx, pos: series.map((s) => new Map(s.idx.map((i, k) => [i, k]))) };
}

/** Joins series operands on their common grid points and applies `f` pointwise. */
export function lift(args: RV[], f: (...xs: RV[]) => RV): RV {
  // plain operands (the usual case) without the wrapper liftArray needs
  if (!args.some((a) => isSeries(a) || Array.isArray(a))) return f(...args);
  return liftArray(args, (xs) => f(...xs));
}

/**
 * lift with `f` taking the operands as one array: for a list literal's items, which can be millions
 * (spreading them into arguments overflows the stack).
 */
export function liftArray(args: RV[], f: (xs: RV[]) => RV): RV {
  const series = args.filter(isSeries) as SeriesV[];
  if (series.length) {
    const { idx, pos } = commonPoints(series);
    const values = idx.map((i) => {
      let si = 0;
      const at = args.map((a) => (isSeries(a) ? a.values[pos[si++].get(i)!] : a));
      return liftArray(at, f);
    });
    return { kind: 'series', idx, values };
  }
  const lists = args.filter(Array.isArray) as RV[][];
  if (lists.length) {
    const n = lists[0].length;
    for (const l of lists) if (l.length !== n) throw new EvalError(`lists of different lengths (${n} and ${l.length})`);
    const out: RV[] = [];
    for (let k = 0; k < n; k++) out.push(liftArray(args.map((a) => (Array.isArray(a) ? a[k] : a)), f));
    return out;
  }
  return f(args);
}

/** Like lift, but only over series: lists are passed whole (indexing, member access). */
export function liftSeries(args: RV[], f: (...xs: RV[]) => RV): RV {
  if (!args.some(isSeries)) return f(...args);
  return lift(args.map((a) => (isSeries(a) ? a : wrapOpaque(a))), (...xs) => f(...xs.map(unwrapOpaque)));
}

// A non-series value carried through `lift` untouched (lift would otherwise broadcast over lists).
const OPAQUE = Symbol('opaque');
function wrapOpaque(v: RV): RV { return Array.isArray(v) ? ({ kind: 'record', fields: {}, [OPAQUE]: v } as unknown as RV) : v; }
function unwrapOpaque(v: RV): RV { return v && typeof v === 'object' && OPAQUE in (v as object) ? (v as any)[OPAQUE] : v; }

export function num(f: (...xs: number[]) => number, name: string): (...xs: RV[]) => RV {
  return (...xs) => f(...xs.map((x) => toNumber(x, `the argument of ${name}`)));
}

/** Flattens a series or list into numbers for an aggregate (a series of lists aggregates per point). */
export function aggregate(v: RV, name: string, f: (xs: number[]) => RV): RV {
  if (isSeries(v)) {
    if (v.values.some(Array.isArray)) return lift([v], (x) => aggregate(x, name, f));
    return f(v.values.map((x) => toNumber(x, `an entry of ${name}'s argument`)));
  }
  if (Array.isArray(v)) return f(v.map((x) => toNumber(x, `an entry of ${name}'s argument`)));
  throw new EvalError(`${name} needs a list or a series over the sweep, got ${describe(v)}`);
}

/** Pairs of (x, y) for slope: both series (joined on grid points) or lists of equal length. */
export function pairs(y: RV, x: RV): { xs: number[]; ys: number[] } {
  if (isSeries(y) && isSeries(x)) {
    const pos = new Map(x.idx.map((i, k) => [i, k]));
    const xs: number[] = [], ys: number[] = [];
    y.idx.forEach((i, k) => { const j = pos.get(i); if (j !== undefined) { ys.push(toNumber(y.values[k])); xs.push(toNumber(x.values[j])); } });
    return { xs, ys };
  }
  const toList = (v: RV, which: string): number[] => {
    if (isSeries(v)) return v.values.map((e) => toNumber(e));
    if (Array.isArray(v)) return v.map((e) => toNumber(e));
    throw new EvalError(`slope's ${which} must be a series over the sweep or a list, got ${describe(v)}`);
  };
  const ys = toList(y, 'first argument'), xs = toList(x, 'second argument');
  if (xs.length !== ys.length) throw new EvalError(`slope(y, x): y has ${ys.length} values but x has ${xs.length}`);
  return { xs, ys };
}

/** Least-squares slope of y against x. */
export function slope(y: RV, x: RV): number {
  const { xs, ys } = pairs(y, x);
  if (xs.length < 2) throw new EvalError(`slope needs at least 2 points, got ${xs.length}${xs.length ? '' : ' (a `where` kept none)'}`);
  for (let k = 0; k < xs.length; k++) {
    if (!Number.isFinite(xs[k]) || !Number.isFinite(ys[k])) throw new EvalError(`slope: point ${k} is not finite (x = ${fmt(xs[k])}, y = ${fmt(ys[k])})`);
  }
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < n; k++) { sxy += (xs[k] - mx) * (ys[k] - my); sxx += (xs[k] - mx) ** 2; }
  if (sxx === 0) throw new EvalError('slope: all x values are equal');
  return sxy / sxx;
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(6)));
  return x.toExponential(4).replace(/\.?0+e/, 'e');
}

/**
 * `x` written so that it reads differently from each of `others` when it differs from them: with
 * 6 digits `2 + 1e-8` would print as 2, and "no grid point has a = 2; nearest: 2" says nothing.
 */
export function fmtApart(x: number, others: number[]): string {
  const short = fmt(x);
  if (!others.some((o) => o !== x && fmt(o) === short)) return short;
  return String(Number(x.toPrecision(17)));
}

/** Short human text of a value (hovers, inlay hints, messages). */
export function show(v: RV, max = 6): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return fmt(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) {
    const head = v.slice(0, max).map((x) => show(x, 3));
    return `[${head.join(', ')}${v.length > max ? `, … (${v.length})` : ''}]`;
  }
  switch (v.kind) {
    // one seed has no spread to show: never "± 0"
    case 'stat': return v.n <= 1 ? fmt(v.mean) : `${fmt(v.mean)} ± ${fmt(v.std)}`;
    case 'result': return `${v.solver} result`;
    case 'record': return `{${Object.keys(v.fields).slice(0, max).join(', ')}}`;
    case 'series': {
      const head = v.values.slice(0, max).map((x) => show(x, 3));
      return `[${head.join(', ')}${v.values.length > max ? `, … (${v.values.length} points)` : ''}]`;
    }
    case 'fn': return `${v.name}(${v.params.join(', ')})`;
  }
}

/** Converts back to JSON for --json output and caches. */
export function toJson(v: RV): Value {
  if (v === null || typeof v !== 'object') return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  if (Array.isArray(v)) return v.map(toJson);
  switch (v.kind) {
    case 'stat': return { mean: v.mean, std: v.std, n: v.n };
    case 'result': return Object.fromEntries(Object.entries(v.outputs).map(([k, x]) => [k, toJson(x)]));
    case 'record': return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, toJson(x)]));
    case 'series': return v.values.map(toJson);
    case 'fn': return `${v.name}(${v.params.join(', ')})`;
  }
}

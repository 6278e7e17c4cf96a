// Evaluates experiment expressions over run-time values. Used by the runner (every value) and by the
// checker (constant folding: lets, sweeps and solver arguments that do not depend on solver results, so
// out-of-range arguments are reported before anything runs).
import type { Expr, Span } from './ast';
import { builtinByName, constantByName, namedArgAllowed } from './builtins';
import {
  EvalError, FnV, fmt, fmtApart, isFn, isRecord, isResult, isSeries, isStat, lift, liftArray, liftSeries, RV, SeriesV, show, toNumber,
} from './values';

/** Evaluating the placeholder of a syntax error: the syntax error is the diagnostic, not this. */
export class SyntaxGap extends EvalError {}

/** The sweep grid: the Cartesian product of every `sweep`, first sweep outermost. */
export interface Grid {
  names: string[];
  values: number[][];
  /** coords[name][point] — the value of each swept name at each grid point */
  coords: Record<string, number[]>;
  size: number;
}

export function buildGrid(sweeps: { name: string; values: number[] }[]): Grid {
  const names = sweeps.map((s) => s.name);
  const values = sweeps.map((s) => s.values);
  const size = values.reduce((n, v) => n * v.length, 1);
  const coords: Record<string, number[]> = {};
  for (const n of names) coords[n] = new Array(size);
  for (let p = 0; p < size; p++) {
    let rest = p;
    for (let d = names.length - 1; d >= 0; d--) {
      const len = values[d].length;
      coords[names[d]][p] = values[d][rest % len];
      rest = Math.floor(rest / len);
    }
  }
  return { names, values, coords, size };
}

export class Env {
  private vars = new Map<string, RV>();
  constructor(public readonly parent?: Env) {}
  get(name: string): RV | undefined { return this.vars.has(name) ? this.vars.get(name) : this.parent?.get(name); }
  has(name: string): boolean { return this.vars.has(name) || !!this.parent?.has(name); }
  set(name: string, v: RV): void { this.vars.set(name, v); }
  /** A copy in which every series keeps only the given grid points (for `where`). */
  restrict(keep: Set<number>): Env {
    const out = new Env(this.parent?.restrict(keep));
    for (const [k, v] of this.vars) out.vars.set(k, restrictValue(v, keep));
    return out;
  }
}

export function restrictValue(v: RV, keep: Set<number>): RV {
  if (!isSeries(v)) return v;
  const idx: number[] = [], values: RV[] = [];
  v.idx.forEach((i, k) => { if (keep.has(i)) { idx.push(i); values.push(v.values[k]); } });
  return { kind: 'series', idx, values };
}

/**
 * Thrown for a name whose value is not known (yet): constant folding stops there silently. Not an
 * Error subclass on purpose: the checker throws it for every expression that depends on a solver
 * result, and capturing a stack trace each time dominated the cost of checking large files.
 */
export class Unknown {
  constructor(public readonly name: string) {}
  /** Built on demand: nearly every Unknown is caught and dropped by constant folding. */
  get message(): string { return `unknown value ${this.name}`; }
}

export interface EvalContext {
  grid: Grid;
  /** Expression source (for `expr`-kind solver parameters and messages). */
  text: string;
  /** Called for every evaluated expression (hover values). */
  record?(span: Span, v: RV): void;
}

const REL_MATCH = 1e-9;

function matches(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= REL_MATCH * Math.max(Math.abs(a), Math.abs(b));
}

export function evalExpr(e: Expr, env: Env, ctx: EvalContext): RV {
  const v = ev(e, env, ctx);
  if (v instanceof Unknown) throw v;
  return v;
}

/**
 * Like evalExpr, but a value that is not known comes back as the Unknown instead of being thrown:
 * constant folding meets one in nearly every expression that depends on a solver result, and
 * throwing and catching it each time was a visible share of checking a large file.
 */
export function evalStatic(e: Expr, env: Env, ctx: EvalContext): RV | Unknown {
  return ev(e, env, ctx);
}

// Inside the evaluator an Unknown is returned, not thrown: every sub-expression's result is tested
// right after it is evaluated and an Unknown returned at once, so nothing after it is evaluated (or
// recorded) — the same order of effects, and the same first unknown name, as throwing it.
function ev(e: Expr, env: Env, ctx: EvalContext): RV | Unknown {
  const v = evalInner(e, env, ctx);
  if (!(v instanceof Unknown)) ctx.record?.(e.span, v);
  return v;
}

function evalInner(e: Expr, env: Env, ctx: EvalContext): RV | Unknown {
  switch (e.kind) {
    case 'num': return e.value;
    case 'str': return e.value;
    case 'error': throw new SyntaxGap('this expression has a syntax error', e.span);
    case 'name': {
      const v = env.get(e.name);
      if (v !== undefined) return v;
      const c = constantByName.get(e.name);
      if (c) return c.value;
      return new Unknown(e.name);
    }
    case 'list': {
      const items: RV[] = [];
      for (const x of e.items) { const v = ev(x, env, ctx); if (v instanceof Unknown) return v; items.push(v); }
      // A list of series is a series of lists (one list per grid point).
      return items.some(isSeries) ? liftArray(items, (xs) => xs) : items;
    }
    case 'unary': {
      const x = ev(e.operand, env, ctx);
      if (x instanceof Unknown) return x;
      if (e.op === 'not') return lift([x], (a) => !truthy(a, e.span));
      if (e.op === '-') return typeof x === 'number' ? -x : lift([x], (a) => -toNumber(a, 'the operand of -'));
      return lift([x], (a) => toNumber(a, 'the operand of +'));
    }
    case 'binary': {
      const l = ev(e.left, env, ctx);
      if (l instanceof Unknown) return l;
      const r = ev(e.right, env, ctx);
      if (r instanceof Unknown) return r;
      if (e.op === 'and' || e.op === 'or') {
        return lift([l, r], (a, b) => (e.op === 'and' ? truthy(a, e.left.span) && truthy(b, e.right.span) : truthy(a, e.left.span) || truthy(b, e.right.span)));
      }
      // two plain numbers (most operations while folding): what lift would do, without its arrays
      if (typeof l === 'number' && typeof r === 'number') return binary(e.op, l, r, e.opSpan);
      return lift([l, r], (a, b) => binary(e.op, a, b, e.opSpan));
    }
    case 'call': return evalCall(e, env, ctx);
    case 'member': {
      const o = ev(e.object, env, ctx);
      if (o instanceof Unknown) return o;
      return liftSeries([o], (x) => member(x, e.name, e.nameSpan));
    }
    case 'index': {
      const o = ev(e.object, env, ctx);
      if (o instanceof Unknown) return o;
      const i = ev(e.index, env, ctx);
      if (i instanceof Unknown) return i;
      return liftSeries([o, i], (list, at) => index(list, at, e.span));
    }
    case 'select': return select(e, env, ctx);
    case 'transpose': {
      // Outside derivations `.T` can only be a result field literally named T.
      const o = ev(e.operand, env, ctx);
      if (o instanceof Unknown) return o;
      return liftSeries([o], (x) => member(x, 'T', e.span));
    }
    case 'prime': throw new EvalError(`${e.name}' (a derivative) is only available in derivation blocks`, e.span);
  }
}

function truthy(v: RV, span: Span): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  throw new EvalError(`expected a condition (true/false), got ${show(v)}`, span);
}

function binary(op: string, a: RV, b: RV, span: Span): RV {
  if (op === '==' || op === '!=') {
    const eq = typeof a === 'string' || typeof b === 'string' || typeof a === 'boolean' || typeof b === 'boolean'
      ? a === b : approxEqual(toNumber(a), toNumber(b), 1e-12);
    return op === '==' ? eq : !eq;
  }
  const x = toNumber(a, `the left side of ${op}`), y = toNumber(b, `the right side of ${op}`);
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '^': return Math.pow(x, y);
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '≈': return approxEqual(x, y, 1e-6);
    case '@': throw new EvalError('`@` (matrix product) is only available in derivation blocks', span);
  }
  throw new EvalError(`unknown operator ${op}`, span);
}

export function approxEqual(x: number, y: number, rel: number): boolean {
  return x === y || Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y));
}

function member(x: RV, name: string, span: Span): RV {
  if (isResult(x)) {
    if (!(name in x.outputs)) throw new EvalError(`${x.solver} has no output \`${name}\``, span);
    return x.outputs[name];
  }
  if (isRecord(x)) {
    if (!(name in x.fields)) throw new EvalError(`no field \`${name}\` (fields: ${Object.keys(x.fields).join(', ')})`, span);
    return x.fields[name];
  }
  if (isStat(x)) {
    if (name === 'mean' || name === 'std' || name === 'n') return x[name];
    throw new EvalError(`a mean ± std has the fields mean, std and n, not \`${name}\``, span);
  }
  throw new EvalError(`\`.${name}\` needs a solver result, got ${show(x)}`, span);
}

function index(list: RV, at: RV, span: Span): RV {
  if (!Array.isArray(list)) throw new EvalError(`indexing needs a list, got ${show(list)}`, span);
  const i = toNumber(at, 'an index');
  if (!Number.isInteger(i)) throw new EvalError(`an index must be an integer, got ${fmt(i)}`, span);
  const k = i < 0 ? list.length + i : i;
  if (k < 0 || k >= list.length) throw new EvalError(`index ${i} is out of range (the list has ${list.length} entries, indices 0…${list.length - 1})`, span);
  return list[k];
}

function select(e: Extract<Expr, { kind: 'select' }>, env: Env, ctx: EvalContext): RV | Unknown {
  const o = ev(e.object, env, ctx);
  if (o instanceof Unknown) return o;
  const coords = ctx.grid.coords[e.name];
  if (!coords) throw new EvalError(`\`${e.name}\` is not swept in this experiment`, e.nameSpan);
  const tv = ev(e.value, env, ctx);
  if (tv instanceof Unknown) return tv;
  const target = toNumber(tv, 'the selected value');
  if (!isSeries(o)) throw new EvalError(`${show(o)} does not vary over \`${e.name}\`: nothing to select`, e.span);
  const idx: number[] = [], values: RV[] = [];
  o.idx.forEach((p, k) => { if (matches(coords[p], target)) { idx.push(p); values.push(o.values[k]); } });
  if (!idx.length) {
    const avail = [...new Set(o.idx.map((p) => coords[p]))].sort((a, b) => Math.abs(a - target) - Math.abs(b - target));
    throw new EvalError(`no grid point has ${e.name} = ${fmtApart(target, avail.slice(0, 3))}; nearest: ${avail.slice(0, 3).map(fmt).join(', ')}`, e.value.span);
  }
  if (idx.length === 1) return values[0];
  return { kind: 'series', idx, values } as SeriesV;
}

function evalCall(e: Extract<Expr, { kind: 'call' }>, env: Env, ctx: EvalContext): RV | Unknown {
  if (e.callee.kind !== 'name') throw new EvalError('solvers are called with `solve r = id(...)`, not inside expressions', e.callee.span);
  const name = e.callee.name;
  e.args.forEach((a, i) => { if (a.name && (env.get(name) !== undefined || !namedArgAllowed(name, a.name, i))) throw new EvalError(`${name} takes positional arguments, not \`${a.name} =\``, a.nameSpan ?? a.span); });
  const args: RV[] = [];
  for (const a of e.args) { const v = ev(a.value, env, ctx); if (v instanceof Unknown) return v; args.push(v); }
  const user = env.get(name);
  if (user !== undefined) {
    if (!isFn(user)) throw new EvalError(`\`${name}\` is ${show(user)}, not a function`, e.callee.span);
    if (args.length !== user.params.length) throw new EvalError(`${name} takes ${user.params.length} argument${user.params.length === 1 ? '' : 's'}, got ${args.length}`, e.span);
    return user.call(args);
  }
  const b = builtinByName.get(name);
  if (!b) return new Unknown(name);
  if (args.length < b.minArgs || args.length > b.maxArgs) {
    throw new EvalError(`${b.signature} takes ${b.minArgs === b.maxArgs ? b.minArgs : `${b.minArgs} to ${b.maxArgs}`} arguments, got ${args.length}`, e.span);
  }
  try {
    return b.call(args);
  } catch (err) {
    if (err instanceof EvalError && !err.span) throw new EvalError(err.message, e.span);
    throw err;
  }
}

// User-function calls share one budget per outermost call (evaluation is synchronous), so mutual or
// branching recursion ends with an error instead of hanging the server.
let nesting = 0;
let callsInOutermost = 0;
const MAX_DEPTH = 200;
const MAX_CALLS = 200_000;

/** A user function `let f(a, b) = body` closed over its defining scope; applies elementwise to series. */
export function makeFunction(name: string, params: string[], body: Expr, scope: Env, ctx: EvalContext): FnV {
  return {
    kind: 'fn', name, params,
    call(args: RV[]): RV {
      if (nesting === 0) callsInOutermost = 0;
      if (nesting >= MAX_DEPTH) throw new EvalError(`${name}: calls nest too deeply (recursion?)`, body.span);
      if (++callsInOutermost > MAX_CALLS) throw new EvalError(`${name}: too many function calls (runaway recursion?)`, body.span);
      nesting++;
      try {
        const local = new Env(scope);
        params.forEach((p, i) => local.set(p, args[i]));
        // a function body's values are not hover values; the context is never mutated, so reuse it when it records nothing
        return evalExpr(body, local, ctx.record ? { ...ctx, record: undefined } : ctx);
      } finally { nesting--; }
    },
  };
}

// How the arguments of a `solve` / `simulate` statement become solver parameters, in one place for
// the checker (static validation), the block run (real calls) and the auto-run cost estimate: an
// `expr` parameter receives its source text, a bare word given to an enum parameter is that word,
// every other argument is a value; values that vary over the sweep give one parameter set per grid
// point the varying arguments share, and identical sets are one call.
import type { Arg, SolveStmt } from './ast';
import type { ParamSpec, SolverDef, Value } from '../solvers/registry';
import { commonPoints, isStat, RV } from './values';

/**
 * The parameter an argument passes without being evaluated, or undefined when it must be evaluated:
 * the source text for an `expr` parameter, the word for `readouts = dense` (an enum parameter given
 * a bare name that is not bound to a value).
 */
export function literalArg(arg: Arg, spec: ParamSpec | undefined, text: string, isBound: (name: string) => boolean): Value | undefined {
  if (spec?.kind === 'expr') return arg.value.kind === 'str' ? arg.value.value : text.slice(arg.value.span.start, arg.value.span.end);
  if (spec?.kind === 'enum' && arg.value.kind === 'name' && !isBound(arg.value.name)) return arg.value.name;
  return undefined;
}

/** A run-time value as a solver parameter (a mean ± std passes its mean); undefined when it is not one. */
export function toParamValue(v: RV): Value | undefined {
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (isStat(v)) return v.mean;
  if (Array.isArray(v)) { const xs = v.map(toParamValue); return xs.every((x) => x !== undefined) ? (xs as Value[]) : undefined; }
  return undefined;
}

export interface VaryingArg { name: string; idx: number[]; values: RV[] }

export interface LoweredArgs {
  /** parameters that are the same at every grid point */
  fixed: Record<string, Value>;
  /** arguments that vary over the sweep */
  varying: VaryingArg[];
  /** named arguments whose value is not known (static estimate only) */
  unknown: string[];
}

export interface LowerHooks {
  isBound(name: string): boolean;
  /** The argument's value; undefined when it is not known (the run evaluates, so it always knows). */
  value(arg: Arg): RV | undefined;
  /** A fixed value as a parameter (default toParamValue; undefined = unknown); the run's throws. */
  convert?(v: RV, name: string): Value | undefined;
  /** Arguments naming no parameter of the solver are skipped (the checker has reported them). */
  skipUnknownParams?: boolean;
}

/** Splits a statement's named arguments into fixed and varying parameters (unnamed ones are skipped). */
export function lowerSolveArgs(st: SolveStmt, def: SolverDef, text: string, hooks: LowerHooks): LoweredArgs {
  const out: LoweredArgs = { fixed: {}, varying: [], unknown: [] };
  for (const arg of st.args) {
    if (!arg.name) continue;
    const spec = def.params.find((p) => p.name === arg.name);
    if (!spec && hooks.skipUnknownParams) continue;
    const lit = literalArg(arg, spec, text, hooks.isBound);
    if (lit !== undefined) { out.fixed[arg.name] = lit; continue; }
    const v = hooks.value(arg);
    if (v === undefined) { out.unknown.push(arg.name); continue; }
    if (v && typeof v === 'object' && !Array.isArray(v) && v.kind === 'series') { out.varying.push({ name: arg.name, idx: v.idx, values: v.values }); continue; }
    const jv = hooks.convert ? hooks.convert(v, arg.name) : toParamValue(v);
    if (jv === undefined) out.unknown.push(arg.name); else out.fixed[arg.name] = jv;
  }
  return out;
}

export interface PointParams { point: number; params: Record<string, Value> }

/**
 * One parameter set per grid point the varying arguments share (one set when nothing varies);
 * `convert` turns a varying value into a parameter and may throw (the run) or return undefined
 * (the estimate: the whole result is then undefined).
 */
export function pointParams(args: LoweredArgs, convert: (v: RV, name: string) => Value | undefined): PointParams[] | undefined {
  if (!args.varying.length) return [{ point: 0, params: { ...args.fixed } }];
  const { idx, pos } = commonPoints(args.varying);
  const out: PointParams[] = [];
  for (const p of idx) {
    const params: Record<string, Value> = { ...args.fixed };
    for (let j = 0; j < args.varying.length; j++) {
      const s = args.varying[j];
      const x = convert(s.values[pos[j].get(p)!], s.name);
      if (x === undefined) return undefined;
      params[s.name] = x;
    }
    out.push({ point: p, params });
  }
  return out;
}

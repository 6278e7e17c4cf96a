// Built-in functions and constants of experiment expressions: one table read by the checker (arity,
// result kind), the evaluator, completion, hover, signature help and docs/language.md.
import { aggregate, EvalError, fmt, lift, num, RV, slope, toNumber } from './values';

export type BuiltinKind = 'elementwise' | 'aggregate' | 'constructor' | 'slope';

export interface Builtin {
  name: string;
  signature: string;
  doc: string;
  kind: BuiltinKind;
  minArgs: number;
  maxArgs: number;
  /** Optional trailing arguments that may also be written by name, with their position (`range(0, 10, step = 2)`). */
  named?: Record<string, number>;
  /** Evaluates with already-evaluated arguments. */
  call(args: RV[]): RV;
}

const MAX_LIST = 1_000_000;

function count(n: RV, fn: string): number {
  const k = toNumber(n, `${fn}'s count`);
  if (!Number.isInteger(k) || k < 1) throw new EvalError(`${fn}: the number of points must be a positive integer, got ${fmt(k)}`);
  if (k > MAX_LIST) throw new EvalError(`${fn}: ${k} points is more than the limit of ${MAX_LIST}`);
  return k;
}

function elementwise(name: string, doc: string, f: (x: number) => number): Builtin {
  return { name, signature: `${name}(x)`, doc, kind: 'elementwise', minArgs: 1, maxArgs: 1, call: (a) => lift(a, num(f, name)) };
}

function minmax(name: 'min' | 'max'): Builtin {
  const pick = name === 'min' ? Math.min : Math.max;
  return {
    name, signature: `${name}(a, b) | ${name}(xs)`, kind: 'elementwise', minArgs: 1, maxArgs: 2,
    doc: `Elementwise ${name === 'min' ? 'minimum' : 'maximum'} of two values, or the ${name === 'min' ? 'smallest' : 'largest'} entry of one list or series.`,
    call: (a) => (a.length === 2 ? lift(a, num(pick, name)) : aggregate(a[0], name, (xs) => {
      if (!xs.length) throw new EvalError(`${name} of an empty list`);
      // a loop, not pick(...xs): spreading a list of a million entries overflows the stack
      let m = xs[0];
      for (let k = 1; k < xs.length; k++) m = pick(m, xs[k]);
      return m;
    })),
  };
}

function agg(name: string, signature: string, doc: string, f: (xs: number[]) => number): Builtin {
  return { name, signature, doc, kind: 'aggregate', minArgs: 1, maxArgs: 1, call: (a) => aggregate(a[0], name, f) };
}

const mean = (xs: number[]) => {
  if (!xs.length) throw new EvalError('mean of an empty list');
  return xs.reduce((s, x) => s + x, 0) / xs.length;
};

/**
 * Position of the first best entry, -1 when one is NaN: what indexOf(Math.min(...xs)) gives, without
 * spreading the list into arguments (that overflows the stack for a million entries).
 */
function argBest(xs: number[], better: (a: number, b: number) => boolean): number {
  let best = 0;
  for (let k = 0; k < xs.length; k++) {
    if (Number.isNaN(xs[k])) return -1;
    if (better(xs[k], xs[best])) best = k;
  }
  return best;
}

/** `n` values f(0) … f(n-1) (a plain loop: Array.from with a callback is slow in the checker's hot path). */
function tabulate(n: number, f: (i: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(f(i));
  return out;
}

export const builtins: Builtin[] = [
  minmax('min'), minmax('max'),
  elementwise('abs', 'Absolute value.', Math.abs),
  elementwise('sqrt', 'Square root.', Math.sqrt),
  elementwise('exp', 'Exponential eˣ.', Math.exp),
  elementwise('log', 'Natural logarithm.', Math.log),
  elementwise('log10', 'Base-10 logarithm.', Math.log10),
  elementwise('log2', 'Base-2 logarithm.', Math.log2),
  elementwise('floor', 'Largest integer ≤ x.', Math.floor),
  elementwise('ceil', 'Smallest integer ≥ x.', Math.ceil),
  elementwise('round', 'Nearest integer.', Math.round),
  elementwise('tanh', 'Hyperbolic tangent.', Math.tanh),
  elementwise('sin', 'Sine.', Math.sin),
  elementwise('cos', 'Cosine.', Math.cos),
  agg('sum', 'sum(xs)', 'Sum of a list, or of a series over the grid points.', (xs) => xs.reduce((s, x) => s + x, 0)),
  agg('mean', 'mean(xs)', 'Arithmetic mean of a list or series.', mean),
  agg('std', 'std(xs)', 'Sample standard deviation (n − 1) of a list or series.', (xs) => {
    if (xs.length < 2) throw new EvalError(`std needs at least 2 values, got ${xs.length}`);
    const m = mean(xs);
    return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  }),
  agg('len', 'len(xs)', 'Number of entries of a list, or of grid points of a series.', (xs) => xs.length),
  agg('argmin', 'argmin(xs)', '0-based position of the smallest entry.', (xs) => {
    if (!xs.length) throw new EvalError('argmin of an empty list');
    return argBest(xs, (a, b) => a < b);
  }),
  agg('argmax', 'argmax(xs)', '0-based position of the largest entry.', (xs) => {
    if (!xs.length) throw new EvalError('argmax of an empty list');
    return argBest(xs, (a, b) => a > b);
  }),
  {
    name: 'slope', signature: 'slope(y, x)', kind: 'slope', minArgs: 2, maxArgs: 2,
    doc: 'Least-squares slope of y against x over the grid points (both series, e.g. `slope(log(bo.eps), log(alpha))`) or two lists of equal length. Needs at least 2 points.',
    call: (a) => slope(a[0], a[1]),
  },
  {
    name: 'geomspace', signature: 'geomspace(a, b, n)', kind: 'constructor', minArgs: 3, maxArgs: 3,
    doc: '`n` numbers from `a` to `b` (both included), equally spaced on a log scale; a, b > 0.',
    call: (a) => {
      const lo = toNumber(a[0]), hi = toNumber(a[1]), n = count(a[2], 'geomspace');
      if (!(lo > 0) || !(hi > 0)) throw new EvalError(`geomspace needs positive ends, got ${fmt(lo)} and ${fmt(hi)}`);
      if (n === 1) return [lo];
      const r = Math.log(hi / lo) / (n - 1);
      return tabulate(n, (i) => (i === n - 1 ? hi : lo * Math.exp(r * i)));
    },
  },
  {
    name: 'linspace', signature: 'linspace(a, b, n)', kind: 'constructor', minArgs: 3, maxArgs: 3,
    doc: '`n` equally spaced numbers from `a` to `b` (both included).',
    call: (a) => {
      const lo = toNumber(a[0]), hi = toNumber(a[1]), n = count(a[2], 'linspace');
      if (n === 1) return [lo];
      return tabulate(n, (i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
    },
  },
  {
    name: 'logspace', signature: 'logspace(a, b, n)', kind: 'constructor', minArgs: 3, maxArgs: 3,
    doc: '`n` numbers from 10^a to 10^b, equally spaced on a log scale.',
    call: (a) => {
      const lo = toNumber(a[0]), hi = toNumber(a[1]), n = count(a[2], 'logspace');
      if (n === 1) return [10 ** lo];
      return tabulate(n, (i) => 10 ** (lo + ((hi - lo) * i) / (n - 1)));
    },
  },
  {
    name: 'range', signature: 'range(a, b, step = 1)', kind: 'constructor', minArgs: 2, maxArgs: 3, named: { step: 2 },
    doc: 'Numbers a, a + step, … strictly before b (like Python); the step may be written `range(0, 10, step = 2)` or `range(0, 10, 2)`.',
    call: (a) => {
      const lo = toNumber(a[0]), hi = toNumber(a[1]), step = a.length > 2 ? toNumber(a[2]) : 1;
      if (!(step !== 0) || !Number.isFinite(step)) throw new EvalError('range: step must be a non-zero number');
      const n = Math.ceil((hi - lo) / step);
      if (n > MAX_LIST) throw new EvalError(`range: ${n} values is more than the limit of ${MAX_LIST}`);
      return Array.from({ length: Math.max(0, n) }, (_, i) => lo + i * step);
    },
  },
];

export const builtinByName = new Map(builtins.map((b) => [b.name, b]));

/** Whether the argument at `index` of a call of `name` may be written `argName = …` (only a built-in's named trailing arguments). */
export function namedArgAllowed(name: string, argName: string, index: number): boolean {
  return builtinByName.get(name)?.named?.[argName] === index;
}

export const constants: { name: string; value: RV; doc: string }[] = [
  { name: 'pi', value: Math.PI, doc: 'π = 3.14159…' },
  { name: 'true', value: true, doc: 'boolean true' },
  { name: 'false', value: false, doc: 'boolean false' },
  { name: 'inf', value: Infinity, doc: 'positive infinity' },
];
export const constantByName = new Map(constants.map((c) => [c.name, c]));

// Static types of experiment expressions: what the checker knows about a value before anything runs.
// `series` marks a value that varies over the sweep grid.
import type { OutputKind, SolverDef } from '../solvers/registry';

export type TypeKind = 'num' | 'bool' | 'str' | 'list' | 'result' | 'stat' | 'record' | 'fn' | 'any';

export interface SType {
  k: TypeKind;
  series: boolean;
  /** for results: the solver that produced it */
  solver?: SolverDef;
  /** for functions: the number of parameters */
  arity?: number;
}

export const ANY: SType = { k: 'any', series: false };
// Plain types (no solver, no arity) are shared: the checker asks for one per expression, and a fresh
// object each time was a measurable share of what checking a large file allocates. Types are never
// mutated (a changed type is a new object: `{ ...o, series }`).
const kinds: TypeKind[] = ['num', 'bool', 'str', 'list', 'result', 'stat', 'record', 'fn', 'any'];
const plain = Object.fromEntries(kinds.map((k) => [k, { k, series: false }])) as Record<TypeKind, SType>;
const plainSeries = Object.fromEntries(kinds.map((k) => [k, { k, series: true }])) as Record<TypeKind, SType>;
export const t = (k: TypeKind, series = false, extra?: Partial<SType>): SType =>
  extra ? { k, series, ...extra } : series ? plainSeries[k] : plain[k];

export function outputType(kind: OutputKind, series: boolean): SType {
  switch (kind) {
    case 'number': case 'integer': return t('num', series);
    case 'boolean': return t('bool', series);
    case 'string': return t('str', series);
    case 'vector': case 'trace': case 'matrix': return t('list', series);
    case 'stat': return t('stat', series);
    case 'object': return t('record', series);
  }
}

/** Numeric in arithmetic: numbers, booleans (0/1), mean ± std, lists elementwise, or unknown. */
export const numeric = (s: SType) => s.k === 'num' || s.k === 'bool' || s.k === 'stat' || s.k === 'list' || s.k === 'any';

export function typeText(s: SType): string {
  const base = {
    num: 'number', bool: 'true/false', str: 'string', list: 'list', stat: 'mean ± std', record: 'record',
    fn: `function of ${s.arity ?? '?'} argument${s.arity === 1 ? '' : 's'}`, any: 'value',
    result: `${s.solver?.id ?? 'solver'} result`,
  }[s.k];
  return s.series ? `${base} series (over the sweep)` : base;
}

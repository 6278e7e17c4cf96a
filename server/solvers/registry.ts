// The solver registry: the single source of truth for every solver's parameters (types, defaults,
// ranges, units, docs) and outputs. The .tlab checker, completion, hover, the engine and the CLI all
// read these declarations; nothing else may restate a parameter list.

import type { KernelApi } from '../engine/kernels/api';

/** A value that flows between the runner, the engine and solvers (JSON-serialisable). */
export type Value = number | boolean | string | null | Value[] | { [key: string]: Value };

export type ParamKind =
  | 'number'   // any finite float
  | 'integer'  // finite integer
  | 'boolean'
  | 'string'
  | 'enum'     // one of `values` (written as a bare word or a string in .tlab)
  | 'vector'   // list of numbers
  | 'expr';    // an expression in a variable, passed as source text (e.g. an activation `tanh(2*x)`)

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  doc: string;
  /** Used when the caller omits the parameter. A parameter with neither default nor `optional` is required. */
  default?: Value;
  /** May be omitted without a default (e.g. one of two alternatives such as `alpha` or `n`). */
  optional?: boolean;
  /** Documented range, inclusive unless the `exclusive*` flag is set. */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  unit?: string;
  /** Allowed words for kind 'enum'. */
  values?: string[];
}

export type OutputKind =
  | 'number'
  | 'integer'
  | 'boolean'
  | 'string'
  | 'vector'   // number[]
  | 'matrix'   // number[][]
  | 'stat'     // { mean, std, n } over seeds of a stochastic solver
  | 'trace'    // number[] indexed by iteration (energy, KL…)
  | 'object';  // anything else JSON-shaped (documented in `doc`)

export interface OutputSpec {
  name: string;
  kind: OutputKind;
  doc: string;
  unit?: string;
}

export type Device = 'auto' | 'cpu' | 'gpu';

/** Compute backend handed to solvers by the engine (CPU kernels, or WebGPU when available). */
export interface BackendInfo {
  /** 'cpu' or 'webgpu:<adapter name>' — reported by the CLI and the status bar. */
  name: string;
  kind: 'cpu' | 'webgpu';
}

export interface SolverContext {
  /** Seed for every random draw: a solver must be deterministic for a given seed. */
  seed: number;
  device: Device;
  backend: BackendInfo;
  /**
   * 'full' runs the documented budget; 'test' lets simulations shrink epochs/trials so test suites
   * stay fast (the spec allows simulations to run with a smaller budget in tests).
   */
  budget: 'full' | 'test';
  /** Report progress in [0, 1]; cheap to call often. */
  progress(fraction: number, message?: string): void;
  /** Throws CancelledError when the job was cancelled; call it inside long loops. */
  checkCancelled(): void;
  signal: AbortSignal;
  /** Non-fatal remarks shown to the user next to the result (e.g. "linear part removed"). */
  warn(message: string): void;
  /**
   * Compute kernels of the selected backend (CPU typed arrays or WebGPU), set by the engine; see
   * server/engine/kernels/api.ts. Solvers that do not use it stay on their own CPU code.
   */
  kernels?: KernelApi;
}

export interface SolverDef {
  id: string;                 // e.g. 'scaling.bayes_optimal'
  title: string;              // one line
  doc: string;                // markdown, shown in hover and docs/solvers.md
  paper: string;              // citation of the paper it implements
  mathSpec: string;           // file under shared/math/ (e.g. 'scaling-laws.md')
  version: string;            // bump when results change: part of the cache key
  stochastic?: boolean;       // written with `simulate`; outputs carry mean/std over seeds
  params: ParamSpec[];
  outputs: OutputSpec[];
  /** Rough CPU seconds for these (already defaulted) parameters; drives live auto-run. */
  cost?(params: Record<string, Value>): number;
  /**
   * Bytes the solver would need for these (already defaulted) parameters; the engine refuses a job
   * whose estimate exceeds its memory limit before starting it.
   */
  memoryEstimate?(params: Record<string, Value>): number;
  /** Checks that involve several parameters; return messages (empty when fine). */
  validate?(params: Record<string, Value>): ParamIssue[];
  run(params: Record<string, Value>, ctx: SolverContext): Promise<Record<string, Value>>;
}

export interface ParamIssue {
  /** Parameter the issue is about (for placing the diagnostic), or undefined for the whole call. */
  param?: string;
  message: string;
  severity?: 'error' | 'warning';
}

export class SolverInputError extends Error {
  constructor(message: string, public readonly param?: string) {
    super(message);
    this.name = 'SolverInputError';
  }
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

// ---------------------------------------------------------------------------------------------
// Parameter resolution, shared by the static checker (values known at check time) and the engine.

export interface ResolvedParams {
  params: Record<string, Value>;
  issues: ParamIssue[];
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  let prev = new Array(n + 1).fill(0).map((_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/** The closest candidate within a small edit distance, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

function describeRange(p: ParamSpec): string {
  const lo = p.min === undefined ? '' : `${p.exclusiveMin ? '>' : '≥'} ${p.min}`;
  const hi = p.max === undefined ? '' : `${p.exclusiveMax ? '<' : '≤'} ${p.max}`;
  return [lo, hi].filter(Boolean).join(' and ');
}

/** Checks one value against its declaration; returns a message or undefined. */
export function checkParamValue(p: ParamSpec, v: Value): string | undefined {
  switch (p.kind) {
    case 'number':
    case 'integer': {
      if (typeof v !== 'number') return `\`${p.name}\` must be a number, got ${describeValue(v)}`;
      if (!Number.isFinite(v)) return `\`${p.name}\` must be finite, got ${v}`;
      if (p.kind === 'integer' && !Number.isInteger(v)) return `\`${p.name}\` must be an integer, got ${v}`;
      const below = p.min !== undefined && (p.exclusiveMin ? v <= p.min : v < p.min);
      const above = p.max !== undefined && (p.exclusiveMax ? v >= p.max : v > p.max);
      if (below || above) return `\`${p.name}\` = ${v} is out of its documented range (${describeRange(p)})`;
      return undefined;
    }
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `\`${p.name}\` must be true or false, got ${describeValue(v)}`;
    case 'string':
    case 'expr':
      return typeof v === 'string' ? undefined : `\`${p.name}\` must be a string, got ${describeValue(v)}`;
    case 'enum':
      if (typeof v !== 'string') return `\`${p.name}\` must be one of ${p.values?.join(', ')}, got ${describeValue(v)}`;
      if (p.values && !p.values.includes(v)) {
        const s = didYouMean(v, p.values);
        return `\`${p.name}\` must be one of ${p.values.join(', ')}, got '${v}'${s ? ` — did you mean '${s}'?` : ''}`;
      }
      return undefined;
    case 'vector':
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
        return `\`${p.name}\` must be a list of finite numbers`;
      }
      return undefined;
  }
}

export function describeValue(v: Value): string {
  if (v === null) return 'nothing';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'a record';
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/**
 * Fills defaults and validates the given arguments against a solver's declaration. Unknown names get
 * a "did you mean"; missing required ones and out-of-range values are reported; the solver's own
 * cross-parameter `validate` runs last when everything else is fine.
 */
export function resolveParams(def: SolverDef, given: Record<string, Value>): ResolvedParams {
  const issues: ParamIssue[] = [];
  const params: Record<string, Value> = {};
  const known = new Map(def.params.map((p) => [p.name, p]));
  for (const [name, v] of Object.entries(given)) {
    const p = known.get(name);
    if (!p) {
      const s = didYouMean(name, known.keys());
      issues.push({ param: name, message: `\`${def.id}\` has no parameter \`${name}\`${s ? ` — did you mean \`${s}\`?` : ''}` });
      continue;
    }
    const msg = checkParamValue(p, v);
    if (msg) issues.push({ param: name, message: msg });
    params[name] = v;
  }
  for (const p of def.params) {
    if (p.name in params) continue;
    if (p.default !== undefined) params[p.name] = p.default;
    else if (!p.optional) issues.push({ message: `\`${def.id}\` needs the parameter \`${p.name}\` (${p.doc})` });
  }
  if (issues.length === 0 && def.validate) issues.push(...def.validate(params));
  return { params, issues };
}

// The solver registry: the single source of truth for every solver's parameters (types, defaults,
// ranges, units, docs) and outputs. The .tlab checker, completion, hover, the engine and the CLI all
// read these declarations; nothing else may restate a parameter list. The declarations' types are in
// ./contract.ts; this file adds the parameter resolution shared by the checker and the engine.

import type { ParamIssue, ParamSpec, SolverDef, Value } from './contract';
import { didYouMean } from '../text/suggest';

// The types live in the dependency-free contract; re-exported here so existing imports keep working.
export type {
  BackendInfo,
  Device,
  OutputKind,
  OutputSpec,
  ParamIssue,
  ParamKind,
  ParamSpec,
  SolverContext,
  SolverDef,
  Value,
} from './contract';
export { CancelledError, SolverInputError } from './contract';
// "Did you mean": a text helper every language shares; re-exported for the registry's own callers.
export { didYouMean, editDistance } from '../text/suggest';

// ---------------------------------------------------------------------------------------------
// Parameter resolution, shared by the static checker (values known at check time) and the engine.

export interface ResolvedParams {
  params: Record<string, Value>;
  issues: ParamIssue[];
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
      issues.push({
        param: name,
        message: `\`${def.id}\` has no parameter \`${name}\`${s ? ` — did you mean \`${s}\`?` : ''}`,
      });
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

// Stable identity of a solve request: the same solver, version, parameters (key order ignored),
// seed, device and budget always give the same key, so a results folder can be resumed.
import * as crypto from 'node:crypto';
import { getSolver } from '../solvers/index';
import type { SolveRequest } from '../engine/runner';

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function requestKey(req: SolveRequest): string {
  const version = getSolver(req.solver)?.version ?? '?';
  const identity = canonicalJson({
    solver: req.solver, version, params: req.params, seed: req.seed ?? 0, device: req.device ?? 'auto', budget: req.budget ?? 'full',
  });
  return crypto.createHash('sha256').update(identity).digest('hex').slice(0, 24);
}

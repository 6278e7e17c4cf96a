// Lines of the run log (the "Theory Lab" output channel, via window/logMessage): what ran, on which
// backend and why that backend, cache hits, times, and errors with their cause. One line per event,
// short enough to read in the channel; parameter lists are cut, never the cause of an error.
import type { Value } from '../../solvers/registry';
import type { SolveRequest, SolveResult } from '../runner';

const MAX_PARAMS = 160;

/** `demo.quadratic(a = 1, b = -2) seed 0`: the call as a researcher wrote it, cut at MAX_PARAMS characters. */
export function describeCall(req: SolveRequest): string {
  const parts = Object.entries(req.params).map(([k, v]) => `${k} = ${short(v)}`);
  let args = parts.join(', ');
  if (args.length > MAX_PARAMS) args = `${args.slice(0, MAX_PARAMS - 1)}…`;
  const extras = [req.seed ? `seed ${req.seed}` : '', req.budget === 'test' ? 'budget test' : ''].filter(Boolean).join(', ');
  return `${req.solver}(${args})${extras ? ` [${extras}]` : ''}`;
}

function short(v: Value): string {
  if (Array.isArray(v)) return v.length > 6 ? `[${v.slice(0, 5).map((x) => short(x as Value)).join(', ')}, … ${v.length} items]` : `[${v.map((x) => short(x as Value)).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);
  if (v && typeof v === 'object') return '{…}';
  return String(v);
}

export function startLine(req: SolveRequest, device: string, backend: { name: string; reason?: string } | undefined): string {
  const on = backend ? ` on ${backend.name}${backend.reason ? ` (${backend.reason})` : ''}` : '';
  return `run ${describeCall(req)} — device ${req.device ?? device}${on}`;
}

export function doneLine(req: SolveRequest, res: SolveResult, wallSeconds: number): string {
  if (res.cached) return `cache hit ${req.solver}: computed earlier on ${res.backend} in ${fmt(res.seconds)}, served in ${fmt(wallSeconds)}`;
  const warn = res.warnings.length ? `; warnings: ${res.warnings.join('; ')}` : '';
  return `done ${req.solver} in ${fmt(res.seconds)} on ${res.backend} (${fmt(wallSeconds)} with queueing)${warn}`;
}

export function failLine(req: SolveRequest, e: unknown, wallSeconds: number): string {
  const err = e as Error;
  if (err?.name === 'CancelledError') return `cancelled ${req.solver} after ${fmt(wallSeconds)}${err.message && err.message !== 'cancelled' ? ` (${err.message})` : ''}`;
  const cause = err?.message ?? String(e);
  return `failed ${req.solver} after ${fmt(wallSeconds)}: ${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${cause}`;
}

function fmt(s: number): string {
  return s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
}

// What the code lens of a block says about its last run beyond pass/fail: when it finished and how
// long it took, that it was cancelled or failed (and why), or that static errors keep it from running.
// Kept beside the stored results (keyed by the document state and the block name) so that the
// results themselves and their persisted form stay as they are.
import type { Span } from './ast';

export type RunOutcome =
  | { kind: 'done'; finishedAt: Date; seconds: number }
  | { kind: 'cancelled'; at: Date }
  | { kind: 'failed'; at: Date; message: string };

const outcomes = new WeakMap<object, Map<string, RunOutcome>>();

export function setOutcome(state: object, block: string, outcome: RunOutcome): void {
  let m = outcomes.get(state);
  if (!m) outcomes.set(state, (m = new Map()));
  m.set(block, outcome);
}

export function outcomeOf(state: object, block: string): RunOutcome | undefined {
  return outcomes.get(state)?.get(block);
}

const clock = (d: Date) => d.toTimeString().slice(0, 8);
const secs = (s: number) => (s < 10 ? `${s.toFixed(2)} s` : s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

/** Number of static errors inside a block's span (they keep it from running). */
export function staticErrors(diagnostics: { span: Span; severity: string }[], span: Span): number {
  return diagnostics.filter((d) => d.severity === 'error' && d.span.start >= span.start && d.span.end <= span.end).length;
}

/**
 * The status lens text of a block, or undefined when there is nothing to add: running, not run
 * (static errors), cancelled, failed, or done at a time with its duration. Codicons, not emoji.
 */
export function statusLens(o: { running: boolean; errors: number; outcome?: RunOutcome; stale: boolean }): string | undefined {
  if (o.running) return '$(sync~spin) running…';
  if (o.errors) return `$(error) not run: ${o.errors} error${o.errors > 1 ? 's' : ''}`;
  const r = o.outcome;
  if (!r) return undefined;
  if (r.kind === 'cancelled') return `$(circle-slash) cancelled at ${clock(r.at)}`;
  if (r.kind === 'failed') return `$(error) failed at ${clock(r.at)}: ${r.message.length > 80 ? `${r.message.slice(0, 79)}…` : r.message}`;
  return o.stale ? undefined : `$(check) done at ${clock(r.finishedAt)} in ${secs(r.seconds)}`;
}

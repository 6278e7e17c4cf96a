// What the code lens of a block says about its run beyond pass/fail: queued, running with the solver's
// own progress ("seed 3/10 · 30%"), when it finished, how long it took and whether the results came
// from the cache, that it was cancelled or failed (and why), or that static errors keep it from
// running. Kept beside the stored results (keyed by the document state and the block name) so that the
// results themselves and their persisted form stay as they are.
import type { Span } from './ast';

export type RunOutcome =
  | {
      kind: 'done'; finishedAt: Date; seconds: number; /** solver calls of the run, and how many the cache answered */ calls?: { total: number; cached: number };
      /** false when an expect or check failed: the run is done, but no ✓ beside a failure */ passed?: boolean;
    }
  | { kind: 'cancelled'; at: Date }
  | { kind: 'failed'; at: Date; message: string };

/** One solver call of a running block: waiting in the solver host's queue, or computing with its last progress. */
export interface LiveJob { running: boolean; fraction?: number; message?: string }

/** A block whose run was requested and has not finished: queued until it starts, then its solver calls. */
export interface LiveBlock { started: boolean; jobs: Map<number, LiveJob>; finished: number }

/** What a block run reports about its solver calls (server/tlab/blockRun.ts). */
export type JobEvent =
  | { id: number; state: 'waiting' }
  | { id: number; state: 'running'; fraction?: number; message?: string }
  | { id: number; state: 'done'; cached?: boolean };

const outcomes = new WeakMap<object, Map<string, RunOutcome>>();
const lives = new WeakMap<object, Map<string, LiveBlock>>();

export function setOutcome(state: object, block: string, outcome: RunOutcome): void {
  let m = outcomes.get(state);
  if (!m) outcomes.set(state, (m = new Map()));
  m.set(block, outcome);
}

export function outcomeOf(state: object, block: string): RunOutcome | undefined {
  return outcomes.get(state)?.get(block);
}

function livesOf(state: object): Map<string, LiveBlock> {
  let m = lives.get(state);
  if (!m) lives.set(state, (m = new Map()));
  return m;
}

/** The blocks of a requested run, all queued until runTlab reaches them. */
export function markQueued(state: object, blocks: string[]): void {
  const m = livesOf(state);
  for (const b of blocks) m.set(b, { started: false, jobs: new Map(), finished: 0 });
}

export function markStarted(state: object, block: string): void {
  const l = livesOf(state).get(block);
  if (l) l.started = true;
}

/** Applies a solver-call event of a block; done calls leave the map and are counted. */
export function applyJobEvent(state: object, block: string, e: JobEvent): void {
  const l = livesOf(state).get(block);
  if (!l) return;
  if (e.state === 'done') { if (l.jobs.delete(e.id)) l.finished++; return; }
  if (e.state === 'waiting') { l.jobs.set(e.id, { running: false }); return; }
  const j = l.jobs.get(e.id) ?? { running: true };
  j.running = true;
  if (e.fraction !== undefined) j.fraction = e.fraction;
  if (e.message !== undefined) j.message = e.message;
  l.jobs.set(e.id, j);
}

/** Ends the live state of the blocks of a run (its outcome is stored separately). */
export function clearLive(state: object, blocks: string[], only?: Map<string, LiveBlock>): void {
  const m = livesOf(state);
  for (const b of blocks) if (!only || m.get(b) === only.get(b)) m.delete(b);
}

export function liveOf(state: object, block: string): LiveBlock | undefined {
  return lives.get(state)?.get(block);
}

const clock = (d: Date) => d.toTimeString().slice(0, 8);
const secs = (s: number) => (s < 10 ? `${s.toFixed(2)} s` : s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);
const pct = (f: number) => `${Math.max(0, Math.min(100, Math.floor(f * 100)))}%`;
const clip = (t: string, n: number) => (t.length > n ? `${t.slice(0, n - 1)}…` : t);

/** One job's progress: "epoch 649/5000 · 12%", "30%", or undefined before its first report. */
function jobText(j: LiveJob): string | undefined {
  const m = j.message ? clip(j.message, 48) : undefined;
  if (m && j.fraction !== undefined) return `${m} · ${pct(j.fraction)}`;
  return m ?? (j.fraction !== undefined ? pct(j.fraction) : undefined);
}

/**
 * The progress of a live block, without icon: "queued", "queued (waiting for the solver host)",
 * "running: seed 3/10 · 30%", "running: epoch 5/10 · 50% — 2 of 6 solver calls done". Also the
 * message of the run's progress notification.
 */
export function liveText(l: LiveBlock): string {
  if (!l.started) return 'queued';
  const jobs = [...l.jobs.values()];
  const running = jobs.filter((j) => j.running);
  if (!running.length && jobs.length && !l.finished) return 'queued (waiting for the solver host)';
  const total = l.finished + jobs.length;
  const calls = total > 1 ? ` — ${l.finished} of ${total} solver calls done` : '';
  const texts = running.map(jobText).filter((t): t is string => !!t);
  if (!texts.length) return `running…${calls}`;
  const shown = texts.length > 2 ? [...texts.slice(0, 2), `+${texts.length - 2} more`] : texts;
  return `running${running.length > 1 ? ` ${running.length} jobs` : ''}: ${shown.join('; ')}${calls}`;
}

/** Number of static errors inside a block's span (they keep it from running). */
export function staticErrors(diagnostics: { span: Span; severity: string }[], span: Span): number {
  return diagnostics.filter((d) => d.severity === 'error' && d.span.start >= span.start && d.span.end <= span.end).length;
}

/** " (cached)" when the cache answered every solver call of the run, " (3 of 8 cached)" for some. */
function cacheNote(calls: { total: number; cached: number } | undefined): string {
  if (!calls || !calls.cached) return '';
  return calls.cached === calls.total ? ' (cached)' : ` (${calls.cached} of ${calls.total} cached)`;
}

/**
 * The status lens text of a block, or undefined when there is nothing to add: queued or running (with
 * progress), not run (static errors), cancelled, failed, or done at a time with its duration and the
 * cache note. Codicons, not emoji.
 */
export function statusLens(o: { running: boolean; live?: LiveBlock; errors: number; outcome?: RunOutcome; stale: boolean }): string | undefined {
  if (o.live) {
    const t = liveText(o.live);
    return t.startsWith('queued') ? `$(clock) ${t}` : `$(sync~spin) ${t}`;
  }
  if (o.running) return '$(sync~spin) running…';
  if (o.errors) return `$(error) not run: ${o.errors} error${o.errors > 1 ? 's' : ''}`;
  const r = o.outcome;
  if (!r) return undefined;
  if (r.kind === 'cancelled') return `$(circle-slash) cancelled at ${clock(r.at)}`;
  if (r.kind === 'failed') return `$(error) failed at ${clock(r.at)}: ${clip(r.message, 80)}`;
  return o.stale ? undefined : `${r.passed === false ? '$(circle-large-outline)' : '$(check)'} done at ${clock(r.finishedAt)} in ${secs(r.seconds)}${cacheNote(r.calls)}`;
}

/**
 * Calls `f` at most once per `ms` (the first call at once, later ones folded into one trailing call),
 * so that twenty progress messages a second become ~4 code-lens refreshes a second.
 */
export function throttle(f: () => void, ms: number): () => void {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) { last = Date.now(); f(); return; }
    timer = setTimeout(() => { timer = undefined; last = Date.now(); f(); }, wait);
    (timer as { unref?: () => void }).unref?.();
  };
}

// Run orchestration of .tlab blocks for the server: starts a block run (cancelling an older run of the
// same target), stores results with the fingerprint of the inputs, persists them, and serves the
// cancel and plots requests.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { PlotPayload, RunResult } from '../../protocol';
import { blockFingerprint, peekState } from './documents';
import { persistResults } from './persist';
import { BlockResult, blockPassed, runTlab } from './blockRun';
import { state } from './serviceCommon';
import { applyJobEvent, clearLive, liveOf, liveText, markQueued, markStarted, RunOutcome, setOutcome, staticErrors, throttle } from './runStatus';
import type { Analysis } from './checkTypes';
import { confinementRoot, filePathOf } from '../workspace/confine';

// ---- run / cancel / plots (called by server.ts) ------------------------------------------------------

/** The shortest time between two code-lens refreshes of a running file (see runTarget). */
export const LENS_REFRESH_MS = 1000;

export interface RunHooks {
  onPlot?(p: PlotPayload): void; budget?: 'full' | 'test'; /** aborts the run (auto-run: a newer edit) */ signal?: AbortSignal;
  /** Seed of the random points and solver calls ("Re-check with new seed"); default 0. */
  seed?: number;
}

export async function runTarget(doc: TextDocument, target: string | undefined, ctx: ServerContext, hooks: RunHooks = {}): Promise<RunResult> {
  const s = state(doc, ctx);
  const all = s.analysis.blocks.map((b) => b.name).filter((n) => !target || n === target);
  if (target && !all.length) return { ok: false, nothingToRun: true, message: `no experiment or derivation named '${target}'` };
  if (!all.length) return { ok: false, nothingToRun: true, message: 'nothing to run: this file has no experiment or derivation block' };
  // A block with static errors does not run (its lens says "not run: N errors"); the others do.
  const blocked = blocksWithErrors(s.analysis, all);
  const names = all.filter((n) => !blocked.has(n));
  if (!names.length) {
    const [n, first] = [...blocked][0];
    const more = blocked.size > 1 ? ` (and ${blocked.size - 1} more block${blocked.size > 2 ? 's' : ''})` : '';
    return { ok: false, nothingToRun: true, message: `not run: ${n} has ${first.count} error${first.count > 1 ? 's' : ''}${more}; first: line ${first.line}: ${first.message}` };
  }
  const key = target ?? '*';
  s.running.get(key)?.abort();
  const controller = new AbortController();
  s.running.set(key, controller);
  if (hooks.signal?.aborted) controller.abort(); else hooks.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const analysis = s.analysis;
  const fingerprints = new Map(names.map((n) => [n, blockFingerprint(analysis, n)!]));
  // Lens states: every block of the run queued, then running with its solver calls' progress; the
  // lenses are refreshed at most ~4 times a second however often the solvers report.
  markQueued(s, names);
  const mine = new Map(names.map((n) => [n, liveOf(s, n)!]));
  const progress = runProgress(ctx, () => controller.abort(), target ?? 'all blocks');
  let current: string | undefined;
  // Lenses at most once a second: VS Code re-asks for lenses only once no refresh has come for its
  // debounce (≥ 250 ms), and each refresh restarts that wait, so refreshes at 4/s would hold every
  // lens at its state from before the run until the run ends. The notification may update faster.
  const lensesChanged = throttle(() => ctx.refreshLenses?.(), LENS_REFRESH_MS);
  const changed = throttle(() => {
    lensesChanged();
    const l = current ? liveOf(s, current) : undefined;
    // the notification's title says "running …" already
    if (l) progress.report(`${names.length > 1 ? `${current}: ` : ''}${liveText(l).replace(/^running: /, '')}`, fractionOf(l));
  }, 250);
  ctx.refreshLenses?.();
  try {
    if (hooks.seed !== undefined && target) s.seeds.set(target, hooks.seed);
    // theorylab.device applies to solve statements without their own `on …`; data files are read
    // inside the document's workspace folder (its own folder outside one)
    const file = filePathOf(doc.uri);
    const dataRoot = file ? confinementRoot(file, ctx.workspaceRoots()) : undefined;
    const report = await runTlab(analysis, {
      runner: ctx.runner, device: ctx.settings().device, signal: controller.signal, budget: hooks.budget ?? 'full',
      seed: hooks.seed ?? (target ? s.seeds.get(target) : undefined), dataRoot, skip: new Set(blocked.keys()),
      onBlockStart: (n) => { current = n; markStarted(s, n); changed(); },
      onJob: (n, e) => { applyJobEvent(s, n, e); changed(); },
      onBlockEnd: (b) => {
        setOutcome(s, b.name, outcomeOf(b));
        clearLive(s, [b.name], mine);
        changed();
      },
    }, target);
    let passed = 0, failed = 0, open = 0, errors = 0;
    for (const b of report.blocks) {
      if (b.cancelled) continue;
      s.results.set(b.name, { result: b, fingerprint: fingerprints.get(b.name) ?? '', text: analysis.text });
      passed += b.expects.filter((e) => e.passed).length + b.checks.filter((c) => c.passed).length;
      failed += b.expects.filter((e) => !e.passed).length + b.checks.filter((c) => !c.passed && !c.inconclusive).length;
      open += b.checks.filter((c) => !c.passed && c.inconclusive).length;
      errors += b.issues.filter((i) => i.severity === 'error').length;
      for (const p of b.plots) hooks.onPlot?.(p);
    }
    if (report.blocks.some((b) => !b.cancelled)) persistResults(doc.uri, s.results); // server/tlab/persist.ts
    // blocks a cancel stopped before they began are cancelled too, not left without a state
    for (const n of names) if (!report.blocks.some((b) => b.name === n) && controller.signal.aborted) setOutcome(s, n, { kind: 'cancelled', at: new Date() });
    clearLive(s, names, mine);
    ctx.refresh(doc.uri);
    if (controller.signal.aborted || report.blocks.some((b) => b.cancelled)) return { ok: false, cancelled: true, message: 'cancelled' };
    const ok = report.blocks.every(blockPassed) && !blocked.size;
    const notRun = blocked.size ? `; not run (static errors): ${[...blocked.keys()].join(', ')}` : '';
    return { ok, message: `${report.blocks.length} block${report.blocks.length === 1 ? '' : 's'}: ${passed} passed, ${failed} failed${open ? `, ${open} inconclusive` : ''}${errors ? `, ${errors} error${errors > 1 ? 's' : ''}` : ''} (${report.seconds.toFixed(2)} s)${notRun}` };
  } catch (e) {
    for (const n of names) setOutcome(s, n, { kind: 'failed', at: new Date(), message: (e as Error).message });
    clearLive(s, names, mine);
    ctx.refresh(doc.uri);
    return { ok: false, message: `run failed: ${(e as Error).message}` };
  } finally {
    progress.done();
    clearLive(s, names, mine);
    if (s.running.get(key) === controller) s.running.delete(key);
  }
}

/** The blocks among `names` with static errors: how many, and the first (1-based line, message). */
function blocksWithErrors(a: Analysis, names: string[]): Map<string, { count: number; line: number; message: string }> {
  const out = new Map<string, { count: number; line: number; message: string }>();
  for (const b of a.blocks) {
    if (!names.includes(b.name)) continue;
    const span = b.decl.span;
    const count = staticErrors(a.diagnostics, span);
    if (!count) continue;
    const first = a.diagnostics.find((d) => d.severity === 'error' && d.span.start >= span.start && d.span.end <= span.end)!;
    let line = 1;
    for (let i = a.text.indexOf('\n'); i >= 0 && i < first.span.start; i = a.text.indexOf('\n', i + 1)) line++;
    out.set(b.name, { count, line, message: first.message });
  }
  return out;
}

/** The lens outcome of a finished block: cancelled, failed (its first run error), or done with its cache note. */
function outcomeOf(b: BlockResult): RunOutcome {
  const at = new Date();
  if (b.cancelled) return { kind: 'cancelled', at };
  const runError = b.issues.find((i) => i.severity === 'error');
  return runError ? { kind: 'failed', at, message: runError.message } : { kind: 'done', finishedAt: at, seconds: b.seconds, calls: b.calls, passed: blockPassed(b) };
}

/** The fraction done of a live block: the mean over its solver calls, finished ones counting 1. */
function fractionOf(l: NonNullable<ReturnType<typeof liveOf>>): number | undefined {
  const jobs = [...l.jobs.values()];
  const total = jobs.length + l.finished;
  if (!total) return undefined;
  return (l.finished + jobs.reduce((a, j) => a + (j.fraction ?? 0), 0)) / total;
}

/**
 * The one progress notification of a run, shown once it has lasted half a second (quick runs and cache
 * hits do not flicker). Its Cancel button cancels the run as theorylab/cancel does: the blocks end as
 * cancelled, not failed.
 */
function runProgress(ctx: ServerContext, cancel: () => void, what: string): { report(message: string, fraction?: number): void; done(): void } {
  let reporter: { report(p: number | undefined, m: string): void; done(): void } | undefined;
  let ended = false;
  let last: { message: string; fraction?: number } = { message: 'starting…' };
  const timer = setTimeout(() => {
    ctx.createProgress().then((r) => {
      if (ended) { r.done(); return; }
      r.begin(`Theory Lab: running ${what}`, last.fraction !== undefined ? Math.round(last.fraction * 100) : undefined, last.message, true);
      r.token.onCancellationRequested(cancel);
      reporter = { report: (p, m) => (p === undefined ? r.report(m) : r.report(Math.round(p * 100), m)), done: () => r.done() };
    }, () => { /* a client without work-done progress: the lenses still show it */ });
  }, 500);
  return {
    report: (message, fraction) => {
      last = { message, fraction };
      reporter?.report(fraction, message);
    },
    done: () => { ended = true; clearTimeout(timer); reporter?.done(); },
  };
}

export function cancelTarget(uri: string, target?: string): void {
  const s = peekState(uri);
  if (!s) return;
  for (const [k, c] of s.running) if (!target || k === target || k === '*') c.abort();
}

export function plotsFor(uri: string, target?: string): PlotPayload[] {
  const s = peekState(uri);
  if (!s) return [];
  const out: PlotPayload[] = [];
  for (const [name, r] of s.results) {
    if (target && name !== target) continue;
    const stale = blockFingerprint(s.analysis, name) !== r.fingerprint;
    for (const p of r.result.plots) out.push(stale ? { ...p, stale: true } : p);
  }
  return out;
}

// Run orchestration of .tlab blocks for the server: starts a block run (cancelling an older run of the
// same target), stores results with the fingerprint of the inputs, persists them, and serves the
// cancel and plots requests.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { PlotPayload, RunResult } from '../../protocol';
import { blockFingerprint, peekState } from './documents';
import { persistResults } from './persist';
import { blockPassed, runTlab } from './blockRun';
import { state } from './serviceCommon';
import { setOutcome } from './runStatus';
import { confinementRoot, filePathOf } from '../workspace/confine';

// ---- run / cancel / plots (called by server.ts) ------------------------------------------------------

export interface RunHooks {
  onPlot?(p: PlotPayload): void; budget?: 'full' | 'test'; /** aborts the run (auto-run: a newer edit) */ signal?: AbortSignal;
  /** Seed of the random points and solver calls ("Re-check with new seed"); default 0. */
  seed?: number;
}

export async function runTarget(doc: TextDocument, target: string | undefined, ctx: ServerContext, hooks: RunHooks = {}): Promise<RunResult> {
  const s = state(doc, ctx);
  const names = s.analysis.blocks.map((b) => b.name).filter((n) => !target || n === target);
  if (target && !names.length) return { ok: false, message: `no experiment or derivation named '${target}'` };
  const key = target ?? '*';
  s.running.get(key)?.abort();
  const controller = new AbortController();
  s.running.set(key, controller);
  if (hooks.signal?.aborted) controller.abort(); else hooks.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const analysis = s.analysis;
  const fingerprints = new Map(names.map((n) => [n, blockFingerprint(analysis, n)!]));
  try {
    if (hooks.seed !== undefined && target) s.seeds.set(target, hooks.seed);
    // theorylab.device applies to solve statements without their own `on …`; data files are read
    // inside the document's workspace folder (its own folder outside one)
    const file = filePathOf(doc.uri);
    const dataRoot = file ? confinementRoot(file, ctx.workspaceRoots()) : undefined;
    const report = await runTlab(analysis, {
      runner: ctx.runner, device: ctx.settings().device, signal: controller.signal, budget: hooks.budget ?? 'full',
      seed: hooks.seed ?? (target ? s.seeds.get(target) : undefined), dataRoot,
    }, target);
    let passed = 0, failed = 0, errors = 0;
    for (const b of report.blocks) {
      if (b.cancelled) { setOutcome(s, b.name, { kind: 'cancelled', at: new Date() }); continue; }
      const runError = b.issues.find((i) => i.severity === 'error');
      setOutcome(s, b.name, runError ? { kind: 'failed', at: new Date(), message: runError.message } : { kind: 'done', finishedAt: new Date(), seconds: b.seconds });
      s.results.set(b.name, { result: b, fingerprint: fingerprints.get(b.name) ?? '', text: analysis.text });
      passed += b.expects.filter((e) => e.passed).length + b.checks.filter((c) => c.passed).length;
      failed += b.expects.filter((e) => !e.passed).length + b.checks.filter((c) => !c.passed).length;
      errors += b.issues.filter((i) => i.severity === 'error').length;
      for (const p of b.plots) hooks.onPlot?.(p);
    }
    if (report.blocks.some((b) => !b.cancelled)) persistResults(doc.uri, s.results); // server/tlab/persist.ts
    ctx.refresh(doc.uri);
    if (controller.signal.aborted) return { ok: false, message: 'cancelled' };
    const ok = report.blocks.every(blockPassed);
    return { ok, message: `${report.blocks.length} block${report.blocks.length === 1 ? '' : 's'}: ${passed} passed, ${failed} failed${errors ? `, ${errors} error${errors > 1 ? 's' : ''}` : ''} (${report.seconds.toFixed(2)} s)` };
  } catch (e) {
    for (const n of names) setOutcome(s, n, { kind: 'failed', at: new Date(), message: (e as Error).message });
    ctx.refresh(doc.uri);
    return { ok: false, message: `run failed: ${(e as Error).message}` };
  } finally {
    if (s.running.get(key) === controller) s.running.delete(key);
  }
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

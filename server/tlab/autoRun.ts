// Live theory: blocks of a .tlab file whose estimated cost is below `theorylab.autoRun.maxSeconds`
// (default 1 s) re-run by themselves a short while after typing stops, so diagnostics, hovers, inlay
// hints and the open plot follow the edit. Only blocks whose text (or the file-level text they depend
// on, see blockFingerprint) changed are re-run; expensive ones keep their stale results until "Run".
// Never in an untrusted workspace. A newer edit of the document aborts its pending auto-run.
//
// Also here: the server's quiescence (rust-analyzer's `serverStatus.quiescent`): results may still
// change while an auto-run is scheduled, a block runs (automatic or requested) or a solver job runs.
// LiveStatus (server/engine/lsp/liveStatus.ts) merges the runner's status with these into one `theorylab/serverStatus` stream.
import { resolveConfined } from '../workspace/confine';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import { LiveStatus } from '../engine/lsp/liveStatus';
import type { RunResult } from '../../protocol';
import { getSolver } from '../solvers/index';
import { resolveParams, type Value } from '../solvers/registry';
import type { DerivationDecl, ExperimentDecl } from './ast';
import { Analysis, staticKey } from './checker';
import { blockFingerprint, getState } from './documents';
import { isSeries, isStat, RV } from './values';

export const DEFAULT_MAX_SECONDS = 1;
export const DEFAULT_DELAY_MS = 300;

// ---- cost estimate ----------------------------------------------------------------------------------

export interface BlockCost {
  /** estimated CPU seconds of the block's solver calls (Infinity when it cannot be known before a run) */
  seconds: number;
  /** distinct solver calls counted */
  calls: number;
  /** why the estimate is Infinity, when it is */
  unknown?: string;
}

function toValue(v: RV): Value | undefined {
  if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (isStat(v)) return v.mean;
  if (Array.isArray(v)) { const xs = v.map(toValue); return xs.every((x) => x !== undefined) ? (xs as Value[]) : undefined; }
  return undefined;
}

/**
 * The registry's `cost(params)` summed over the distinct parameter sets of every solve/simulate of a
 * block (one per grid point the arguments vary over, as the runner dispatches them), from the values
 * the checker folded statically. A derivation costs nothing (its checks are cheap and time-limited).
 * Arguments only known after a run (`width = bo.k_c`) count at their default for a deterministic
 * solver and make a stochastic one's cost unknown; a grid that is not static makes the block's unknown.
 */
export function estimateBlockCost(a: Analysis, name: string): BlockCost {
  const info = a.blocks.find((b) => b.name === name);
  if (!info) return { seconds: Infinity, calls: 0, unknown: `no block named ${name}` };
  if (info.kind === 'derivation') return { seconds: 0, calls: 0 };
  const decl = info.decl as ExperimentDecl;
  if (info.sweeps.length && !info.grid) return { seconds: Infinity, calls: 0, unknown: 'the sweep grid is only known at run time' };
  let seconds = 0, calls = 0;
  for (const st of decl.body) {
    if (st.kind !== 'solve') continue;
    const def = getSolver(st.solver.name);
    if (!def) continue; // an unknown solver fails at once
    const fixed: Record<string, Value> = {};
    const varying: { name: string; idx: number[]; values: RV[] }[] = [];
    const unknown: string[] = [];
    for (const arg of st.args) {
      const spec = arg.name ? def.params.find((p) => p.name === arg.name) : undefined;
      if (!arg.name || !spec) continue;
      if (spec.kind === 'expr') { fixed[arg.name] = arg.value.kind === 'str' ? arg.value.value : a.text.slice(arg.value.span.start, arg.value.span.end); continue; }
      const v = a.staticValues.get(staticKey(arg.value.span));
      if (v === undefined) {
        if (spec.kind === 'enum' && arg.value.kind === 'name') fixed[arg.name] = arg.value.name;
        else unknown.push(arg.name);
        continue;
      }
      if (isSeries(v)) { varying.push({ name: arg.name, idx: v.idx, values: v.values }); continue; }
      const jv = toValue(v);
      if (jv === undefined) unknown.push(arg.name); else fixed[arg.name] = jv;
    }
    if (unknown.length && def.stochastic) {
      return { seconds: Infinity, calls, unknown: `\`${st.name.name}\`: ${unknown.map((u) => `\`${u}\``).join(', ')} only known after a run` };
    }
    // Distinct parameter sets over the grid points the varying arguments share (the runner runs each once).
    let idx = varying.length ? varying[0].idx : [0];
    for (const s of varying.slice(1)) { const set = new Set(s.idx); idx = idx.filter((i) => set.has(i)); }
    const pos = varying.map((s) => new Map(s.idx.map((i, k) => [i, k])));
    const seen = new Set<string>();
    for (const p of idx) {
      const given: Record<string, Value> = { ...fixed };
      let ok = true;
      varying.forEach((s, j) => { const x = toValue(s.values[pos[j].get(p)!]); if (x === undefined) ok = false; else given[s.name] = x; });
      if (!ok) return { seconds: Infinity, calls, unknown: `\`${st.name.name}\`: an argument is not a plain value` };
      const key = JSON.stringify(given);
      if (seen.has(key)) continue;
      seen.add(key);
      let c: number;
      try { c = def.cost ? def.cost(resolveParams(def, given).params) : Infinity; } catch { c = Infinity; }
      if (!Number.isFinite(c) || c < 0) return { seconds: Infinity, calls, unknown: `\`${st.name.name}\`: ${def.id} has no cost estimate for these parameters` };
      seconds += c;
      calls++;
    }
  }
  return { seconds, calls };
}

/** Errors (syntax, checker) inside the block or at file level: running now would only report them again. */
function hasErrors(a: Analysis, decl: ExperimentDecl | DerivationDecl): boolean {
  const blocks = a.parse.file.items.filter((i) => i.kind === 'experiment' || i.kind === 'derivation');
  return a.diagnostics.some((d) => d.severity === 'error' && (
    (d.span.start >= decl.span.start && d.span.start <= decl.span.end) ||
    !blocks.some((b) => d.span.start >= b.span.start && d.span.start <= b.span.end)));
}

/**
 * `theorylab.autoRun.maxSeconds` from whatever shape the client sends: initializationOptions.settings
 * (`autoRunMaxSeconds`), workspace/didChangeConfiguration (`{ theorylab: { autoRun: { maxSeconds } } }`),
 * or a flat dotted key. undefined when absent.
 */
export function readMaxSeconds(settings: unknown): number | undefined {
  if (!settings || typeof settings !== 'object') return undefined;
  const s = settings as Record<string, any>;
  const candidates = [s.autoRunMaxSeconds, s.autoRun?.maxSeconds, s['autoRun.maxSeconds'], s['theorylab.autoRun.maxSeconds']];
  if (s.theorylab && typeof s.theorylab === 'object') candidates.push(readMaxSeconds(s.theorylab));
  for (const c of candidates) if (typeof c === 'number' && Number.isFinite(c) && c >= 0) return c;
  return undefined;
}

// ---- quiescence -------------------------------------------------------------------------------------

// LiveStatus (the one serverStatus stream) lives with the engine's LSP adapter: server/engine/lsp/.
export { LiveStatus };

// ---- the auto-runner --------------------------------------------------------------------------------

export interface AutoRunDeps {
  ctx: ServerContext;
  /** The open document (the live object: it follows later edits). */
  document(uri: string): TextDocument | undefined;
  /** Runs one block (service.runTarget with the plot hook), aborted through `signal`. */
  run(doc: TextDocument, target: string, signal: AbortSignal): Promise<RunResult>;
  live: LiveStatus;
  delayMs?: number;
}

interface DocAuto {
  /** fingerprint of every block at the last edit seen */
  seen: Map<string, string | undefined>;
  /** blocks changed since their last auto-run */
  pending: Set<string>;
  timer?: NodeJS.Timeout;
  controller?: AbortController;
  running: string[];
  /** the "not trusted / disabled" line was logged for this document */
  toldOff?: boolean;
}

const isTlab = (doc: TextDocument) => doc.languageId === 'tlab' || doc.uri.endsWith('.tlab');
const fileName = (uri: string) => decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
const secs = (s: number) => (s === 0 ? '0 s' : s < 0.01 ? `${s.toExponential(0)} s` : `${s.toPrecision(2)} s`);

export class AutoRunner {
  private maxSeconds = DEFAULT_MAX_SECONDS;
  private readonly docs = new Map<string, DocAuto>();

  constructor(private readonly deps: AutoRunDeps) {}

  /** Applies client settings (initializationOptions.settings or didChangeConfiguration's). */
  configure(settings: unknown): void {
    const m = readMaxSeconds(settings);
    if (m !== undefined) this.maxSeconds = m;
  }

  threshold(): number { return this.maxSeconds; }

  private enabled(): string | undefined {
    if (!this.deps.ctx.trusted()) return 'the workspace is not trusted';
    if (this.maxSeconds <= 0) return 'theorylab.autoRun.maxSeconds is 0';
    return undefined;
  }

  private log(uri: string, m: string): void { this.deps.ctx.log(`[auto-run] ${fileName(uri)}: ${m}`); }

  private analysis(doc: TextDocument): ReturnType<typeof getState> {
    return getState(doc.uri, doc.version, doc.getText(), (from, rel) => this.deps.ctx.readWorkspaceFile(from, rel),
      (from, rel) => resolveConfined(from, rel, this.deps.ctx.workspaceRoots()));
  }

  /** Call on every content change (including the open): schedules the blocks whose text changed. */
  changed(doc: TextDocument): void {
    try { this.onChange(doc); } catch (e) { this.log(doc.uri, `internal error: ${(e as Error)?.stack ?? e}`); }
  }

  private onChange(doc: TextDocument): void {
    if (!isTlab(doc)) return;
    const a = this.analysis(doc).analysis;
    const fps = new Map(a.blocks.map((b) => [b.name, blockFingerprint(a, b.name)]));
    const d = this.docs.get(doc.uri);
    if (!d) { this.docs.set(doc.uri, { seen: fps, pending: new Set(), running: [] }); return; } // opened: nothing changed yet
    const changed = [...fps].filter(([n, fp]) => d.seen.get(n) !== fp).map(([n]) => n);
    d.seen = fps;
    if (!changed.length && !d.timer) return;
    // A newer edit cancels the pending auto-run of this document; what it was running is pending again.
    if (d.controller) {
      d.controller.abort();
      d.controller = undefined;
      for (const n of d.running) d.pending.add(n);
      d.running = [];
    }
    const off = this.enabled();
    if (off) {
      if (!d.toldOff) { d.toldOff = true; this.log(doc.uri, `not running anything automatically: ${off}`); }
      return;
    }
    for (const n of changed) d.pending.add(n);
    if (!d.pending.size) return;
    if (d.timer) clearTimeout(d.timer); else this.deps.live.scheduledDelta(+1);
    d.timer = setTimeout(() => { d.timer = undefined; this.deps.live.scheduledDelta(-1); void this.fire(doc.uri); }, this.deps.delayMs ?? DEFAULT_DELAY_MS);
  }

  closed(uri: string): void {
    const d = this.docs.get(uri);
    if (!d) return;
    if (d.timer) { clearTimeout(d.timer); this.deps.live.scheduledDelta(-1); }
    d.controller?.abort();
    this.docs.delete(uri);
  }

  private async fire(uri: string): Promise<void> {
    const d = this.docs.get(uri);
    const doc = this.deps.document(uri);
    if (!d || !doc || this.enabled()) return;
    const s = this.analysis(doc);
    const a = s.analysis;
    const names = [...d.pending];
    d.pending.clear();
    const toRun: string[] = [];
    const skipped: string[] = [];
    for (const name of names) {
      const info = a.blocks.find((b) => b.name === name);
      if (!info) continue;
      const stored = s.results.get(name);
      if (stored && stored.fingerprint === blockFingerprint(a, name)) continue; // already up to date (an edit undone)
      if (hasErrors(a, info.decl)) { skipped.push(`${name} (has errors)`); continue; }
      const cost = estimateBlockCost(a, name);
      if (cost.seconds < this.maxSeconds) { toRun.push(name); continue; }
      skipped.push(cost.unknown
        ? `${name} (cost unknown before a run: ${cost.unknown})`
        : `${name} (estimated ${secs(cost.seconds)} ≥ theorylab.autoRun.maxSeconds = ${this.maxSeconds} s)`);
    }
    if (skipped.length) this.log(uri, `waiting for Run: ${skipped.join('; ')}`);
    if (!toRun.length) return;
    const controller = new AbortController();
    d.controller = controller;
    d.running = toRun;
    this.log(uri, `running ${toRun.join(', ')}`);
    try {
      await this.deps.live.track(async () => {
        for (const name of toRun) {
          if (controller.signal.aborted) break;
          const r = await this.deps.run(doc, name, controller.signal);
          this.log(uri, `${name}: ${r.message}`);
        }
      });
    } catch (e) {
      this.log(uri, `failed: ${(e as Error)?.message ?? e}`);
    } finally {
      if (d.controller === controller) { d.controller = undefined; d.running = []; }
    }
  }
}

// LSP features that show results next to the text: diagnostics (checker, derivation, failed
// expectations of the last run, greyed stale failures), code lenses (run / cancel / status) and
// inlay hints (computed values and expectation outcomes).
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { Span } from './ast';
import { blockFingerprint, freshResults, mapStaleSpan, shiftFor } from './documents';
import { isResult, isStat, show } from './values';
import type { ExpectOutcome } from './blockRun';
import { range, state, toLspDiagnostic } from './serviceCommon';
import { clipMessage } from './checkTypes';
import { liveOf, outcomeOf, staticErrors, statusLens } from './runStatus';

export function diagnostics(doc: TextDocument, ctx: ServerContext): lsp.Diagnostic[] {
  const s = state(doc, ctx);
  const out = s.analysis.diagnostics.map((d) => toLspDiagnostic(doc, d));
  for (const [name, stored] of freshResults(s)) {
    const shift = shiftFor(s, name);
    const sh = (sp: Span): Span => ({ start: sp.start + shift, end: sp.end + shift });
    const r = stored.result;
    for (const e of r.expects) {
      if (e.passed) continue;
      out.push({ range: range(doc, sh(e.span)), severity: lsp.DiagnosticSeverity.Error, source: 'theorylab', code: 'expect', message: e.message });
    }
    for (const c of r.checks) {
      if (c.passed) continue;
      out.push({ range: range(doc, sh(c.span)), severity: c.inconclusive ? lsp.DiagnosticSeverity.Warning : lsp.DiagnosticSeverity.Error, source: 'theorylab', code: 'check', message: c.message });
    }
    for (const i of r.issues) {
      // derivation static issues are already in the analysis
      if (r.kind === 'derivation' && out.some((d) => d.message === i.message)) continue;
      out.push({ range: range(doc, sh(i.span)), severity: i.severity === 'error' ? lsp.DiagnosticSeverity.Error : lsp.DiagnosticSeverity.Warning, source: 'theorylab', code: 'run', message: i.message });
    }
  }
  // Stale results are not silently dropped: a failure of the last run stays visible, greyed and marked,
  // on statements that are still there, until the block runs again.
  const fresh = freshResults(s);
  for (const [name, stored] of s.results) {
    if (fresh.has(name)) continue;
    for (const e of [...stored.result.expects, ...stored.result.checks]) {
      if (e.passed) continue;
      const sp = mapStaleSpan(s, name, e.span);
      if (!sp) continue;
      out.push({ range: range(doc, sp), severity: lsp.DiagnosticSeverity.Information, tags: [lsp.DiagnosticTag.Unnecessary], source: 'theorylab', code: 'stale', message: `stale (the inputs changed since this run; run again): ${e.message}` });
    }
  }
  // run messages quote values and source text too
  for (const d of out) d.message = clipMessage(d.message);
  return out;
}

export function codeLenses(doc: TextDocument, ctx: ServerContext): lsp.CodeLens[] {
  const s = state(doc, ctx);
  const out: lsp.CodeLens[] = [];
  for (const item of s.analysis.parse.file.items) {
    if (item.kind !== 'experiment' && item.kind !== 'derivation') continue;
    const name = item.name.name;
    const r = range(doc, { start: item.span.start, end: item.span.start });
    const args = [{ uri: doc.uri, target: name }];
    const stored = s.results.get(name);
    // live: queued or running in a requested run (a block already finished in a whole-file run is not)
    const live = liveOf(s, name);
    const running = !!live;
    let status = '', stale = false;
    if (running) status = ' (running…)';
    else if (stored) {
      stale = blockFingerprint(s.analysis, name) !== stored.fingerprint;
      const res = stored.result;
      const failed = res.expects.filter((e) => !e.passed).length + res.checks.filter((c) => !c.passed).length;
      const passed = res.expects.filter((e) => e.passed).length + res.checks.filter((c) => c.passed).length;
      const errors = res.issues.filter((i) => i.severity === 'error').length;
      // a block without expectations that ran cleanly is "done", not "✓ 0 passed"
      status = stale ? ' (stale)'
        : failed ? ` (✗ ${failed} failed, ${passed} passed)`
        : errors ? ` (✗ ${errors} error${errors > 1 ? 's' : ''}${passed ? `, ${passed} passed` : ''})`
        : passed ? ` (✓ ${passed} passed)` : ' (done)';
    }
    // Codicons (rendered by VS Code in every font), not emoji (empty boxes without an emoji font).
    out.push({ range: r, command: { title: `$(play) Run${status}`, command: 'theorylab.run', arguments: args } });
    // Cancel only where there is something to cancel: the block is queued or running.
    if (running) out.push({ range: r, command: { title: '$(debug-stop) Cancel', command: 'theorylab.cancel', arguments: args } });
    if (item.kind === 'derivation') {
      // a fresh set of random points: the seed after the one last used for this block
      const next = (s.seeds.get(name) ?? 0) + 1;
      out.push({ range: r, command: { title: '$(refresh) Re-check with new seed', command: 'theorylab.run', arguments: [{ uri: doc.uri, target: name, seed: next }] } });
    }
    if (item.kind === 'experiment' && ctx.clusterEnabled?.()) {
      out.push({ range: r, command: { title: '$(cloud-upload) Run on cluster', command: 'theorylab.run', arguments: [{ uri: doc.uri, target: name, backend: 'slurm' }] } });
    }
    if (item.kind === 'experiment' && item.body.some((st) => st.kind === 'plot')) {
      out.push({ range: r, command: { title: '$(graph) Plot', command: 'theorylab.showPlots', arguments: args } });
    }
    // The state of the run (queued, running with progress, not run, cancelled, failed, done at … in …
    // (cached)): text only;
    // "not run" jumps to the first error.
    const errors = staticErrors(s.analysis.diagnostics, item.span);
    const text = statusLens({ running, live, errors, outcome: outcomeOf(s, name), stale });
    if (text) out.push({ range: r, command: { title: text, command: errors ? 'editor.action.marker.nextInFiles' : '' } });
  }
  return out;
}

export function inlayHints(doc: TextDocument, r: lsp.Range, ctx: ServerContext): lsp.InlayHint[] {
  const s = state(doc, ctx);
  const out: lsp.InlayHint[] = [];
  const lo = doc.offsetAt(r.start), hi = doc.offsetAt(r.end);
  const fresh = freshResults(s);
  for (const [name, stored] of s.results) {
    const stale = !fresh.has(name);
    const shift = shiftFor(s, name);
    // a stale result shows only on statements that are still there, marked stale
    const endOf = (sp: Span): number | undefined => (stale ? mapStaleSpan(s, name, sp)?.end : sp.end + shift);
    const mark = stale ? ' (stale)' : '';
    const res = stored.result;
    for (const d of res.defined) {
      const end = endOf(d.stmtSpan);
      if (end === undefined || end < lo || end > hi) continue;
      let label: string | undefined;
      if (d.literal) continue;
      if (typeof d.value === 'number' || isStat(d.value)) label = `= ${show(d.value)}`;
      else if (isResult(d.value)) {
        const scalars = Object.entries(d.value.outputs).filter(([, x]) => typeof x === 'number' || isStat(x)).slice(0, 3);
        if (scalars.length) label = scalars.map(([k, x]) => `${k} = ${show(x)}`).join(', ');
      }
      if (label) out.push({ position: doc.positionAt(end), label: ` ${label}${mark}`, kind: lsp.InlayHintKind.Type, paddingLeft: true });
    }
    for (const e of res.expects) {
      const end = endOf(e.span);
      if (end === undefined || end < lo || end > hi) continue;
      out.push({ position: doc.positionAt(end), label: ` ${expectHint(e)}${mark}`, paddingLeft: true });
    }
    for (const c of res.checks) {
      const end = endOf(c.span);
      if (end === undefined || end < lo || end > hi) continue;
      out.push({ position: doc.positionAt(end), label: (c.passed ? ' ✓' : ' ✗') + mark, paddingLeft: true });
    }
  }
  return out;
}

/** The comparison that held, or the one that failed, in the relation that was found instead. */
const negated: Record<string, string> = { '==': '≠', '≈': '≠', '!=': '=', '<': '≥', '<=': '>', '>': '≤', '>=': '<' };

/** Inline text of an expectation outcome: `✓ 1.5 == 1.5`, `✗ 0.5 ≠ 0.6`, or "not evaluated". */
export function expectHint(e: ExpectOutcome): string {
  if (e.error) return 'not evaluated';
  const clip = (t: string) => (t.length > 40 ? `${t.slice(0, 39)}…` : t);
  if (e.left === undefined) return e.passed ? '✓' : '✗';
  if (e.right === undefined || !e.op) return `${e.passed ? '✓' : '✗'} ${clip(e.left)}`;
  const op = e.passed ? e.op : negated[e.op] ?? `not ${e.op}`;
  return `${e.passed ? '✓' : '✗'} ${clip(e.left)} ${op} ${clip(e.right)}`;
}

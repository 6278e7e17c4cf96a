// LSP features that show results next to the text: diagnostics (checker, derivation, failed
// expectations of the last run, greyed stale failures), code lenses (run / cancel / status) and
// inlay hints (computed values and expectation outcomes).
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { Span } from './ast';
import { blockFingerprint, freshResults, mapStaleSpan, shiftFor } from './documents';
import { isResult, isStat, show } from './values';
import { range, severity, state, toLspDiagnostic } from './serviceCommon';

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
    let status = '';
    if (s.running.has(name) || s.running.has('*')) status = ' (running…)';
    else if (stored) {
      const stale = blockFingerprint(s.analysis, name) !== stored.fingerprint;
      const res = stored.result;
      const failed = res.expects.filter((e) => !e.passed).length + res.checks.filter((c) => !c.passed).length;
      const passed = res.expects.filter((e) => e.passed).length + res.checks.filter((c) => c.passed).length;
      status = stale ? ' (stale)' : failed ? ` (✗ ${failed} failed, ${passed} passed)` : ` (✓ ${passed} passed)`;
    }
    out.push({ range: r, command: { title: `▶ Run${status}`, command: 'theorylab.run', arguments: args } });
    out.push({ range: r, command: { title: '■ Cancel', command: 'theorylab.cancel', arguments: args } });
    if (item.kind === 'derivation') {
      // a fresh set of random points: the seed after the one last used for this block
      const next = (s.seeds.get(name) ?? 0) + 1;
      out.push({ range: r, command: { title: '🎲 Re-check with new seed', command: 'theorylab.run', arguments: [{ uri: doc.uri, target: name, seed: next }] } });
    }
    if (item.kind === 'experiment' && ctx.clusterEnabled?.()) {
      out.push({ range: r, command: { title: '☁ Run on cluster', command: 'theorylab.run', arguments: [{ uri: doc.uri, target: name, backend: 'slurm' }] } });
    }
    if (item.kind === 'experiment' && item.body.some((st) => st.kind === 'plot')) {
      out.push({ range: r, command: { title: '📈 Plot', command: 'theorylab.showPlots', arguments: args } });
    }
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
      out.push({ position: doc.positionAt(end), label: (e.passed ? ` ✓ ${e.left ?? ''}` : ' ✗') + mark, paddingLeft: true });
    }
    for (const c of res.checks) {
      const end = endOf(c.span);
      if (end === undefined || end < lo || end > hi) continue;
      out.push({ position: doc.positionAt(end), label: (c.passed ? ' ✓' : ' ✗') + mark, paddingLeft: true });
    }
  }
  return out;
}

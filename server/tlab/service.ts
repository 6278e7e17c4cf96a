// LSP features of the .tlab language (LanguageFeatures): diagnostics (syntax, checker, derivation
// shapes, failed expectations of the last run), completion, hover, signature help, semantic tokens,
// symbols, folding, navigation, rename, formatting, quick fixes, code lenses and inlay hints, plus the
// run/cancel/plots requests the server routes here.
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageFeatures, ServerContext } from '../languageService';
import { semanticTokenModifiers, semanticTokenTypes } from '../languageService';
import type { PlotPayload, RunResult } from '../../protocol';
import { getSolver, allSolvers } from '../solvers/index';
import type { SolverDef } from '../solvers/registry';
import type { Expr, Span, TopLevel } from './ast';
import { builtinByName, builtins, constants, constantByName } from './builtins';
import { Analysis, dotted, Ref, spanKey, Sym, TlabDiagnostic, walk } from './checker';
import { callContext, chainBefore, tokenAt, tokenIndexBefore } from './context';
import { blockFingerprint, dropState, DocState, freshResults, getState, mapStaleSpan, peekState, shiftFor } from './documents';
import { keywordDocs, outputMarkdown, paramDefault, paramKind, paramMarkdown, paramRange, solverMarkdown, solverSignature } from './docs';
import { formatTlab } from './format';
import { persistResults } from './persist';
import * as T from './lexer';
import { tokEnd } from './parser';
import { BlockResult, blockPassed, runTlab } from './runner';
import { isResult, isSeries, isStat, RV, SeriesV, show } from './values';
import { typeText } from './types';

// ---- shared helpers ----------------------------------------------------------------------------------

function state(doc: TextDocument, ctx: ServerContext): DocState {
  return getState(doc.uri, doc.version, doc.getText(), (from, rel) => ctx.readWorkspaceFile(from, rel));
}

const range = (doc: TextDocument, s: Span): lsp.Range => ({ start: doc.positionAt(s.start), end: doc.positionAt(s.end) });
const contains = (s: Span, off: number) => s.start <= off && off <= s.end;
const severity = { error: lsp.DiagnosticSeverity.Error, warning: lsp.DiagnosticSeverity.Warning, info: lsp.DiagnosticSeverity.Information };

/** Range in another document's text (imported files) without a TextDocument. */
function rangeInText(text: string, s: Span): lsp.Range {
  const pos = (off: number): lsp.Position => {
    const before = text.slice(0, off);
    const line = before.split('\n').length - 1;
    return { line, character: off - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(s.start), end: pos(s.end) };
}

function blockAt(a: Analysis, off: number): Extract<TopLevel, { kind: 'experiment' | 'derivation' }> | undefined {
  for (const i of a.parse.file.items) if ((i.kind === 'experiment' || i.kind === 'derivation') && contains(i.span, off)) return i;
  return undefined;
}

function refAt(a: Analysis, off: number): Ref | undefined {
  let best: Ref | undefined;
  for (const r of a.refs) if (contains(r.span, off) && (!best || r.span.end - r.span.start < best.span.end - best.span.start)) best = r;
  return best;
}

function symAt(a: Analysis, off: number): Sym | undefined {
  const r = refAt(a, off);
  if (r) return r.sym;
  return a.symbols.find((s) => contains(s.span, off) && s.kind !== 'experiment' && s.kind !== 'derivation');
}

function sameSym(x: Sym, y: Sym): boolean { return x.uri === y.uri && x.span.start === y.span.start && x.name === y.name; }

/** Every expression in the file (for hover of the smallest one under the cursor). */
function allExprs(a: Analysis): Expr[] {
  const out: Expr[] = [];
  const add = (e: Expr | undefined) => { if (e) walk(e, (x) => out.push(x)); };
  for (const item of a.parse.file.items) {
    if (item.kind === 'let') add(item.value);
    if (item.kind !== 'experiment' && item.kind !== 'derivation') continue;
    for (const st of item.body) {
      switch (st.kind) {
        case 'let': add(st.value); break;
        case 'sweep': add(st.values); break;
        case 'solve': st.args.forEach((x) => add(x.value)); break;
        case 'expect': add(st.condition); add(st.tolerance); add(st.where); break;
        case 'plot': st.series.forEach((x) => add(x.value)); break;
        case 'check': add(st.left); add(st.right); add(st.tolerance); add(st.points); break;
      }
    }
  }
  return out;
}

function toLspDiagnostic(doc: TextDocument, d: TlabDiagnostic): lsp.Diagnostic {
  return {
    range: range(doc, d.span), severity: severity[d.severity], message: d.message, source: 'theorylab',
    ...(d.source ? { code: d.source } : {}),
    ...(d.fixes?.length ? { data: { fixes: d.fixes } } : {}),
  };
}

/** The sweep coordinates of a block's last run: for each swept name, its value at every grid index. */
export type GridCoords = { name: string; at: Map<number, RV> }[];

function gridCoords(res: BlockResult | undefined, a: Analysis): GridCoords {
  if (!res) return [];
  const block = a.parse.file.items.find((i) => i.kind === 'experiment' && i.name.name === res.name);
  if (!block || block.kind !== 'experiment') return [];
  const swept = new Set(block.body.filter((st) => st.kind === 'sweep').map((st) => (st as { name: { name: string } }).name.name));
  return res.defined.filter((d) => swept.has(d.name) && isSeries(d.value))
    .map((d) => { const sv = d.value as SeriesV; return { name: d.name, at: new Map(sv.idx.map((i, k) => [i, sv.values[k]])) }; });
}

/** A series as a small table over the sweep coordinates (first and last rows when it is long). */
function seriesTable(v: SeriesV, coords: GridCoords, columns: { label: string; get(x: RV): RV }[]): string {
  const cs = coords.filter((c) => v.idx.every((i) => c.at.has(i)));
  const head = [...cs.map((c) => c.name), ...columns.map((c) => c.label)];
  const row = (k: number) => `| ${[...cs.map((c) => show(c.at.get(v.idx[k])!)), ...columns.map((c) => show(c.get(v.values[k])))].join(' | ')} |`;
  const n = v.values.length;
  const ks = n <= 12 ? [...Array(n).keys()] : [...Array(8).keys(), -1, n - 3, n - 2, n - 1];
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`,
    ...ks.map((k) => (k < 0 ? `| ${head.map(() => '…').join(' | ')} |` : row(k))), '', `*(${n} grid points)*`].join('\n');
}

function valueMarkdown(v: RV, coords: GridCoords = []): string {
  if (isSeries(v) && v.values.length > 1 && v.values.every((x) => typeof x === 'number' || isStat(x))) {
    return coords.length ? `\n\n${seriesTable(v, coords, [{ label: 'value', get: (x) => x }])}` : `${show(v, 8)}  \n*(${v.values.length} grid points)*`;
  }
  if (isSeries(v) && v.values.length && v.values.every(isResult) && coords.length) {
    const first = v.values[0] as { solver: string; outputs: Record<string, RV> };
    const outs = Object.keys(first.outputs).filter((k) => typeof first.outputs[k] === 'number' || isStat(first.outputs[k])).slice(0, 4);
    if (outs.length) {
      return `${first.solver} at ${v.values.length} grid points:\n\n${seriesTable(v, coords, outs.map((k) => ({ label: k, get: (x) => (x as { outputs: Record<string, RV> }).outputs[k] })))}`;
    }
  }
  if (isResult(v)) {
    const rows = Object.entries(v.outputs).filter(([, x]) => typeof x === 'number' || isStat(x) || typeof x === 'string').slice(0, 12);
    return ['| output | value |', '|---|---|', ...rows.map(([k, x]) => `| ${k} | ${show(x)} |`)].join('\n');
  }
  if (isSeries(v) && v.values.length && isResult(v.values[0])) return `${(v.values[0] as { solver: string }).solver} results at ${v.values.length} grid points`;
  return show(v, 8);
}

/** The stored, still-valid result of the block containing `off`, with the offset shift since the run. */
function resultAt(s: DocState, off: number): { res: BlockResult; shift: number; stale: boolean } | undefined {
  const block = blockAt(s.analysis, off);
  if (!block) return undefined;
  const stored = s.results.get(block.name.name);
  if (!stored) return undefined;
  const stale = blockFingerprint(s.analysis, block.name.name) !== stored.fingerprint;
  return { res: stored.result, shift: shiftFor(s, block.name.name), stale };
}

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
    const report = await runTlab(analysis, { runner: ctx.runner, signal: controller.signal, budget: hooks.budget ?? 'full', seed: hooks.seed ?? (target ? s.seeds.get(target) : undefined) }, target);
    let passed = 0, failed = 0, errors = 0;
    for (const b of report.blocks) {
      if (b.cancelled) continue;
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

// ---- features ----------------------------------------------------------------------------------------

function diagnostics(doc: TextDocument, ctx: ServerContext): lsp.Diagnostic[] {
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

function hover(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Hover | null {
  const s = state(doc, ctx);
  const a = s.analysis;
  const off = doc.offsetAt(pos);
  const parts: string[] = [];
  let hrange: Span | undefined;
  const block = blockAt(a, off);
  const run = resultAt(s, off);
  const staleNote = run?.stale ? '\n\n*(stale: the text changed since this was computed)*' : '';

  // Solver ids and parameter names in solve statements.
  if (block?.kind === 'experiment') {
    for (const st of block.body) {
      if (st.kind !== 'solve' || !contains(st.span, off)) continue;
      const def = getSolver(st.solver.name);
      if (def && contains(st.solver.span, off)) { parts.push(solverMarkdown(def)); hrange = st.solver.span; }
      for (const arg of st.args) {
        if (def && arg.name && arg.nameSpan && contains(arg.nameSpan, off)) {
          const p = def.params.find((x) => x.name === arg.name);
          if (p) { parts.push(paramMarkdown(def, p)); hrange = arg.nameSpan; }
        }
      }
      if (contains(st.name.span, off) && run && !run.stale) {
        const v = run.res.values.get(spanKey({ start: st.name.span.start - run.shift, end: st.name.span.end - run.shift }));
        if (v !== undefined) { parts.push(`**${st.name.name}** = \n\n${valueMarkdown(v, gridCoords(run.res, a))}`); hrange = st.name.span; }
      }
    }
    // expectation outcome
    if (run) {
      for (const e of run.res.expects) {
        const sp = { start: e.span.start + run.shift, end: e.span.end + run.shift };
        if (contains(sp, off) && !parts.length) parts.push(`${e.passed ? '✓' : '✗'} ${e.message}${staleNote}`);
      }
    }
  }
  // Members of results: output docs.
  if (!parts.length) {
    for (const e of allExprs(a)) {
      if (e.kind !== 'member' || !contains(e.nameSpan, off)) continue;
      const objSym = e.object.kind === 'name' ? refAt(a, e.object.span.start)?.sym : undefined;
      const def = objSym?.solver;
      const out = def?.outputs.find((o) => o.name === e.name);
      if (def && out) { parts.push(outputMarkdown(def, out)); hrange = e.nameSpan; }
    }
  }
  // Names: symbols, built-ins, keywords.
  if (!parts.length) {
    const sym = symAt(a, off);
    if (sym) {
      const kindText = { let: 'let', function: 'function', param: 'parameter', sweep: 'swept', result: 'result', given: 'given', experiment: 'experiment', derivation: 'derivation' }[sym.kind];
      let head = `**${sym.name}** — ${kindText}`;
      if (sym.kind === 'function') head = `**${sym.name}(${(sym.params ?? []).join(', ')})** — function`;
      else if (sym.kind === 'result' && sym.solver) head += ` of \`${sym.solver.id}\` (${sym.solver.title})`;
      else if (sym.kind === 'given' && sym.doc) head += `: ${sym.doc}`;
      else if (sym.type.k !== 'any') head += `: ${typeText(sym.type)}`;
      parts.push(head);
      if (sym.value !== undefined && sym.kind !== 'function') parts.push(`= ${valueMarkdown(sym.value)}`);
      const r = refAt(a, off);
      hrange = r?.span ?? sym.span;
    } else {
      const tok = tokenAt(a.parse.tokens, off);
      if (tok) {
        const b = builtinByName.get(tok.image);
        const c = constantByName.get(tok.image);
        if (tok.tokenType === T.Identifier && b) parts.push(`**${b.signature}** — built-in\n\n${b.doc}`);
        else if (tok.tokenType === T.Identifier && c) parts.push(`**${c.name}** — ${c.doc}`);
        else if (keywordDocs[tok.image] && T.keywordTokens.includes(tok.tokenType)) parts.push(keywordDocs[tok.image]);
        if (parts.length) hrange = { start: tok.startOffset, end: tokEnd(tok) };
      }
    }
  }
  // The computed value of the smallest expression under the cursor.
  if (run) {
    if (run.res.kind === 'derivation') {
      const v = run.res.derivationValueAt?.(off - run.shift);
      if (v) { parts.push(`value at the first point:\n\n\`\`\`\n${v.text}\n\`\`\`${staleNote}`); hrange ??= { start: v.span.start + run.shift, end: v.span.end + run.shift }; }
    } else {
      let best: Span | undefined;
      for (const e of allExprs(a)) {
        if (!contains(e.span, off)) continue;
        const k = spanKey({ start: e.span.start - run.shift, end: e.span.end - run.shift });
        if (run.res.values.has(k) && (!best || e.span.end - e.span.start < best.end - best.start)) best = e.span;
      }
      if (best) {
        const v = run.res.values.get(spanKey({ start: best.start - run.shift, end: best.end - run.shift }))!;
        parts.push(`\`${doc.getText().slice(best.start, best.end)}\` = ${valueMarkdown(v, gridCoords(run.res, a))}${staleNote}`);
        hrange ??= best;
      }
    }
  } else if (!parts.length) {
    // constants known without running
    let best: Span | undefined;
    for (const e of allExprs(a)) if (contains(e.span, off) && a.staticValues.has(spanKey(e.span)) && (!best || e.span.end - e.span.start < best.end - best.start)) best = e.span;
    if (best) { parts.push(`\`${doc.getText().slice(best.start, best.end)}\` = ${valueMarkdown(a.staticValues.get(spanKey(best))!)}`); hrange = best; }
  }
  if (!parts.length) return null;
  return { contents: { kind: lsp.MarkupKind.Markdown, value: parts.join('\n\n---\n\n') }, range: hrange ? range(doc, hrange) : undefined };
}

function visibleSymbols(a: Analysis, off: number): Sym[] {
  const block = blockAt(a, off);
  const seen = new Map<string, Sym>();
  for (const s of a.symbols) {
    if (s.kind === 'experiment' || s.kind === 'derivation' || !s.name) continue;
    if (s.block && s.block !== block?.name.name) continue;
    if (s.kind === 'param' && !contains(s.declSpan, off)) {
      // a function parameter is visible in its function body only
      const fn = a.symbols.find((f) => f.kind === 'function' && f.params?.includes(s.name) && contains(f.declSpan, s.span.start));
      if (!fn || !contains(fn.declSpan, off)) continue;
    }
    if (s.span.start > off) continue;
    seen.set(s.name, s);
  }
  for (const fl of a.fileLets) {
    if (fl.uri !== a.uri && !seen.has(fl.stmt.name.name)) {
      seen.set(fl.stmt.name.name, { name: fl.stmt.name.name, kind: fl.stmt.params ? 'function' : 'let', span: fl.stmt.name.span, declSpan: fl.stmt.span, uri: fl.uri, type: { k: 'any', series: false } });
    }
  }
  return [...seen.values()];
}

function md(value: string): lsp.MarkupContent { return { kind: lsp.MarkupKind.Markdown, value }; }

function completion(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.CompletionItem[] {
  const s = state(doc, ctx);
  const a = s.analysis;
  const off = doc.offsetAt(pos);
  const tokens = a.parse.tokens;
  // Inside a comment or a string: nothing.
  for (const c of a.parse.comments) if (c.startOffset < off && off <= tokEnd(c)) return [];
  const cur = tokenAt(tokens, off);
  if (cur && cur.tokenType === T.StringLit && cur.startOffset < off) return [];
  const typing = cur && (cur.tokenType === T.Identifier || T.keywordTokens.includes(cur.tokenType)) ? cur : undefined;
  const startOfWord = typing ? typing.startOffset : off;
  const wordRange = range(doc, { start: startOfWord, end: off });
  const before = tokenIndexBefore(tokens, startOfWord);
  const prev = tokens[before];

  // After `x.`: outputs of a result, or the rest of a dotted solver id.
  if (prev && prev.tokenType === T.Dot) {
    const chain = chainBefore(tokens, before);
    if (chain) {
      const items: lsp.CompletionItem[] = [];
      const sym = visibleSymbols(a, off).find((x) => x.name === chain);
      if (sym?.solver) {
        for (const o of sym.solver.outputs) items.push({ label: o.name, kind: lsp.CompletionItemKind.Field, detail: o.kind, documentation: md(outputMarkdown(sym.solver, o)), textEdit: { range: wordRange, newText: o.name } });
        return items;
      }
      if (sym && sym.type.k === 'stat') return ['mean', 'std', 'n'].map((f) => ({ label: f, kind: lsp.CompletionItemKind.Field }));
      for (const def of allSolvers) {
        if (!def.id.startsWith(chain + '.')) continue;
        const rest = def.id.slice(chain.length + 1);
        items.push({ label: rest, kind: lsp.CompletionItemKind.Function, detail: def.title, documentation: md(solverMarkdown(def)), textEdit: { range: wordRange, newText: rest } });
      }
      return items;
    }
  }
  // `solve r = |` → solver ids.
  if (prev && prev.tokenType === T.Assign && tokens[before - 1]?.tokenType === T.Identifier
    && (tokens[before - 2]?.tokenType === T.Solve || tokens[before - 2]?.tokenType === T.Simulate)) {
    const stochastic = tokens[before - 2].tokenType === T.Simulate;
    return allSolvers.map((def, i) => ({
      label: def.id, kind: lsp.CompletionItemKind.Function, detail: def.title, documentation: md(solverMarkdown(def)),
      sortText: `${(def.stochastic ?? false) === stochastic ? 0 : 1}${String(i).padStart(3, '0')}`,
      textEdit: { range: wordRange, newText: def.id },
    }));
  }
  // After `scale` / `on` (soft keywords).
  if (prev && prev.tokenType === T.Identifier && prev.image === 'scale') return ['log', 'linear'].map((w) => ({ label: w, kind: lsp.CompletionItemKind.EnumMember }));
  if (prev && prev.tokenType === T.Identifier && prev.image === 'on' && tokens[before - 1]?.tokenType === T.RParen) return ['gpu', 'cpu', 'auto'].map((w) => ({ label: w, kind: lsp.CompletionItemKind.EnumMember }));

  const call = callContext(tokens, off);
  if (call?.isSolver) {
    const def = getSolver(call.callee);
    if (def && !call.inValue) {
      return def.params.filter((p) => !call.given.includes(p.name) || p.name === call.argName).map((p, i) => ({
        label: p.name, kind: lsp.CompletionItemKind.Property,
        detail: `${paramKind(p)} = ${paramDefault(p)}${paramRange(p) ? `  (${paramRange(p)})` : ''}`,
        documentation: md(paramMarkdown(def, p)),
        sortText: `${p.default === undefined && !p.optional ? 0 : 1}${String(i).padStart(3, '0')}`,
        insertText: `${p.name} = `, filterText: p.name,
        textEdit: { range: wordRange, newText: `${p.name} = ` },
      }));
    }
    if (def && call.inValue && call.argName) {
      const p = def.params.find((x) => x.name === call.argName);
      if (p?.kind === 'enum') {
        return (p.values ?? []).map((v) => ({ label: v, kind: lsp.CompletionItemKind.EnumMember, detail: p.doc, textEdit: { range: wordRange, newText: v } }));
      }
      if (p?.kind === 'boolean') return ['true', 'false'].map((v) => ({ label: v, kind: lsp.CompletionItemKind.Constant }));
    }
  }
  // General: names in scope, built-ins, keywords.
  const items: lsp.CompletionItem[] = [];
  for (const sym of visibleSymbols(a, off)) {
    const kind = sym.kind === 'function' ? lsp.CompletionItemKind.Function : sym.kind === 'result' ? lsp.CompletionItemKind.Struct : lsp.CompletionItemKind.Variable;
    const detail = sym.kind === 'result' && sym.solver ? sym.solver.id : sym.type.k !== 'any' ? typeText(sym.type) : sym.kind;
    items.push({ label: sym.name, kind, detail, sortText: `0${sym.name}`, ...(sym.value !== undefined && sym.kind !== 'function' ? { documentation: md(`= ${valueMarkdown(sym.value)}`) } : {}) });
  }
  const inBlock = blockAt(a, off);
  if (!inBlock || inBlock.kind === 'experiment') {
    for (const b of builtins) items.push({ label: b.name, kind: lsp.CompletionItemKind.Function, detail: b.signature, documentation: md(b.doc), sortText: `1${b.name}` });
    for (const c of constants) items.push({ label: c.name, kind: lsp.CompletionItemKind.Constant, detail: c.doc, sortText: `1${c.name}` });
  }
  const statementStart = !prev || [T.LCurly, T.RCurly].includes(prev.tokenType) || prev.startOffset < doc.offsetAt({ line: pos.line, character: 0 });
  const kws = !inBlock ? ['import', 'let', 'experiment', 'derivation']
    : inBlock.kind === 'experiment' ? ['let', 'sweep', 'solve', 'simulate', 'plot', 'expect'] : ['let', 'given', 'check'];
  if (statementStart) for (const k of kws) items.push({ label: k, kind: lsp.CompletionItemKind.Keyword, documentation: md(keywordDocs[k] ?? ''), sortText: `2${k}` });
  else for (const k of ['and', 'or', 'not', 'within', 'where']) items.push({ label: k, kind: lsp.CompletionItemKind.Keyword, sortText: `3${k}` });
  return items;
}

function signatureHelp(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.SignatureHelp | null {
  const s = state(doc, ctx);
  const off = doc.offsetAt(pos);
  const call = callContext(s.analysis.parse.tokens, off);
  if (!call) return null;
  if (call.isSolver) {
    const def = getSolver(call.callee);
    if (!def) return null;
    const sig = solverSignature(def);
    let active = call.argName ? def.params.findIndex((p) => p.name === call.argName) : -1;
    if (active < 0) active = def.params.findIndex((p) => !call.given.includes(p.name));
    return {
      signatures: [{
        label: sig.label, documentation: md(`${def.title}\n\n${def.doc}`),
        parameters: def.params.map((p, i) => ({ label: sig.params[i], documentation: md(paramMarkdown(def, p)) })),
      }],
      activeSignature: 0, activeParameter: Math.max(0, active),
    };
  }
  const b = builtinByName.get(call.callee);
  const user = visibleSymbols(s.analysis, off).find((x) => x.name === call.callee && x.kind === 'function');
  let label: string, names: string[], docText: string;
  if (user) { names = user.params ?? []; label = `${user.name}(${names.join(', ')})`; docText = 'user function'; }
  else if (b) { label = b.signature.split(' | ')[0]; names = (label.match(/\((.*)\)/)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean); docText = b.doc; }
  else return null;
  const params: lsp.ParameterInformation[] = [];
  let at = label.indexOf('(') + 1;
  for (const n of names) { const i = label.indexOf(n, at); params.push({ label: [i, i + n.length] }); at = i + n.length; }
  return { signatures: [{ label, documentation: md(docText), parameters: params }], activeSignature: 0, activeParameter: Math.min(call.argIndex, Math.max(0, names.length - 1)) };
}

const TT = Object.fromEntries(semanticTokenTypes.map((t, i) => [t, i])) as Record<(typeof semanticTokenTypes)[number], number>;
const TM = Object.fromEntries(semanticTokenModifiers.map((t, i) => [t, 1 << i])) as Record<(typeof semanticTokenModifiers)[number], number>;

function semanticTokens(doc: TextDocument, ctx: ServerContext): lsp.SemanticTokens {
  const s = state(doc, ctx);
  const a = s.analysis;
  const cls = new Map<number, { len: number; type: number; mods: number }>();
  const set = (sp: Span, type: number, mods = 0) => { if (sp.end > sp.start) cls.set(sp.start, { len: sp.end - sp.start, type, mods }); };
  const symType = (sym: Sym) => (sym.kind === 'function' ? TT.function : sym.kind === 'param' ? TT.parameter : TT.variable);
  const symMods = (sym: Sym) => (sym.kind === 'let' || sym.kind === 'sweep' || sym.kind === 'given' ? TM.readonly : 0);
  for (const r of a.refs) set(r.span, symType(r.sym), symMods(r.sym));
  for (const sym of a.symbols) {
    if (sym.kind === 'experiment' || sym.kind === 'derivation') set(sym.span, TT.namespace, TM.declaration);
    else set(sym.span, symType(sym), symMods(sym) | TM.declaration);
  }
  for (const e of allExprs(a)) {
    if (e.kind === 'member') set(e.nameSpan, TT.property);
    if (e.kind === 'call' && e.callee.kind === 'name' && builtinByName.has(e.callee.name) && !a.refs.some((r) => r.span.start === e.callee.span.start)) set(e.callee.span, TT.function, TM.defaultLibrary);
    if (e.kind === 'name' && constantByName.has(e.name) && !a.refs.some((r) => r.span.start === e.span.start)) set(e.span, TT.variable, TM.defaultLibrary | TM.readonly);
    if (e.kind === 'select') set(e.nameSpan, TT.variable, TM.readonly);
    if (e.kind === 'prime') set(e.span, TT.function);
  }
  for (const item of a.parse.file.items) {
    if (item.kind !== 'experiment' && item.kind !== 'derivation') continue;
    for (const st of item.body) {
      if (st.kind === 'solve') {
        const id = st.solver;
        const text = doc.getText().slice(id.span.start, id.span.end);
        const lastDot = text.lastIndexOf('.');
        if (lastDot > 0) set({ start: id.span.start, end: id.span.start + lastDot }, TT.namespace);
        set({ start: id.span.start + lastDot + 1, end: id.span.end }, TT.function);
        for (const arg of st.args) if (arg.nameSpan) set(arg.nameSpan, TT.parameter);
      }
    }
  }
  // Soft keywords and words of fixed vocabularies.
  const toks = a.parse.tokens;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.tokenType !== T.Identifier || cls.has(t.startOffset)) continue;
    const prevImg = toks[i - 1]?.image;
    if ((t.image === 'label' || t.image === 'scale') && (toks[i + 1]?.tokenType === T.StringLit || toks[i + 1]?.tokenType === T.Identifier)) set({ start: t.startOffset, end: tokEnd(t) }, TT.keyword);
    else if ((t.image === 'log' || t.image === 'linear') && prevImg === 'scale') set({ start: t.startOffset, end: tokEnd(t) }, TT.enumMember);
    else if (t.image === 'on' && toks[i - 1]?.tokenType === T.RParen) set({ start: t.startOffset, end: tokEnd(t) }, TT.keyword);
    else if (['gpu', 'cpu', 'auto'].includes(t.image) && prevImg === 'on') set({ start: t.startOffset, end: tokEnd(t) }, TT.enumMember);
    else if ((t.image === 'at' || t.image === 'points')) set({ start: t.startOffset, end: tokEnd(t) }, TT.keyword);
    else if (['vector', 'matrix', 'scalar', 'real', 'positive', 'unit', 'simplex', 'spd'].includes(t.image) && (prevImg === ':' || prevImg === ')' || toks[i - 1]?.tokenType === T.Identifier)) set({ start: t.startOffset, end: tokEnd(t) }, TT.type);
  }
  // Lexical classes for the rest.
  const all: { start: number; len: number; type: number; mods: number }[] = [];
  for (const t of toks) {
    const c = cls.get(t.startOffset);
    if (c) { all.push({ start: t.startOffset, ...c }); continue; }
    const tt = t.tokenType;
    let type = -1;
    if (T.keywordTokens.includes(tt)) type = TT.keyword;
    else if (tt === T.NumberLit) type = TT.number;
    else if (tt === T.StringLit) type = TT.string;
    else if (tt === T.Identifier) type = TT.variable;
    else if (tt === T.PrimeName) type = TT.function;
    else if ([T.Plus, T.Minus, T.Star, T.Slash, T.Caret, T.At, T.Eq, T.Neq, T.Le, T.Ge, T.Lt, T.Gt, T.Approx].includes(tt)) type = TT.operator;
    if (type >= 0) all.push({ start: t.startOffset, len: t.image.length, type, mods: 0 });
  }
  for (const c of a.parse.comments) all.push({ start: c.startOffset, len: c.image.length, type: TT.comment, mods: 0 });
  all.sort((x, y) => x.start - y.start);
  const builder = new lsp.SemanticTokensBuilder();
  const text = doc.getText();
  for (const tk of all) {
    // Tokens may not span lines: split multi-line comments and strings.
    let start = tk.start;
    const end = tk.start + tk.len;
    while (start < end) {
      const nl = text.indexOf('\n', start);
      const stop = nl >= 0 && nl < end ? nl : end;
      const p = doc.positionAt(start);
      if (stop > start) builder.push(p.line, p.character, stop - start, tk.type, tk.mods);
      start = stop + 1;
    }
  }
  return builder.build();
}

function documentSymbols(doc: TextDocument, ctx: ServerContext): lsp.DocumentSymbol[] {
  const a = state(doc, ctx).analysis;
  const text = doc.getText();
  const sym = (name: string, detail: string | undefined, kind: lsp.SymbolKind, full: Span, sel: Span, children?: lsp.DocumentSymbol[]): lsp.DocumentSymbol => ({
    name: name || '(unnamed)', detail, kind, range: range(doc, full), selectionRange: range(doc, sel.end >= sel.start ? sel : full), ...(children ? { children } : {}),
  });
  const out: lsp.DocumentSymbol[] = [];
  for (const item of a.parse.file.items) {
    switch (item.kind) {
      case 'import': out.push(sym(item.path.value, 'import', lsp.SymbolKind.File, item.span, item.path.span)); break;
      case 'let': out.push(sym(item.name.name, item.params ? `(${item.params.map((p) => p.name).join(', ')})` : text.slice(item.value.span.start, item.value.span.end).slice(0, 40), item.params ? lsp.SymbolKind.Function : lsp.SymbolKind.Constant, item.span, item.name.span)); break;
      case 'experiment':
      case 'derivation': {
        const children: lsp.DocumentSymbol[] = [];
        for (const st of item.body) {
          switch (st.kind) {
            case 'let': children.push(sym(st.name.name, st.params ? 'function' : 'let', st.params ? lsp.SymbolKind.Function : lsp.SymbolKind.Variable, st.span, st.name.span)); break;
            case 'sweep': children.push(sym(st.name.name, 'sweep', lsp.SymbolKind.Array, st.span, st.name.span)); break;
            case 'solve': children.push(sym(st.name.name, st.solver.name, lsp.SymbolKind.Object, st.span, st.name.span)); break;
            case 'plot': children.push(sym(st.title?.value ?? 'plot', 'plot', lsp.SymbolKind.Event, st.span, st.title?.span ?? { start: st.span.start, end: st.span.start + 4 })); break;
            case 'expect': children.push(sym(text.slice(st.span.start, st.span.end).split('\n')[0].slice(0, 60), undefined, lsp.SymbolKind.Boolean, st.span, { start: st.span.start, end: st.span.start + 6 })); break;
            case 'given': for (const v of st.vars) children.push(sym(v.name.name, 'given', lsp.SymbolKind.Variable, v.span, v.name.span)); break;
            case 'check': children.push(sym(text.slice(st.span.start, st.span.end).split('\n')[0].slice(0, 60), undefined, lsp.SymbolKind.Boolean, st.span, { start: st.span.start, end: st.span.start + 5 })); break;
          }
        }
        out.push(sym(item.name.name, item.title?.value ?? item.kind, item.kind === 'experiment' ? lsp.SymbolKind.Module : lsp.SymbolKind.Namespace, item.span, item.name.span, children));
        break;
      }
    }
  }
  return out;
}

function foldingRanges(doc: TextDocument, ctx: ServerContext): lsp.FoldingRange[] {
  const a = state(doc, ctx).analysis;
  const out: lsp.FoldingRange[] = [];
  const add = (sp: Span, kind?: string) => {
    const s = doc.positionAt(sp.start).line, e = doc.positionAt(sp.end).line;
    if (e > s) out.push({ startLine: s, endLine: kind ? e : e - 1, ...(kind ? { kind } : {}) });
  };
  for (const item of a.parse.file.items) {
    if (item.kind !== 'experiment' && item.kind !== 'derivation') { if (item.kind === 'let') add({ start: item.span.start, end: item.span.end + 1 }); continue; }
    add(item.span);
    for (const st of item.body) if (st.kind === 'plot') add(st.span); else add({ start: st.span.start, end: st.span.end + 1 });
  }
  for (const c of a.parse.comments) if (c.tokenType !== T.LineComment) add({ start: c.startOffset, end: tokEnd(c) }, lsp.FoldingRangeKind.Comment);
  return out;
}

function locationOf(doc: TextDocument, a: Analysis, sym: Sym, sp: Span = sym.span): lsp.Location | undefined {
  if (sym.uri === doc.uri) return { uri: doc.uri, range: range(doc, sp) };
  const other = a.imported.get(sym.uri);
  return other ? { uri: sym.uri, range: rangeInText(other.text, sp) } : undefined;
}

function definition(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Location[] | null {
  const a = state(doc, ctx).analysis;
  const off = doc.offsetAt(pos);
  const sym = symAt(a, off);
  if (sym) { const l = locationOf(doc, a, sym); return l ? [l] : null; }
  // An import path opens the file.
  for (const item of a.parse.file.items) {
    if (item.kind === 'import' && contains(item.path.span, off)) {
      try { const f = ctx.readWorkspaceFile(doc.uri, item.path.value); return [{ uri: f.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]; } catch { return null; }
    }
  }
  return null;
}

function references(doc: TextDocument, pos: lsp.Position, includeDeclaration: boolean, ctx: ServerContext): lsp.Location[] {
  const a = state(doc, ctx).analysis;
  const sym = symAt(a, doc.offsetAt(pos));
  if (!sym) return [];
  const out: lsp.Location[] = [];
  if (includeDeclaration) { const l = locationOf(doc, a, sym); if (l) out.push(l); }
  for (const r of a.refs) if (sameSym(r.sym, sym)) out.push({ uri: doc.uri, range: range(doc, r.span) });
  return out;
}

function prepareRename(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Range | null {
  const a = state(doc, ctx).analysis;
  const off = doc.offsetAt(pos);
  const r = refAt(a, off);
  if (r) return range(doc, r.span);
  const sym = a.symbols.find((s) => contains(s.span, off));
  return sym ? range(doc, sym.span) : null;
}

const IDENT = /^[A-Za-z_\u0370-\u03FF\u1F00-\u1FFF][A-Za-z0-9_\u0370-\u03FF\u1F00-\u1FFF]*$/;

function rename(doc: TextDocument, pos: lsp.Position, newName: string, ctx: ServerContext): lsp.WorkspaceEdit | null {
  const a = state(doc, ctx).analysis;
  const off = doc.offsetAt(pos);
  const sym = symAt(a, off) ?? a.symbols.find((s) => contains(s.span, off));
  if (!sym) return null;
  if (!IDENT.test(newName) || T.keywords.includes(newName)) throw new Error(`'${newName}' is not a valid name`);
  const changes: Record<string, lsp.TextEdit[]> = {};
  const push = (uri: string, r: lsp.Range) => { (changes[uri] ??= []).push({ range: r, newText: newName }); };
  const def = locationOf(doc, a, sym);
  if (def) push(def.uri, def.range);
  for (const r of a.refs) if (sameSym(r.sym, sym)) push(doc.uri, range(doc, r.span));
  return { changes };
}

function formatting(doc: TextDocument): lsp.TextEdit[] {
  const text = doc.getText();
  const formatted = formatTlab(text);
  if (formatted === undefined || formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
}

function codeActions(doc: TextDocument, r: lsp.Range, diags: lsp.Diagnostic[], ctx: ServerContext): lsp.CodeAction[] {
  const a = state(doc, ctx).analysis;
  const out: lsp.CodeAction[] = [];
  const start = doc.offsetAt(r.start), end = doc.offsetAt(r.end);
  const seen = new Set<string>();
  for (const d of a.diagnostics) {
    if (!d.fixes?.length || d.span.end < start || d.span.start > end) continue;
    const lspDiag = diags.find((x) => x.message === d.message) ?? toLspDiagnostic(doc, d);
    for (const f of d.fixes) {
      const key = `${f.span.start}:${f.newText}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ title: f.title, kind: lsp.CodeActionKind.QuickFix, diagnostics: [lspDiag], isPreferred: true, edit: { changes: { [doc.uri]: [{ range: range(doc, f.span), newText: f.newText }] } } });
    }
  }
  return out;
}

function codeLenses(doc: TextDocument, ctx: ServerContext): lsp.CodeLens[] {
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

function inlayHints(doc: TextDocument, r: lsp.Range, ctx: ServerContext): lsp.InlayHint[] {
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

export const tlabFeatures: LanguageFeatures = {
  languageId: 'tlab',
  diagnostics,
  hover,
  completion,
  signatureHelp,
  semanticTokens,
  documentSymbols,
  foldingRanges,
  definition,
  references,
  prepareRename,
  rename,
  formatting: (doc) => formatting(doc),
  codeActions,
  codeLenses,
  inlayHints,
  close: (uri) => dropState(uri),
};

export { dotted };

// Helpers shared by the .tlab LSP features: the document's analysis state, span/range conversion,
// lookups of the block, reference and symbol under the cursor, every expression of a file, the
// visible names at an offset, and the markdown of values (series as tables over the sweep).
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { Expr, Span, TopLevel } from './ast';
import { Analysis, Ref, Sym, TlabDiagnostic, walk } from './checker';
import { blockFingerprint, DocState, getState, shiftFor } from './documents';
import { BlockResult } from './blockRun';
import { isResult, isSeries, isStat, RV, SeriesV, show } from './values';


// ---- shared helpers ----------------------------------------------------------------------------------

export function state(doc: TextDocument, ctx: ServerContext): DocState {
  return getState(doc.uri, doc.version, doc.getText(), (from, rel) => ctx.readWorkspaceFile(from, rel));
}

export const range = (doc: TextDocument, s: Span): lsp.Range => ({ start: doc.positionAt(s.start), end: doc.positionAt(s.end) });
export const contains = (s: Span, off: number) => s.start <= off && off <= s.end;
export const severity = { error: lsp.DiagnosticSeverity.Error, warning: lsp.DiagnosticSeverity.Warning, info: lsp.DiagnosticSeverity.Information };

/** Range in another document's text (imported files) without a TextDocument. */
export function rangeInText(text: string, s: Span): lsp.Range {
  const pos = (off: number): lsp.Position => {
    const before = text.slice(0, off);
    const line = before.split('\n').length - 1;
    return { line, character: off - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(s.start), end: pos(s.end) };
}

export function blockAt(a: Analysis, off: number): Extract<TopLevel, { kind: 'experiment' | 'derivation' }> | undefined {
  for (const i of a.parse.file.items) if ((i.kind === 'experiment' || i.kind === 'derivation') && contains(i.span, off)) return i;
  return undefined;
}

export function refAt(a: Analysis, off: number): Ref | undefined {
  let best: Ref | undefined;
  for (const r of a.refs) if (contains(r.span, off) && (!best || r.span.end - r.span.start < best.span.end - best.span.start)) best = r;
  return best;
}

export function symAt(a: Analysis, off: number): Sym | undefined {
  const r = refAt(a, off);
  if (r) return r.sym;
  return a.symbols.find((s) => contains(s.span, off) && s.kind !== 'experiment' && s.kind !== 'derivation');
}

export function sameSym(x: Sym, y: Sym): boolean { return x.uri === y.uri && x.span.start === y.span.start && x.name === y.name; }

/** Every expression in the file (for hover of the smallest one under the cursor). */
export function allExprs(a: Analysis): Expr[] {
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

export function toLspDiagnostic(doc: TextDocument, d: TlabDiagnostic): lsp.Diagnostic {
  return {
    range: range(doc, d.span), severity: severity[d.severity], message: d.message, source: 'theorylab',
    ...(d.source ? { code: d.source } : {}),
    ...(d.fixes?.length ? { data: { fixes: d.fixes } } : {}),
  };
}

/** The sweep coordinates of a block's last run: for each swept name, its value at every grid index. */
export type GridCoords = { name: string; at: Map<number, RV> }[];

export function gridCoords(res: BlockResult | undefined, a: Analysis): GridCoords {
  if (!res) return [];
  const block = a.parse.file.items.find((i) => i.kind === 'experiment' && i.name.name === res.name);
  if (!block || block.kind !== 'experiment') return [];
  const swept = new Set(block.body.filter((st) => st.kind === 'sweep').map((st) => (st as { name: { name: string } }).name.name));
  return res.defined.filter((d) => swept.has(d.name) && isSeries(d.value))
    .map((d) => { const sv = d.value as SeriesV; return { name: d.name, at: new Map(sv.idx.map((i, k) => [i, sv.values[k]])) }; });
}

/** A series as a small table over the sweep coordinates (first and last rows when it is long). */
export function seriesTable(v: SeriesV, coords: GridCoords, columns: { label: string; get(x: RV): RV }[]): string {
  const cs = coords.filter((c) => v.idx.every((i) => c.at.has(i)));
  const head = [...cs.map((c) => c.name), ...columns.map((c) => c.label)];
  const row = (k: number) => `| ${[...cs.map((c) => show(c.at.get(v.idx[k])!)), ...columns.map((c) => show(c.get(v.values[k])))].join(' | ')} |`;
  const n = v.values.length;
  const ks = n <= 12 ? [...Array(n).keys()] : [...Array(8).keys(), -1, n - 3, n - 2, n - 1];
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`,
    ...ks.map((k) => (k < 0 ? `| ${head.map(() => '…').join(' | ')} |` : row(k))), '', `*(${n} grid points)*`].join('\n');
}

export function valueMarkdown(v: RV, coords: GridCoords = []): string {
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
export function resultAt(s: DocState, off: number): { res: BlockResult; shift: number; stale: boolean } | undefined {
  const block = blockAt(s.analysis, off);
  if (!block) return undefined;
  const stored = s.results.get(block.name.name);
  if (!stored) return undefined;
  const stale = blockFingerprint(s.analysis, block.name.name) !== stored.fingerprint;
  return { res: stored.result, shift: shiftFor(s, block.name.name), stale };
}

export function visibleSymbols(a: Analysis, off: number): Sym[] {
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

export function md(value: string): lsp.MarkupContent { return { kind: lsp.MarkupKind.Markdown, value }; }

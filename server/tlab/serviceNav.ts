// Navigation features of .tlab documents: document symbols, folding ranges, go to definition
// (also across imports), references and rename.
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { Span } from './ast';
import { Analysis, Sym } from './checker';
import * as T from './lexer';
import { tokEnd } from './parser';
import { contains, range, rangeInText, refAt, sameSym, state, symAt } from './serviceCommon';

export function documentSymbols(doc: TextDocument, ctx: ServerContext): lsp.DocumentSymbol[] {
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

export function foldingRanges(doc: TextDocument, ctx: ServerContext): lsp.FoldingRange[] {
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

export function locationOf(doc: TextDocument, a: Analysis, sym: Sym, sp: Span = sym.span): lsp.Location | undefined {
  if (sym.uri === doc.uri) return { uri: doc.uri, range: range(doc, sp) };
  const other = a.imported.get(sym.uri);
  return other ? { uri: sym.uri, range: rangeInText(other.text, sp) } : undefined;
}

export function definition(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Location[] | null {
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

export function references(doc: TextDocument, pos: lsp.Position, includeDeclaration: boolean, ctx: ServerContext): lsp.Location[] {
  const a = state(doc, ctx).analysis;
  const sym = symAt(a, doc.offsetAt(pos));
  if (!sym) return [];
  const out: lsp.Location[] = [];
  if (includeDeclaration) { const l = locationOf(doc, a, sym); if (l) out.push(l); }
  for (const r of a.refs) if (sameSym(r.sym, sym)) out.push({ uri: doc.uri, range: range(doc, r.span) });
  return out;
}

export function prepareRename(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.Range | null {
  const a = state(doc, ctx).analysis;
  const off = doc.offsetAt(pos);
  const r = refAt(a, off);
  if (r) return range(doc, r.span);
  const sym = a.symbols.find((s) => contains(s.span, off));
  return sym ? range(doc, sym.span) : null;
}

export const IDENT = /^[A-Za-z_\u0370-\u03FF\u1F00-\u1FFF][A-Za-z0-9_\u0370-\u03FF\u1F00-\u1FFF]*$/;

export function rename(doc: TextDocument, pos: lsp.Position, newName: string, ctx: ServerContext): lsp.WorkspaceEdit | null {
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

// Navigation features of .tlab documents: document symbols, folding ranges, go to definition
// (also across imports), references and rename (refused, with the reason, when the new name is taken).
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { Span } from './ast';
import { Analysis, Sym } from './checker';
import * as T from './lexer';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { DERIVE_BUILTIN_NAMES } from '../derive/index';
import { builtinByName, constantByName } from './builtins';
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
  // A code range ends on the line before its last (the closing `}` stays visible); a range that would
  // fold nothing (one line) is not offered.
  const add = (sp: Span, kind?: string) => {
    const s = doc.positionAt(sp.start).line, e = doc.positionAt(sp.end).line;
    const endLine = kind ? e : e - 1;
    if (endLine > s) out.push({ startLine: s, endLine, ...(kind ? { kind } : {}) });
  };
  for (const item of a.parse.file.items) {
    if (item.kind !== 'experiment' && item.kind !== 'derivation') { if (item.kind === 'let') add({ start: item.span.start, end: item.span.end + 1 }); continue; }
    add(item.span);
    for (const st of item.body) if (st.kind === 'plot') add(st.span); else add({ start: st.span.start, end: st.span.end + 1 });
  }
  for (const c of a.parse.comments) if (c.tokenType !== T.LineComment) add({ start: c.startOffset, end: tokEnd(c) }, lsp.FoldingRangeKind.Comment);
  // Runs of `//` lines (each comment alone on its line) fold as one comment.
  const text = doc.getText();
  let run: { first: number; last: number } | undefined;
  const flush = () => { if (run && run.last > run.first) out.push({ startLine: run.first, endLine: run.last, kind: lsp.FoldingRangeKind.Comment }); run = undefined; };
  for (const c of a.parse.comments) {
    if (c.tokenType !== T.LineComment) { flush(); continue; }
    const line = doc.positionAt(c.startOffset).line;
    const alone = /^[ \t]*$/.test(text.slice(doc.offsetAt({ line, character: 0 }), c.startOffset));
    if (!alone) { flush(); continue; }
    if (run && line === run.last + 1) run.last = line;
    else { flush(); run = { first: line, last: line }; }
  }
  flush();
  return out.sort((x, y) => x.startLine - y.startLine);
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

/**
 * Why renaming `sym` to `newName` would change what the file means, or undefined when it is safe: a name
 * of the same scope (block, function parameters, file), a file-level or imported name it would shadow
 * or be shadowed by, another block's name, or a built-in of the block's language.
 */
function renameClash(doc: TextDocument, a: Analysis, sym: Sym, newName: string): string | undefined {
  const where = (s: Sym) => (s.uri === doc.uri ? `line ${doc.positionAt(s.span.start).line + 1}` : s.uri.split('/').pop());
  const isBlock = (s: Sym) => s.kind === 'experiment' || s.kind === 'derivation';
  if (isBlock(sym)) {
    const other = a.symbols.find((s) => isBlock(s) && s.name === newName);
    return other ? `a ${other.kind} of that name exists (${where(other)})` : undefined;
  }
  const fnOf = (p: Sym) => a.symbols.find((f) => f.kind === 'function' && f.params?.includes(p.name) && contains(f.declSpan, p.span.start));
  const refsIn = (x: Sym, region: Span) => a.refs.some((r) => sameSym(r.sym, x) && contains(region, r.span.start));
  const taken = (s: Sym) => `\`${newName}\` is already defined (${s.kind === 'param' ? 'parameter' : s.kind}, ${where(s)})`;
  for (const s of a.symbols) {
    if (s.name !== newName || isBlock(s) || sameSym(s, sym)) continue;
    if (s.kind === 'param') {
      // a parameter is seen only in its function: a clash there, or a use of `sym` it would capture
      const f = fnOf(s);
      if (f && ((sym.kind === 'param' && fnOf(sym) === f) || sameSym(f, sym) || refsIn(sym, f.declSpan))) return taken(s);
      continue;
    }
    if (sym.kind === 'param') {
      const f = fnOf(sym);
      if (f && refsIn(s, f.declSpan)) return `${taken(s)}, and the body of \`${f.name}\` uses it`;
      continue;
    }
    // the same block, or a file-level name one would shadow
    if (s.block === sym.block || !s.block || !sym.block) return taken(s);
  }
  const imported = a.fileLets.find((l) => l.uri !== a.uri && l.stmt.name.name === newName);
  if (imported) return `\`${newName}\` is imported from ${imported.uri.split('/').pop()}`;
  const block = sym.block ? a.parse.file.items.find((i) => (i.kind === 'experiment' || i.kind === 'derivation') && i.name.name === sym.block) : undefined;
  const builtin = block?.kind === 'derivation' ? DERIVE_BUILTIN_NAMES.has(newName) : builtinByName.has(newName) || constantByName.has(newName);
  return builtin ? `\`${newName}\` is a built-in` : undefined;
}

export const IDENT = /^[A-Za-z_\u0370-\u03FF\u1F00-\u1FFF][A-Za-z0-9_\u0370-\u03FF\u1F00-\u1FFF]*$/;

export function rename(doc: TextDocument, pos: lsp.Position, newName: string, ctx: ServerContext): lsp.WorkspaceEdit | null {
  const a = state(doc, ctx).analysis;
  const off = doc.offsetAt(pos);
  const sym = symAt(a, off) ?? a.symbols.find((s) => contains(s.span, off));
  if (!sym) return null;
  if (!IDENT.test(newName) || T.keywords.includes(newName)) throw new ResponseError(ErrorCodes.InvalidRequest, `'${newName}' is not a valid name`);
  if (newName !== sym.name) {
    const clash = renameClash(doc, a, sym, newName);
    if (clash) throw new ResponseError(ErrorCodes.InvalidRequest, `cannot rename '${sym.name}' to '${newName}': ${clash}`);
  }
  const changes: Record<string, lsp.TextEdit[]> = {};
  const push = (uri: string, r: lsp.Range) => { (changes[uri] ??= []).push({ range: r, newText: newName }); };
  const def = locationOf(doc, a, sym);
  if (def) push(def.uri, def.range);
  for (const r of a.refs) if (sameSym(r.sym, sym)) push(doc.uri, range(doc, r.span));
  return { changes };
}

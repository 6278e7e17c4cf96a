// Semantic tokens of .tlab documents: symbols and their references, built-ins (the tensor built-ins and
// `.T` of derivations too), solver ids, soft keywords, then lexical classes for everything else (multi-line tokens split per line).
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import { semanticTokenModifiers, semanticTokenTypes } from '../languageService';
import type { Span } from './ast';
import { builtinByName, constantByName } from './builtins';
import { Sym } from './checker';
import * as T from './lexer';
import { tokEnd } from './parser';
import { allExprs, state } from './serviceCommon';
import { derivationLibrarySpans } from './serviceDerive';

export const TT = Object.fromEntries(semanticTokenTypes.map((t, i) => [t, i])) as Record<(typeof semanticTokenTypes)[number], number>;
export const TM = Object.fromEntries(semanticTokenModifiers.map((t, i) => [t, 1 << i])) as Record<(typeof semanticTokenModifiers)[number], number>;

export function semanticTokens(doc: TextDocument, ctx: ServerContext): lsp.SemanticTokens {
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
  // Tensor built-ins and the `T` of `.T` in derivations: library functions, not variables.
  for (const sp of derivationLibrarySpans(a, a.parse.tokens)) set(sp, TT.function, TM.defaultLibrary);
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

// Semantic tokens, document symbols (outline) and code lenses (Run, Show chart) of the .clevr language.
import type * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { semanticTokenModifiers, semanticTokenTypes } from '../languageService';
import type { Analysis } from './analysis';
import { catToString, type Expr, type Span, walkExpr } from './ast';
import { FUNCTIONS } from './functions';
import { range } from './lspSpans';
import { clevrLexer } from './parser';
import { typeToString } from './types';
import { canonicalConcept, isAttribute, isRelation } from './vocab';
import { LINGUISTIC_ATOMS } from '../g2l2/category';

// ---- semantic tokens --------------------------------------------------------------------------
const T = (n: (typeof semanticTokenTypes)[number]) => semanticTokenTypes.indexOf(n);
const M = (n: (typeof semanticTokenModifiers)[number]) => 1 << semanticTokenModifiers.indexOf(n);

export function semanticTokens(doc: TextDocument, a: Analysis): lsp.SemanticTokens {
  const text = doc.getText();
  const lex = clevrLexer.tokenize(text);
  const decls = new Map<number, string>();
  for (const o of a.occurrences) decls.set(o.span.start, o.decl ? 'decl' : 'ref');
  const params = new Set<number>();
  const visitLambda = (e: Expr | undefined) => walkExpr(e, (x) => { if (x.kind === 'lambda') params.add(x.param.span.start); });
  const lambdaVars = new Map<string, boolean>();
  for (const s of a.file.statements) if (s.kind === 'lexicon') for (const e of s.entries) { visitLambda(e.program); walkExpr(e.program, (x) => { if (x.kind === 'lambda') lambdaVars.set(x.param.name, true); }); }
  const items: { off: number; len: number; type: number; mods: number }[] = [];
  const all = [...lex.tokens, ...((lex.groups.comments ?? []) as typeof lex.tokens)].sort((x, y) => x.startOffset - y.startOffset);
  for (let k = 0; k < all.length; k++) {
    const t = all[k];
    const name = t.tokenType.name;
    let type = -1, mods = 0;
    if (name === 'Comment') type = T('comment');
    else if (name === 'String') type = T('string');
    else if (name === 'Number') type = T('number');
    else if (name.startsWith('Kw_')) {
      type = t.image === 'scene' && all[k + 1]?.image === '(' ? T('function') : T('keyword');
      if (type === T('function')) mods = M('defaultLibrary');
    } else if (name === 'Identifier') {
      const d = decls.get(t.startOffset);
      if (d) { type = T('variable'); if (d === 'decl') mods = M('declaration'); }
      else if (params.has(t.startOffset)) { type = T('parameter'); mods = M('declaration'); }
      else if (FUNCTIONS.has(t.image) && all[k + 1]?.image === '(') { type = T('function'); mods = M('defaultLibrary'); }
      else if (canonicalConcept(t.image)) type = T('enumMember');
      else if (isAttribute(t.image)) type = T('property');
      else if (isRelation(t.image)) type = T('enumMember');
      else if (LINGUISTIC_ATOMS.includes(t.image)) type = T('type');
      else if (lambdaVars.has(t.image)) type = T('parameter');
      else type = T('variable');
    } else if (['Slash', 'Backslash', 'Lambda', 'ColonEq', 'Equals'].includes(name)) type = T('operator');
    if (type >= 0) items.push({ off: t.startOffset, len: t.image.length, type, mods });
  }
  const data: number[] = [];
  let prevLine = 0, prevChar = 0;
  for (const it of items) {
    // Tokens never span lines except comments/strings, which the lexer keeps on one line.
    const p = doc.positionAt(it.off);
    const dl = p.line - prevLine;
    data.push(dl, dl === 0 ? p.character - prevChar : p.character, it.len, it.type, it.mods);
    prevLine = p.line; prevChar = p.character;
  }
  return { data };
}

// ---- outline, folding, definition ----------------------------------------------------------------
export function symbols(doc: TextDocument, a: Analysis): lsp.DocumentSymbol[] {
  const out: lsp.DocumentSymbol[] = [];
  for (const s of a.file.statements) {
    const r = range(doc, s.span);
    // VS Code rejects a selection range outside the symbol's range (possible after error recovery).
    const within = (outer: Span, sel: Span): Span => (sel.start >= outer.start && sel.end <= outer.end && sel.start >= 0 ? sel : { start: outer.start, end: outer.start });
    const mk = (name: string, kind: lsp.SymbolKind, sel: Span, detail?: string, children?: lsp.DocumentSymbol[]): lsp.DocumentSymbol =>
      ({ name: name || '(unnamed)', kind, range: r, selectionRange: range(doc, within(s.span, sel)), detail, children: children?.filter((c) => inRange(c.range, r)) });
    switch (s.kind) {
      case 'scene': out.push(mk(s.name.name, 2 /* Module */, s.name.span, `${s.objects.length} objects`,
        s.objects.map((o) => ({ name: o.name.name || '?', kind: 19 as lsp.SymbolKind /* Object */, range: range(doc, o.span), selectionRange: range(doc, within(o.span, o.name.span)), detail: o.words.map((w) => w.name).join(' ') })))); break;
      case 'scenes': out.push(mk(s.name.name, 2, s.name.span, `scenes from ${s.path.value}`)); break;
      case 'questions': out.push(mk(s.name.name, 18 /* Array */, s.name.span, `questions from ${s.path.value}`)); break;
      case 'program': out.push(mk(s.name.name, 12 /* Function */, s.name.span, a.programs.get(s.name.name)?.type ? typeToString(a.programs.get(s.name.name)!.type!) : undefined)); break;
      case 'eval': out.push(mk(`eval ${s.target.name}`, 24 /* Event */, s.target.span, s.scene ? `on ${s.scene.name.name}` : undefined)); break;
      case 'lexicon': out.push(mk(s.name.name, 3 /* Namespace */, s.name.span, `${s.entries.length} entries`,
        s.entries.map((e) => ({ name: e.words.value || '?', kind: 14 as lsp.SymbolKind /* Constant */, range: range(doc, e.span), selectionRange: range(doc, within(e.span, e.words.span)), detail: e.category ? catToString(e.category) : undefined })))); break;
      case 'sentence': out.push(mk(`sentence "${s.text.value}"`, 15 /* String */, s.text.span, s.lexicon ? `using ${s.lexicon.name}` : undefined)); break;
    }
  }
  return out;
}

function inRange(inner: lsp.Range, outer: lsp.Range): boolean {
  const le = (a: lsp.Position, b: lsp.Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

export function lensesFor(doc: TextDocument, a: Analysis): lsp.CodeLens[] {
  const out: lsp.CodeLens[] = [];
  for (const s of a.file.statements) {
    if (s.kind === 'eval' && s.target.name) {
      out.push({ range: range(doc, s.span), command: { title: 'Run', command: 'theorylab.run', arguments: [doc.uri, s.target.name] } });
    } else if (s.kind === 'sentence') {
      const line = doc.positionAt(s.span.start).line;
      out.push({ range: range(doc, s.span), command: { title: 'Run', command: 'theorylab.run', arguments: [doc.uri, s.text.value] } });
      out.push({ range: range(doc, s.span), command: { title: 'Show chart', command: 'theorylab.showChart', arguments: [{ uri: doc.uri, line }] } });
    }
  }
  return out;
}


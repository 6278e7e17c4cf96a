// Completion and signature help of .tlab documents, by context: result outputs after `x.` (and the
// fields of a mean ± std output), solver ids after `solve r =` (with a call template of the required
// parameters as snippet placeholders, the registry saying which are required), solver parameters and
// enum values inside calls (also inside quotes), workspace paths in `import "…"` and `data = "…"`, the
// plot-line words inside `plot { }`, `given` shapes and domains and the tensor built-ins in derivations
// (serviceDerive.ts), and otherwise only what fits: statement keywords at the start of a statement,
// then names in scope, built-ins and the operators that may follow an expression. Items carry sortText
// in that order.
import type { IToken } from 'chevrotain';
import { chevrotain } from '../chevrotain';
import * as lsp from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../languageService';
import type { ParamSpec, SolverDef } from '../solvers/registry';
import { getSolver, allSolvers } from '../solvers/index';
import { builtinByName, builtins, constants } from './builtins';
import { callContext, chainBefore, tokenAt, tokenIndexBefore } from './context';
import { keywordDocs, outputMarkdown, paramDefault, paramKind, paramMarkdown, paramRange, solverMarkdown, solverSignature } from './docs';
import * as T from './lexer';
import { tokEnd } from './parser';
import { typeText } from './types';
import { isDataFileParam } from './checkSolve';
import { blockAt, md, range, state, valueMarkdown, visibleSymbols } from './serviceCommon';
import { builtinCompletions, derivationSignatureHelp, givenCompletion, givenSlot } from './serviceDerive';
import { workspacePaths } from './serviceFiles';

/** Tokens after which an expression continues (a new line after them is not a new statement). */
const CONTINUES = [T.Comma, T.LParen, T.LBracket, T.Assign, T.Colon, T.Within, T.Where, T.Not];
const continues = (t: IToken) => CONTINUES.includes(t.tokenType) || chevrotain.tokenMatcher(t, T.BinaryOperator) || t.tokenType === T.Minus || t.tokenType === T.Plus;

/** The words of a plot body: a line starts with an axis; after its value come its modifiers. */
const PLOT_LINE_STARTS: { label: string; insert: string; doc: string }[] = [
  { label: 'x', insert: 'x = ', doc: 'The horizontal axis: one `x = …` line per plot (usually the swept name).' },
  { label: 'y', insert: 'y = ', doc: 'A curve over x; several `y =` lines overlay.' },
  { label: 'heatmap', insert: 'heatmap = ', doc: 'Draws a matrix as coloured cells (a plot of pictures has no x/y lines).' },
  { label: 'image', insert: 'image = ', doc: 'Draws a vector of n² entries as an n × n grey picture.' },
  { label: 'xlabel', insert: 'xlabel "$1"', doc: 'Title of the x axis (overrides the one derived from the labels).' },
  { label: 'ylabel', insert: 'ylabel "$1"', doc: 'Title of the y axis.' },
];
const PLOT_LINE_MODIFIERS: { label: string; insert: string; doc: string }[] = [
  { label: 'label', insert: 'label "$1"', doc: 'The legend entry of this line.' },
  { label: 'scale', insert: `scale \${1|log,linear|}`, doc: 'The scale of this axis: `log` or `linear`.' },
  { label: 'unit', insert: 'unit "$1"', doc: 'The unit shown after the axis title.' },
];

/** The unmatched `{` before index `before` opens a plot body (`plot [\"title\"] {`). */
function inPlotBody(tokens: IToken[], before: number): boolean {
  let depth = 0;
  for (let i = before; i >= 0; i--) {
    const tt = tokens[i].tokenType;
    if (tt === T.RCurly) depth++;
    else if (tt === T.LCurly) {
      if (depth-- > 0) continue;
      const k = tokens[i - 1]?.tokenType === T.StringLit ? i - 2 : i - 1;
      return tokens[k]?.tokenType === T.Plot;
    }
  }
  return false;
}

/** The statement keyword the cursor's statement starts with (for the keywords that may follow an expression). */
function statementKeyword(tokens: IToken[], before: number): IToken | undefined {
  for (let i = before; i >= 0; i--) {
    const tt = tokens[i].tokenType;
    if (tt === T.LCurly || tt === T.RCurly) return undefined;
    if ([T.Let, T.Sweep, T.Solve, T.Simulate, T.Plot, T.Expect, T.Given, T.Check, T.Import].includes(tt)) return tokens[i];
  }
  return undefined;
}

/** Completion inside a string literal: workspace paths after `import`, enum values and data files in solver calls. */
function stringCompletion(doc: TextDocument, str: IToken, off: number, tokens: IToken[], ctx: ServerContext): lsp.CompletionItem[] {
  const closed = str.image.length >= 2 && str.image.endsWith('"');
  const contentEnd = closed ? tokEnd(str) - 1 : tokEnd(str);
  if (off > contentEnd) return [];
  const inner = range(doc, { start: str.startOffset + 1, end: contentEnd });
  const i = tokens.indexOf(str);
  const paths = (exts: string[], extra: string[] = []) => [...extra, ...workspacePaths(doc.uri, ctx.workspaceRoots(), exts)].map((p, k) => ({
    label: p, kind: extra.includes(p) ? lsp.CompletionItemKind.Value : lsp.CompletionItemKind.File, sortText: String(k).padStart(4, '0'), textEdit: { range: inner, newText: p },
  }));
  if (tokens[i - 1]?.tokenType === T.Import) return paths(['.tlab']);
  const call = callContext(tokens, off);
  if (!call?.isSolver || !call.inValue || !call.argName) return [];
  const p = getSolver(call.callee)?.params.find((x) => x.name === call.argName);
  if (p?.kind === 'enum') {
    return (p.values ?? []).map((v, k) => ({ label: v, kind: lsp.CompletionItemKind.EnumMember, detail: p.doc, sortText: String(k).padStart(3, '0'), textEdit: { range: inner, newText: v } }));
  }
  if (p && isDataFileParam(p)) return paths(['.csv'], ['synthetic']);
  return [];
}

export function completion(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.CompletionItem[] {
  const s = state(doc, ctx);
  const a = s.analysis;
  const off = doc.offsetAt(pos);
  const tokens = a.parse.tokens;
  // Inside a comment: nothing; inside a string: paths and enum values only.
  for (const c of a.parse.comments) if (c.startOffset < off && off <= tokEnd(c)) return [];
  let cur = tokenAt(tokens, off);
  // at the end of a word followed at once by `(` (`dem|(a = 1)`) the word is what is being typed
  const left = off > 0 ? tokenAt(tokens, off - 1) : undefined;
  if (cur && cur.startOffset === off && left && tokEnd(left) === off && (left.tokenType === T.Identifier || T.keywordTokens.includes(left.tokenType))) cur = left;
  if (cur && cur.tokenType === T.StringLit && cur.startOffset < off) return stringCompletion(doc, cur, off, tokens, ctx);
  const typing = cur && (cur.tokenType === T.Identifier || T.keywordTokens.includes(cur.tokenType)) ? cur : undefined;
  const startOfWord = typing ? typing.startOffset : off;
  const wordRange = range(doc, { start: startOfWord, end: off });
  const before = tokenIndexBefore(tokens, startOfWord);
  const prev = tokens[before];
  const inBlock = blockAt(a, off);
  const derivation = inBlock?.kind === 'derivation';

  // After `x.`: outputs of a result, or the rest of a dotted solver id.
  if (prev && prev.tokenType === T.Dot) {
    if (derivation) return [{ label: 'T', kind: lsp.CompletionItemKind.Operator, detail: 'transpose', documentation: md('`X.T` — the transpose of a matrix (a vector is unchanged).'), textEdit: { range: wordRange, newText: 'T' } }];
    const chain = chainBefore(tokens, before);
    if (chain) {
      const items: lsp.CompletionItem[] = [];
      const [head, ...rest] = chain.split('.');
      const sym = visibleSymbols(a, off).find((x) => x.name === head);
      const statFields = () => [['mean', 'the mean over seeds'], ['std', 'the standard deviation over seeds'], ['n', 'the number of seeds']]
        .map(([f, d]) => ({ label: f, kind: lsp.CompletionItemKind.Field, detail: d, textEdit: { range: wordRange, newText: f } }));
      // the first identifier of the chain: is the dotted id the solver of a `solve r =` statement?
      let j = before - 1;
      while (tokens[j - 1]?.tokenType === T.Dot && tokens[j - 2]?.tokenType === T.Identifier) j -= 2;
      const inSolve = isSolveHead(tokens, j - 1);
      if (sym?.solver) {
        if (rest.length === 0) {
          for (const o of sym.solver.outputs) items.push({ label: o.name, kind: lsp.CompletionItemKind.Field, detail: o.kind, documentation: md(outputMarkdown(sym.solver, o)), textEdit: { range: wordRange, newText: o.name } });
          return items;
        }
        // `m.mean.`: only a mean ± std output has fields of its own
        const out = rest.length === 1 ? sym.solver.outputs.find((o) => o.name === rest[0]) : undefined;
        return out?.kind === 'stat' ? statFields() : [];
      }
      if (sym && rest.length === 0) return sym.type.k === 'stat' ? statFields() : [];
      if (sym) return [];
      for (const def of allSolvers) {
        if (!def.id.startsWith(chain + '.')) continue;
        const tail = def.id.slice(chain.length + 1);
        const template = inSolve ? callTemplate(def, tail, ctx, tokens[before + (typing ? 2 : 1)]) : undefined;
        items.push({
          label: tail, kind: lsp.CompletionItemKind.Function, detail: def.title, documentation: md(solverMarkdown(def)),
          textEdit: { range: wordRange, newText: template ?? tail }, ...(template ? { insertTextFormat: lsp.InsertTextFormat.Snippet } : {}),
        });
      }
      return items;
    }
    return [];
  }
  // `solve r = |` → solver ids.
  if (isSolveHead(tokens, before)) {
    const stochastic = tokens[before - 2].tokenType === T.Simulate;
    const next = tokens[before + (typing ? 2 : 1)];
    return allSolvers.map((def, i) => {
      const template = callTemplate(def, def.id, ctx, next);
      return {
        label: def.id, kind: lsp.CompletionItemKind.Function, detail: def.title, documentation: md(solverMarkdown(def)),
        sortText: `${(def.stochastic ?? false) === stochastic ? 0 : 1}${String(i).padStart(3, '0')}`,
        textEdit: { range: wordRange, newText: template ?? def.id }, ...(template ? { insertTextFormat: lsp.InsertTextFormat.Snippet } : {}),
      };
    });
  }
  // After `scale` / `on` (soft keywords).
  if (prev && prev.tokenType === T.Identifier && prev.image === 'scale') return ['log', 'linear'].map((w) => ({ label: w, kind: lsp.CompletionItemKind.EnumMember, textEdit: { range: wordRange, newText: w } }));
  if (prev && prev.tokenType === T.Identifier && prev.image === 'on' && tokens[before - 1]?.tokenType === T.RParen) return ['gpu', 'cpu', 'auto'].map((w) => ({ label: w, kind: lsp.CompletionItemKind.EnumMember, textEdit: { range: wordRange, newText: w } }));

  const lineStart = doc.offsetAt({ line: pos.line, character: 0 });
  const statementStart = !prev || [T.LCurly, T.RCurly].includes(prev.tokenType) || (prev.startOffset < lineStart && !continues(prev));
  if (derivation && prev) {
    const slot = givenSlot(tokens, before);
    if (slot && !(statementStart && slot.slot !== 'name')) return givenCompletion(slot, wordRange);
  }

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
        return (p.values ?? []).map((v, i) => ({ label: v, kind: lsp.CompletionItemKind.EnumMember, detail: p.doc, sortText: String(i).padStart(3, '0'), textEdit: { range: wordRange, newText: v } }));
      }
      if (p?.kind === 'boolean') return ['true', 'false'].map((v) => ({ label: v, kind: lsp.CompletionItemKind.Constant, textEdit: { range: wordRange, newText: v } }));
    }
  }
  const snippet = (w: { label: string; insert: string; doc: string }, sort: string): lsp.CompletionItem => ({
    label: w.label, kind: lsp.CompletionItemKind.Keyword, documentation: md(w.doc), sortText: sort,
    insertTextFormat: lsp.InsertTextFormat.Snippet, textEdit: { range: wordRange, newText: w.insert },
  });
  const plot = inBlock?.kind === 'experiment' && inPlotBody(tokens, before);
  // At the start of a statement only a statement (or plot-line) keyword fits.
  if (statementStart) {
    if (plot) return PLOT_LINE_STARTS.map((w, i) => snippet(w, `0${i}`));
    const kws = !inBlock ? ['import', 'let', 'experiment', 'derivation']
      : inBlock.kind === 'experiment' ? ['let', 'sweep', 'solve', 'simulate', 'plot', 'expect'] : ['let', 'given', 'check'];
    return kws.map((k, i) => ({ label: k, kind: lsp.CompletionItemKind.Keyword, documentation: md(keywordDocs[k] ?? ''), sortText: `0${i}` }));
  }
  const items: lsp.CompletionItem[] = [];
  // After a complete expression: the words that may follow it come first.
  const afterValue = !!prev && [T.Identifier, T.NumberLit, T.StringLit, T.RParen, T.RBracket, T.PrimeName].includes(prev.tokenType);
  const stmt = statementKeyword(tokens, before);
  if (plot && afterValue) PLOT_LINE_MODIFIERS.forEach((w, i) => items.push(snippet(w, `0${i}`)));
  const follow = derivation ? (stmt?.tokenType === T.Check ? ['within', 'at'] : [])
    : stmt?.tokenType === T.Expect ? ['within', 'where', 'and', 'or'] : ['and', 'or'];
  if (afterValue && !plot) for (const k of follow) items.push({ label: k, kind: lsp.CompletionItemKind.Keyword, documentation: md(keywordDocs[k] ?? (k === 'at' ? '`at N points` — how many random points the check draws (default 10).' : '')), sortText: `0${k}` });
  if (derivation && prev?.tokenType === T.NumberLit && tokens[before - 1]?.image === 'at') return [{ label: 'points', kind: lsp.CompletionItemKind.Keyword, textEdit: { range: wordRange, newText: 'points' } }];
  for (const sym of visibleSymbols(a, off)) {
    const kind = sym.kind === 'function' ? lsp.CompletionItemKind.Function : sym.kind === 'result' ? lsp.CompletionItemKind.Struct : lsp.CompletionItemKind.Variable;
    const detail = sym.kind === 'result' && sym.solver ? sym.solver.id : sym.kind === 'given' && sym.doc ? sym.doc : sym.type.k !== 'any' ? typeText(sym.type) : sym.kind;
    items.push({ label: sym.name, kind, detail, sortText: `1${sym.name}`, ...(sym.value !== undefined && sym.kind !== 'function' ? { documentation: md(`= ${valueMarkdown(sym.value)}`) } : {}) });
  }
  if (derivation) items.push(...builtinCompletions().map((b) => ({ ...b, sortText: `2${b.label}` })));
  else {
    for (const b of builtins) items.push({ label: b.name, kind: lsp.CompletionItemKind.Function, detail: b.signature, documentation: md(b.doc), sortText: `2${b.name}` });
    for (const c of constants) items.push({ label: c.name, kind: lsp.CompletionItemKind.Constant, detail: c.doc, sortText: `2${c.name}` });
    if (!afterValue && stmt?.tokenType !== T.Let) items.push({ label: 'not', kind: lsp.CompletionItemKind.Keyword, documentation: md(keywordDocs.not), sortText: '3not' });
  }
  return items;
}

export function signatureHelp(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.SignatureHelp | null {
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
  const user = visibleSymbols(s.analysis, off).find((x) => x.name === call.callee && x.kind === 'function');
  if (!user && blockAt(s.analysis, off)?.kind === 'derivation') return derivationSignatureHelp(call);
  const b = builtinByName.get(call.callee);
  let label: string, names: string[], docText: string;
  if (user) { names = user.params ?? []; label = `${user.name}(${names.join(', ')})`; docText = 'user function'; }
  else if (b) { label = b.signature.split(' | ')[0]; names = (label.match(/\((.*)\)/)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean); docText = b.doc; }
  else return null;
  const params: lsp.ParameterInformation[] = [];
  let at = label.indexOf('(') + 1;
  for (const n of names) { const i = label.indexOf(n, at); params.push({ label: [i, i + n.length] }); at = i + n.length; }
  return { signatures: [{ label, documentation: md(docText), parameters: params }], activeSignature: 0, activeParameter: Math.min(call.argIndex, Math.max(0, names.length - 1)) };
}

/** `tokens[i]` is the `=` of `solve r =` / `simulate r =`. */
function isSolveHead(tokens: { tokenType: unknown }[], i: number): boolean {
  return tokens[i]?.tokenType === T.Assign && tokens[i - 1]?.tokenType === T.Identifier
    && (tokens[i - 2]?.tokenType === T.Solve || tokens[i - 2]?.tokenType === T.Simulate);
}

const escapeSnippet = (t: string) => t.replace(/[$}\\]/g, (c) => `\\${c}`);

/** The placeholder of one required parameter: a choice of its words, a quoted string, or its name. */
function placeholder(p: ParamSpec, n: number): string {
  if (p.kind === 'enum' && p.values?.length) return `\${${n}|${p.values.map((v) => v.replace(/[|,$}\\]/g, (c) => `\\${c}`)).join(',')}|}`;
  if (p.kind === 'string') return `"\${${n}:${escapeSnippet(p.name)}}"`;
  return `\${${n}:${escapeSnippet(p.name)}}`;
}

/**
 * `id(a = ${1:a}, b = ${2:b})$0`: the call with its required parameters (no default, not optional)
 * as tab stops; undefined when the client takes no snippets or a `(` follows already (editing a call).
 */
export function callTemplate(def: SolverDef, id: string, ctx: ServerContext, next: { tokenType: unknown } | undefined): string | undefined {
  if (!ctx.snippets?.() || next?.tokenType === T.LParen) return undefined;
  const required = def.params.filter((p) => p.default === undefined && !p.optional);
  const args = required.map((p, i) => `${p.name} = ${placeholder(p, i + 1)}`).join(', ');
  return `${escapeSnippet(id)}(${required.length ? args : '$1'})$0`;
}

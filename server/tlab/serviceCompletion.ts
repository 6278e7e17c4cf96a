// Completion and signature help of .tlab documents: result outputs after `x.`, solver ids after
// `solve r =` (with a call template of the required parameters as snippet placeholders, the registry
// saying which are required), solver parameters and enum values inside calls, names in scope, built-ins and keywords.
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
import { blockAt, md, range, state, valueMarkdown, visibleSymbols } from './serviceCommon';

export function completion(doc: TextDocument, pos: lsp.Position, ctx: ServerContext): lsp.CompletionItem[] {
  const s = state(doc, ctx);
  const a = s.analysis;
  const off = doc.offsetAt(pos);
  const tokens = a.parse.tokens;
  // Inside a comment or a string: nothing.
  for (const c of a.parse.comments) if (c.startOffset < off && off <= tokEnd(c)) return [];
  let cur = tokenAt(tokens, off);
  // at the end of a word followed at once by `(` (`dem|(a = 1)`) the word is what is being typed
  const left = off > 0 ? tokenAt(tokens, off - 1) : undefined;
  if (cur && cur.startOffset === off && left && tokEnd(left) === off && (left.tokenType === T.Identifier || T.keywordTokens.includes(left.tokenType))) cur = left;
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
      // the first identifier of the chain: is the dotted id the solver of a `solve r =` statement?
      let j = before - 1;
      while (tokens[j - 1]?.tokenType === T.Dot && tokens[j - 2]?.tokenType === T.Identifier) j -= 2;
      const inSolve = isSolveHead(tokens, j - 1);
      const sym = visibleSymbols(a, off).find((x) => x.name === chain);
      if (sym?.solver) {
        for (const o of sym.solver.outputs) items.push({ label: o.name, kind: lsp.CompletionItemKind.Field, detail: o.kind, documentation: md(outputMarkdown(sym.solver, o)), textEdit: { range: wordRange, newText: o.name } });
        return items;
      }
      if (sym && sym.type.k === 'stat') return ['mean', 'std', 'n'].map((f) => ({ label: f, kind: lsp.CompletionItemKind.Field }));
      for (const def of allSolvers) {
        if (!def.id.startsWith(chain + '.')) continue;
        const rest = def.id.slice(chain.length + 1);
        const template = inSolve ? callTemplate(def, rest, ctx, tokens[before + (typing ? 2 : 1)]) : undefined;
        items.push({
          label: rest, kind: lsp.CompletionItemKind.Function, detail: def.title, documentation: md(solverMarkdown(def)),
          textEdit: { range: wordRange, newText: template ?? rest }, ...(template ? { insertTextFormat: lsp.InsertTextFormat.Snippet } : {}),
        });
      }
      return items;
    }
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

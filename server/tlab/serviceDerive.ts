// Editor help inside derivation blocks: completion of `given` shapes and domains and of the tensor
// built-ins, hover and signature help of every built-in, shape, domain and tensor operator, and the hover
// of a `check` (the static shape of both sides, and after a run their values at the worst point). The
// derivation engine's tables (server/derive/builtins.ts) are the one source of these texts.
import type { IToken } from 'chevrotain';
import * as lsp from 'vscode-languageserver';
import type { DerivationDecl, Span } from './ast';
import { DERIVE_BUILTIN_BY_NAME, DERIVE_BUILTINS, DERIVE_OPERATORS, GIVEN_DOMAINS, GIVEN_SHAPES, derivationLets, derivationShapes, shapeText } from '../derive/index';
import type { Analysis } from './checker';
import { spanKey } from './checker';
import type { CallContext } from './context';
import * as T from './lexer';
import { tokEnd } from './parser';
import { contains, md, symAt } from './serviceCommon';
import type { BlockResult } from './blockRun';

/** Where the cursor is inside a `given` statement: the word expected there, or undefined outside one. */
export type GivenSlot = 'name' | 'shape' | 'domain' | 'none';

/**
 * Reads the tokens back from `before` (the token before the word being typed) to the statement's
 * `given` keyword: only names, `:`, `,`, parentheses and numbers may lie between.
 */
export function givenSlot(tokens: IToken[], before: number): { slot: GivenSlot; shapeWord?: string; dims: number[] } | undefined {
  let j = before;
  while (j >= 0 && [T.Identifier, T.Colon, T.Comma, T.LParen, T.RParen, T.NumberLit].includes(tokens[j].tokenType)) j--;
  if (j < 0 || tokens[j].tokenType !== T.Given) return undefined;
  const prev = tokens[before];
  // The shape word of the variable being declared: the name after the last `:`.
  let colon = before, depth = 0;
  for (; colon > j; colon--) {
    const tt = tokens[colon].tokenType;
    if (tt === T.RParen) depth++;
    else if (tt === T.LParen) depth--;
    else if (depth <= 0 && (tt === T.Colon || tt === T.Comma)) break;
  }
  const shapeTok = tokens[colon]?.tokenType === T.Colon ? tokens[colon + 1] : undefined;
  const dims: number[] = [];
  for (let k = colon + 1; k <= before; k++) if (tokens[k].tokenType === T.NumberLit) dims.push(Number(tokens[k].image));
  const info = { shapeWord: shapeTok && shapeTok.startOffset <= prev.startOffset ? shapeTok.image : undefined, dims };
  if (prev.tokenType === T.Given || prev.tokenType === T.Comma) return { slot: 'name', ...info };
  if (prev.tokenType === T.Colon) return { slot: 'shape', ...info };
  if (prev.tokenType === T.RParen || (prev.tokenType === T.Identifier && prev.image === 'scalar' && tokens[before - 1]?.tokenType === T.Colon)) return { slot: 'domain', ...info };
  return { slot: 'none', ...info };
}

/** Completion in a `given` statement: shapes after `x:`, the domains that fit the shape after it. */
export function givenCompletion(slot: ReturnType<typeof givenSlot> & object, wordRange: lsp.Range): lsp.CompletionItem[] {
  const domain = (d: (typeof GIVEN_DOMAINS)[number], i: number, detail: string): lsp.CompletionItem => ({
    label: d.name, kind: lsp.CompletionItemKind.EnumMember, detail, documentation: md(d.doc), sortText: `1${i}`, textEdit: { range: wordRange, newText: d.name },
  });
  if (slot.slot === 'shape') {
    return [
      ...GIVEN_SHAPES.map((s, i): lsp.CompletionItem => ({
        label: s.label, kind: lsp.CompletionItemKind.TypeParameter, detail: 'shape', documentation: md(s.doc), sortText: `0${i}`, filterText: s.name,
        insertTextFormat: lsp.InsertTextFormat.Snippet, textEdit: { range: wordRange, newText: s.snippet },
      })),
      // a domain alone declares a scalar of that domain (`given s: positive`)
      ...GIVEN_DOMAINS.filter((d) => d.name === 'positive').map((d, i) => domain(d, i, 'domain: a positive scalar')),
    ];
  }
  if (slot.slot !== 'domain') return [];
  const fits = (name: string) => {
    if (name === 'real' || name === 'positive') return true;
    if (slot.shapeWord === 'vector') return name === 'unit' || name === 'simplex';
    if (slot.shapeWord === 'matrix') return name === 'spd' && (slot.dims.length !== 2 || slot.dims[0] === slot.dims[1]);
    return false;
  };
  return GIVEN_DOMAINS.filter((d) => fits(d.name)).map((d, i) => domain(d, i, 'domain'));
}

/** The tensor built-ins offered in derivation expressions (after the names in scope). */
export function builtinCompletions(): lsp.CompletionItem[] {
  return DERIVE_BUILTINS.map((b) => ({
    label: b.name, kind: lsp.CompletionItemKind.Function, detail: b.signatures.join(' | '), documentation: md(b.doc), sortText: `1${b.name}`,
  }));
}

/** Hover text of a built-in, shape, domain or operator token of a derivation (not a user's name). */
export function derivationTokenHover(a: Analysis, tok: IToken, prevTok: IToken | undefined): string | undefined {
  if (tok.tokenType === T.At) return `**@** — matrix product\n\n${DERIVE_OPERATORS.find((o) => o.name === '@')!.doc}`;
  if (tok.tokenType !== T.Identifier || symAt(a, tok.startOffset)) return undefined;
  if (tok.image === 'T' && prevTok?.tokenType === T.Dot) return `**.T** — transpose\n\n${DERIVE_OPERATORS.find((o) => o.name === '.T')!.doc}`;
  const b = DERIVE_BUILTIN_BY_NAME.get(tok.image);
  if (b) return `**${b.signatures.join(' | ')}** — tensor built-in\n\n${b.doc}`;
  const inGiven = a.parse.file.items.some((i) => i.kind === 'derivation' && i.body.some((st) => st.kind === 'given' && contains(st.span, tok.startOffset)));
  if (!inGiven) return undefined;
  const s = GIVEN_SHAPES.find((x) => x.name === tok.image);
  if (s) return `**${s.label}** — shape\n\n${s.doc}`;
  const d = GIVEN_DOMAINS.find((x) => x.name === tok.image);
  if (d) return `**${d.name}** — domain\n\n${d.doc}`;
  return undefined;
}

/**
 * Hover inside a `check`: the static shape of the smallest expression under the cursor and of both sides,
 * and, after a run, the outcome and both sides at the worst point.
 */
export function checkHover(a: Analysis, decl: DerivationDecl, off: number, text: string, run?: { res: BlockResult; stale: boolean }): { value: string; span?: Span } | undefined {
  const checks = decl.body.filter((st) => st.kind === 'check');
  const index = checks.findIndex((st) => contains(st.span, off));
  if (index < 0) return undefined;
  const st = checks[index];
  let shapes: ReturnType<typeof derivationShapes>;
  try { shapes = derivationShapes(decl, derivationLets(a.fileLets, a.uri)); } catch { return undefined; }
  const info = shapes.checks[index];
  const parts: string[] = [];
  let best: Span | undefined;
  for (const k of shapes.exprs.keys()) {
    const [start, end] = k.split(':').map(Number);
    if (start <= off && off <= end && contains(st.span, start) && (!best || end - start < best.end - best.start)) best = { start, end };
  }
  if (best && !(best.start === st.left.span.start && best.end === st.left.span.end) && !(best.start === st.right.span.start && best.end === st.right.span.end)) {
    parts.push(`\`${clip(text.slice(best.start, best.end))}\`: ${shapeText(shapes.exprs.get(spanKey(best))!)}`);
  }
  const side = (s: Span, sh: number[] | null | undefined) => `\`${clip(text.slice(s.start, s.end))}\`: ${sh ? shapeText(sh) : 'unknown (see the problems)'}`;
  parts.push(`check — left ${side(st.left.span, info?.left)}, right ${side(st.right.span, info?.right)}`);
  const outcome = run && !run.stale ? run.res.checks[index] : undefined;
  if (outcome) {
    // A failed check's message is already the diagnostic VS Code shows above this hover: say it failed,
    // show both sides in full, and do not print the sentence twice.
    const lines = [outcome.passed ? `last run: ${outcome.message}` : 'last run: ✗ fails — the problem above says at which draws and by how much'];
    if (outcome.left && outcome.right) lines.push('', 'at the worst point:', '```', `left  = ${outcome.left.text}`, `right = ${outcome.right.text}`, '```');
    parts.push(lines.join('\n'));
  }
  return { value: parts.join('\n\n'), span: best };
}

/** Signature help of a tensor built-in: the overload that fits the arguments written so far. */
export function derivationSignatureHelp(call: CallContext): lsp.SignatureHelp | null {
  const b = DERIVE_BUILTIN_BY_NAME.get(call.callee);
  if (!b) return null;
  const sigs = b.signatures.map((label) => {
    const names = (label.match(/\((.*)\)/)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    const params: lsp.ParameterInformation[] = [];
    let at = label.indexOf('(') + 1;
    for (const n of names) { const i = label.indexOf(n, at); params.push({ label: [i, i + n.length] }); at = i + n.length; }
    return { label, documentation: md(b.doc), parameters: params, arity: names.length };
  });
  // The first overload with room for the argument under the cursor (max(A, B) once a comma is typed).
  let active = sigs.findIndex((s) => s.arity > call.argIndex);
  if (active < 0) active = 0;
  return {
    signatures: sigs.map(({ label, documentation, parameters }) => ({ label, documentation, parameters })),
    activeSignature: active, activeParameter: Math.min(call.argIndex, Math.max(0, sigs[active].arity - 1)),
  };
}

/** The `T` of each `.T` and the callee of each built-in call in derivation blocks, for semantic tokens. */
export function derivationLibrarySpans(a: Analysis, tokens: IToken[]): Span[] {
  const out: Span[] = [];
  const derivations = a.parse.file.items.filter((i) => i.kind === 'derivation');
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.tokenType !== T.Identifier || !derivations.some((d) => contains(d.span, t.startOffset))) continue;
    const isTranspose = t.image === 'T' && tokens[i - 1].tokenType === T.Dot;
    const isCall = DERIVE_BUILTIN_BY_NAME.has(t.image) && tokens[i + 1]?.tokenType === T.LParen && tokens[i - 1].tokenType !== T.Dot;
    if ((isTranspose || isCall) && !a.refs.some((r) => r.span.start === t.startOffset)) out.push({ start: t.startOffset, end: tokEnd(t) });
  }
  return out;
}

function clip(s: string): string { const one = s.replace(/\s+/g, ' '); return one.length > 50 ? `${one.slice(0, 47)}…` : one; }

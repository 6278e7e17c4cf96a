// Pieces of the .tlab parser that are not grammar rules: token sets that start or cannot start a
// statement, operator precedences and the shunting-yard tree builder, spans of tokens, and the
// wording of syntax errors.
import type { IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain';
import * as T from './lexer';
import type { BinaryOp, CheckStmt, DomainName, ExpectStmt, Expr, GivenStmt, LetStmt, PlotStmt, SolveStmt, Span, SweepStmt } from './ast';

export interface ParseError {
  span: Span; message: string;
  /** stray tokens (dropped when another error explains them) */ junk?: boolean;
  /** edits that fix it (a misspelt keyword) */ fixes?: { title: string; span: Span; newText: string }[];
}

/** Keywords that begin a statement, and what the next token of such a statement is. */
const STATEMENT_STARTS = [T.Import, T.Let, T.Experiment, T.Derivation, T.Sweep, T.Solve, T.Simulate, T.Plot, T.Expect, T.Given, T.Check];

/** Edit distance with adjacent transpositions (`experimnt`, `slove`). */
function typoDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * A name that begins a line and is followed by a name or a string can only be a misspelt statement
 * keyword (`experimnt a {`, `lte x = 1`): it is read as the nearest keyword, so the rest of the statement
 * parses and is checked, and reported once with the correction as a fix (instead of a cascade of errors).
 */
export function fixMisspeltKeywords(tokens: IToken[], text: string): ParseError[] {
  const tab = T.tokenTable(tokens);
  const out = fixMisspeltKeywordsIn(tab, text);
  if (out.length) for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].tokenTypeIdx !== tab.type[i]) { tokens[i].tokenType = T.tokenTypeByIdx[tab.type[i]]; tokens[i].tokenTypeIdx = tab.type[i]; }
  }
  return out;
}

/** fixMisspeltKeywords on a token table (retags the table). */
export function fixMisspeltKeywordsIn(tab: T.TokenTable, text: string): ParseError[] {
  const out: ParseError[] = [];
  const ident = T.Identifier.tokenTypeIdx!, str = T.StringLit.tokenTypeIdx!;
  for (let i = 0; i + 1 < tab.n; i++) {
    if (tab.type[i] !== ident || (tab.type[i + 1] !== ident && tab.type[i + 1] !== str)) continue;
    const image = tab.image[i], start = tab.start[i];
    const prevEnd = i ? tab.start[i - 1] + tab.image[i - 1].length : 0;
    if (i && !text.slice(prevEnd, start).includes('\n')) continue;
    let best: TokenType | undefined, bestD = Infinity;
    for (const k of STATEMENT_STARTS) {
      const word = (k.LABEL ?? '').replace(/'/g, '');
      const d = typoDistance(image, word);
      if (d < bestD && d <= (word.length <= 4 ? 1 : 2)) { best = k; bestD = d; }
    }
    if (!best) continue;
    const word = (best.LABEL ?? '').replace(/'/g, '');
    const span = { start, end: start + image.length };
    out.push({ span, message: `unknown keyword \`${image}\` — did you mean \`${word}\`?`, fixes: [{ title: `Change to '${word}'`, span, newText: word }] });
    tab.type[i] = best.tokenTypeIdx!;
  }
  return out;
}

export type AnyStmt = LetStmt | SweepStmt | SolveStmt | PlotStmt | ExpectStmt | GivenStmt | CheckStmt;

export const DOMAINS: DomainName[] = ['real', 'positive', 'unit', 'simplex', 'spd'];
export const DEVICES = ['gpu', 'cpu', 'auto'];

export const statementStarts = [T.Let, T.Sweep, T.Solve, T.Simulate, T.Plot, T.Expect, T.Given, T.Check];
export const topStarts = [T.Import, T.Let, T.Experiment, T.Derivation];
/** Tokens that cannot start a statement inside a block (the block's `}` and the top-level keywords end it). */
export const blockJunk = T.allTokens.filter((t) => t !== T.BinaryOperator && t !== T.PrefixOperator && t !== T.WhiteSpace && t !== T.LineComment && t !== T.BlockComment
  && t !== T.UnterminatedComment && t !== T.UnterminatedString && t !== T.RCurly
  && !statementStarts.includes(t) && !topStarts.includes(t));
/** At top level everything but the four top-level keywords is junk (statements are parsed and rejected). */
export const topJunk = blockJunk.filter((t) => !statementStarts.includes(t)).concat([T.RCurly]);

/** The lexer tracks start offsets only (faster); a token ends where its image does. */
export function tokEnd(t: IToken): number { return t.startOffset + t.image.length; }

export const PREC: Record<string, number> = {
  or: 1, and: 2, '==': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4, '≈': 4, '+': 5, '-': 5, '*': 6, '/': 6, '@': 6,
};
export const PREFIX_PREC = { not: 3, sign: 7 };

export function tokenSpan(t: IToken): Span {
  if (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset)) return { start: -1, end: -1 };
  return { start: t.startOffset, end: tokEnd(t) };
}
export const valid = (s: Span) => s.start >= 0 && !Number.isNaN(s.start);

export function unaryNode(op: IToken, operand: Expr): Expr {
  const os = tokenSpan(op);
  const end = valid(operand.span) ? operand.span.end : os.end;
  return { kind: 'unary', op: op.image as '-' | '+' | 'not', operand, span: { start: os.start, end } };
}

export function binaryNode(op: BinaryOp, left: Expr, right: Expr, opSpan: Span): Expr {
  const start = valid(left.span) ? left.span.start : opSpan.start;
  const end = valid(right.span) ? right.span.end : opSpan.end;
  return { kind: 'binary', op, left, right, opSpan, span: { start, end } };
}

/** Shunting-yard over `prefix* operand (op prefix* operand)*`. */
/** The operator a token stands for: `~=` is the ASCII spelling of `≈`. */
const opOf = (t: IToken): string => (t.tokenType === T.Approx ? '≈' : t.image);

export function buildExpr(seq: (Expr | IToken)[]): Expr {
  // `a op b` and `-a`, the usual cases, without the stacks (the same nodes the general loop builds)
  if (seq.length === 3 && seq[0] && seq[1] && seq[2] && 'kind' in seq[0] && !('kind' in seq[1]) && 'kind' in seq[2]) {
    const tok = seq[1] as IToken;
    return binaryNode(opOf(tok) as BinaryOp, seq[0] as Expr, seq[2] as Expr, tokenSpan(tok));
  }
  if (seq.length === 2 && seq[0] && seq[1] && !('kind' in seq[0]) && 'kind' in seq[1]) return unaryNode(seq[0] as IToken, seq[1] as Expr);
  const out: Expr[] = [];
  const ops: { tok: IToken; prec: number; unary: boolean }[] = [];
  const apply = () => {
    const o = ops.pop()!;
    if (o.unary) { out.push(unaryNode(o.tok, out.pop() ?? errorExpr())); return; }
    const right = out.pop() ?? errorExpr(), left = out.pop() ?? errorExpr();
    out.push(binaryNode(opOf(o.tok) as BinaryOp, left, right, tokenSpan(o.tok)));
  };
  let expectOperand = true;
  for (const item of seq) {
    if (!item) continue;
    if ('kind' in item) { out.push(item); expectOperand = false; continue; }
    const tok = item as IToken;
    if (expectOperand) { ops.push({ tok, prec: tok.tokenType === T.Not ? PREFIX_PREC.not : PREFIX_PREC.sign, unary: true }); continue; }
    const p = PREC[opOf(tok)] ?? 0;
    while (ops.length && ops[ops.length - 1].prec >= p) apply();
    ops.push({ tok, prec: p, unary: false });
    expectOperand = true;
  }
  while (ops.length) apply();
  return out.pop() ?? errorExpr();
}

export const invalid: Span = { start: -1, end: -1 };
export const errorExpr = (): Expr => ({ kind: 'error', span: { ...invalid } });

/** While a chunk is parsed: the token after it (the parser sees an end of input there). */
let nextAfterChunk: IToken | undefined;
/** Set by the chunk driver (parser.ts) while it parses one chunk. */
export function setNextAfterChunk(t: IToken | undefined): void { nextAfterChunk = t; }

export function describeToken(t: IToken | undefined): string {
  if ((!t || t.tokenType === chevrotain.EOF) && nextAfterChunk) return `'${nextAfterChunk.image}'`;
  if (!t || t.tokenType === chevrotain.EOF) return 'the end of the file';
  return `'${t.image.length > 24 ? t.image.slice(0, 24) + '…' : t.image}'`;
}

export const EXPR_RULES = new Set(['expr', 'prefixOp', 'binaryOp', 'power', 'postfix', 'primary', 'arg']);

export const errorMessages = {
  buildMismatchTokenMessage({ expected, actual }: { expected: TokenType; actual: IToken }): string {
    return `expected ${expected.LABEL ?? expected.name} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }: { firstRedundant: IToken }): string {
    return `unexpected ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ actual, ruleName }: { actual: IToken[]; ruleName: string }): string {
    const what = EXPR_RULES.has(ruleName) ? 'an expression' : `a ${ruleName}`;
    return `expected ${what} but found ${describeToken(actual?.[0])}`;
  },
  buildEarlyExitMessage({ actual, ruleName }: { actual: IToken[]; ruleName: string }): string {
    return `expected ${ruleName} but found ${describeToken(actual?.[0])}`;
  },
};

// ---- nesting limits ------------------------------------------------------------------------------
// The grammar recurses once per bracket level and per `^` of a chain, and every consumer of the AST
// (checker, evaluator, formatter) recurses once per tree level. Input can nest arbitrarily deep, so
// both are capped: a group nested past MAX_NESTING is parsed as one error node, and an expression
// whose tree is deeper than MAX_EXPR_DEPTH becomes an error node; each gets one diagnostic.

/** Bracket levels plus `^` levels the grammar descends into. */
export const MAX_NESTING = 100;
/** Levels of one expression tree (`1+1+…` is as deep as it is long). */
export const MAX_EXPR_DEPTH = 250;
export const nestingMessage = (what: string, n: number) => `expression nested deeper than ${n} levels (${what}); split it with \`let\``;

/** A placeholder token for a collapsed over-deep group: it parses as one error node spanning the group. */
export interface CollapsedToken extends IToken { collapsedEnd: number; collapsedWhat: string }
export const isCollapsed = (t: IToken): t is CollapsedToken => (t as CollapsedToken).collapsedEnd !== undefined;

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket]);
/** Tokens that end an expression at its own level (a `^` chain stops there). */
const ENDS_CHAIN = new Set<TokenType>([T.Comma, T.Assign, T.LCurly, T.RCurly, T.Within, T.Where, ...statementStarts, ...topStarts]);
const BINARY_TOKENS = new Set<TokenType>(T.allTokens.filter((t) => t.CATEGORIES?.includes(T.BinaryOperator) ?? false));
/** Tokens that end a `^` chain or are binary operators (one set lookup per token in the hot loop). */
const ENDS_CHAIN_OR_BINARY = new Set<TokenType>([...ENDS_CHAIN, ...BINARY_TOKENS]);
/** Tokens that never occur inside an expression: nesting restarts there. */
const STRUCTURAL = new Set<TokenType>([T.LCurly, T.RCurly, ...statementStarts, ...topStarts]);
/** Tokens that end an operand: a `(` or `[` after one is a call's or an index's bracket (postfix), not a group. */
const ENDS_OPERAND = new Set<TokenType>([T.Identifier, T.PrimeName, T.NumberLit, T.StringLit, T.RParen, T.RBracket]);

// The same classes by token type index, for the scan over every token (a typed-array read instead
// of up to four set lookups per token).
const OPENER = 1, CLOSER = 2, CARET = 4, ENDS = 8, STRUCT = 16;
const tokenClass = new Uint8Array(1 + Math.max(...T.allTokens.map((t) => t.tokenTypeIdx ?? 0)));
for (const tt of T.allTokens) {
  tokenClass[tt.tokenTypeIdx!] = (OPENERS.has(tt) ? OPENER : 0) | (CLOSERS.has(tt) ? CLOSER : 0) | (tt === T.Caret ? CARET : 0)
    | (ENDS_CHAIN_OR_BINARY.has(tt) ? ENDS : 0) | (STRUCTURAL.has(tt) ? STRUCT : 0);
}

/** Whether collapseDeepNesting would change anything: the same count, stopping at the first over-deep group. */
export function nestsTooDeep(tab: T.TokenTable): boolean {
  let depth = 0;
  const carets: number[] = [0];
  let nesting = 0;
  for (let i = 0; i < tab.n; i++) {
    const cls = tokenClass[tab.type[i]];
    if (cls & OPENER) { depth++; carets.push(0); nesting++; if (nesting > MAX_NESTING) return true; }
    else if (cls & CLOSER) { if (depth > 0) { nesting -= 1 + carets.pop()!; depth--; } }
    else if (cls & CARET) { carets[carets.length - 1]++; nesting++; if (nesting > MAX_NESTING) return true; }
    else if (cls & ENDS) {
      nesting -= carets[carets.length - 1]; carets[carets.length - 1] = 0;
      if (cls & STRUCT) { depth = 0; if (carets.length !== 1) carets.length = 1; carets[0] = 0; nesting = 0; }
    }
  }
  return false;
}

/**
 * Replaces every group nested deeper than MAX_NESTING (counting brackets and `^` chains) by one
 * placeholder token; returns the tokens unchanged (same array) when nothing is too deep. The
 * placeholder parses as a number, so it must stand where an operand can: a group in operand position
 * (`((…`, `[[…`) is replaced whole, but the brackets of a call or an index (`exp(exp(…`, `x[x[…`) are
 * kept around a placeholder for their contents. Replacing those too left `exp <number>`, two operands
 * in a row, whose error recovery 100 levels down overflowed the stack, and the message blamed `exp`.
 */
export function collapseDeepNesting(tokens: IToken[]): IToken[] {
  let out: IToken[] | undefined;
  let depth = 0;
  const carets: number[] = [0]; // `^` run at each bracket level
  let nesting = 0; // depth + sum of caret runs
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i], tt = tok.tokenType;
    const cls = tokenClass[tt.tokenTypeIdx!];
    let deep = false;
    if (cls & OPENER) { depth++; carets.push(0); nesting++; deep = nesting > MAX_NESTING; }
    else if (cls & CLOSER) { if (depth > 0) { nesting -= 1 + carets.pop()!; depth--; } }
    else if (cls & CARET) { carets[carets.length - 1]++; nesting++; deep = nesting > MAX_NESTING; }
    else if (cls & ENDS) {
      nesting -= carets[carets.length - 1]; carets[carets.length - 1] = 0;
      if (cls & STRUCT) { depth = 0; if (carets.length !== 1) carets.length = 1; carets[0] = 0; nesting = 0; }
    }
    if (!deep) { out?.push(tok); continue; }
    // Swallow the group: to the matching close for a bracket, to the end of the chain for `^`.
    out ??= tokens.slice(0, i);
    const opener = tt !== T.Caret;
    const startIdx = opener ? i : i + 1;
    let j = startIdx, level = 0, closed = false;
    for (; j < tokens.length; j++) {
      const u = tokens[j].tokenType;
      if (STRUCTURAL.has(u)) break; // never inside an expression
      if (OPENERS.has(u)) level++;
      else if (CLOSERS.has(u)) { if (level === 0) break; level--; if (level === 0 && opener) { j++; closed = true; break; } }
      else if (level === 0 && (ENDS_CHAIN.has(u) || (!opener && BINARY_TOKENS.has(u)))) break;
    }
    if (!opener) out.push(tok);
    if (j === startIdx) { if (opener) { depth--; nesting -= 1 + carets.pop()!; } continue; } // nothing to swallow
    const postfix = opener && i > 0 && ENDS_OPERAND.has(tokens[i - 1].tokenType);
    // The message points at the token that crossed the limit: the bracket, or the first token after `^`.
    const first = tokens[startIdx];
    const innerEnd = closed ? j - 1 : j; // the contents of a postfix bracket end before its close
    const last = postfix ? tokens[Math.max(innerEnd - 1, i)] : tokens[j - 1];
    const placeholder: CollapsedToken = {
      ...first, image: first.image, tokenType: T.NumberLit, tokenTypeIdx: T.NumberLit.tokenTypeIdx!,
      collapsedEnd: tokEnd(last), collapsedWhat: opener ? 'brackets' : '`^` chain',
    };
    if (postfix) out.push(tok, placeholder, ...(closed ? [tokens[j - 1]] : []));
    else out.push(placeholder);
    // The swallowed group leaves the levels it opened.
    if (opener) { depth--; nesting -= 1 + carets.pop()!; }
    i = j - 1;
  }
  return out ?? tokens;
}

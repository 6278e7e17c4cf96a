// Formatter of .tlab files. It re-spaces the token stream line by line and re-indents by block depth
// (continuation lines align after their open parenthesis), keeping line breaks (at most one blank
// line), comments and every token as written: since the token sequence is unchanged the meaning is
// too, and applying it twice changes nothing. Files with syntax errors are left alone.
import type { IToken, TokenType } from 'chevrotain';
import * as T from './lexer';
import { parseTlab } from './parser';

const BINARY = new Set([T.Plus, T.Minus, T.Star, T.Slash, T.At, T.Eq, T.Neq, T.Le, T.Ge, T.Lt, T.Gt, T.Approx, T.Assign, T.And, T.Or]);
const OPENERS = new Set([T.LParen, T.LBracket]);
const CLOSERS = new Set([T.RParen, T.RBracket]);

interface Tok { type: TokenType; image: string; start: number; comment: boolean }

function isUnaryContext(prev: Tok | undefined): boolean {
  if (!prev || prev.comment) return true;
  return BINARY.has(prev.type) || OPENERS.has(prev.type) || prev.type === T.Comma || prev.type === T.Caret
    || prev.type === T.LCurly || prev.type === T.Colon || T.keywordTokens.includes(prev.type);
}

/** The spacing between two tokens on one line ('' or ' '). */
function gap(a: Tok, b: Tok, aUnary: boolean): string {
  if (b.comment) return ' ';
  if (a.comment) return ' ';
  if (b.type === T.Comma || CLOSERS.has(b.type) || b.type === T.Colon) return '';
  if (OPENERS.has(a.type)) return '';
  if (a.type === T.Dot || b.type === T.Dot) return '';
  if (a.type === T.Caret || b.type === T.Caret) return '';
  if ((a.type === T.Minus || a.type === T.Plus) && aUnary) return '';
  if (OPENERS.has(b.type)) {
    // calls and indexing stick to their callee: f(x), v[0], f(x)(y)
    if (a.type === T.Identifier || a.type === T.PrimeName || CLOSERS.has(a.type)) return '';
    return ' ';
  }
  return ' ';
}

/** How to indent: the editor's `tabSize` / `insertSpaces` (FormattingOptions); two spaces by default. */
export interface IndentOptions { tabSize?: number; insertSpaces?: boolean }

/** One formatted source line: the offsets of its first token's line start and last token's end, and the new text. */
export interface FormattedLine { lineStart: number; end: number; text: string }

export function formatTlab(text: string, opts: IndentOptions = {}): string | undefined {
  const lines = formatTlabLines(text, opts);
  if (!lines) return undefined;
  const out: string[] = [];
  let prevEnd = 0;
  for (const l of lines) {
    // At most one blank line kept between lines; none at the start of the file.
    if (out.length && countBlankLines(text, prevEnd, l.lineStart) > 0) out.push('');
    out.push(l.text);
    prevEnd = l.end;
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The formatted text of every source line holding tokens (range formatting replaces only some of them). */
export function formatTlabLines(text: string, opts: IndentOptions = {}): FormattedLine[] | undefined {
  const parsed = parseTlab(text);
  if (parsed.errors.length) return undefined;
  const unit = opts.insertSpaces === false ? '\t' : ' '.repeat(Math.max(1, Math.min(16, Math.floor(opts.tabSize ?? 2))));
  const toks: Tok[] = [
    ...parsed.tokens.map((t: IToken) => ({ type: t.tokenType, image: t.image, start: t.startOffset, comment: false })),
    ...parsed.comments.map((t: IToken) => ({ type: t.tokenType, image: t.image, start: t.startOffset, comment: true })),
  ].sort((x, y) => x.start - y.start);

  const out: FormattedLine[] = [];
  let depth = 0;          // braces
  // Just after each open ( or [: the indent of its line and the output column (continuation lines align there).
  const parens: { prefix: string; col: number }[] = [];
  let i = 0;
  while (i < toks.length) {
    // The tokens starting on the current source line.
    const lineNo = lineOf(text, toks[i].start);
    const line: Tok[] = [];
    while (i < toks.length && lineOf(text, toks[i].start) === lineNo) line.push(toks[i++]);
    const first = line[0];
    let indentDepth = depth;
    if (first.type === T.RCurly) indentDepth = Math.max(0, depth - 1);
    let indent: string;
    const open = parens[parens.length - 1];
    // block depth in the editor's unit; alignment under an open paren in spaces after its line's indent
    if (open) indent = open.prefix + ' '.repeat(Math.max(0, open.col - open.prefix.length - (CLOSERS.has(first.type) ? 1 : 0)));
    else indent = unit.repeat(indentDepth);
    const prefix = indent;
    let s = indent;
    let prev: Tok | undefined;
    let prevUnary = false;
    for (const tk of line) {
      if (prev) {
        // Keep the author's gap before a trailing comment (aligned comment columns survive).
        if (tk.comment && tk.type === T.LineComment) {
          const prevEnd = prev.start + prev.image.length;
          s += ' '.repeat(Math.max(1, tk.start - prevEnd));
        } else s += gap(prev, tk, prevUnary);
      }
      const unary = !tk.comment && (tk.type === T.Minus || tk.type === T.Plus) && isUnaryContext(prev);
      s += tk.image;
      if (!tk.comment) {
        if (OPENERS.has(tk.type)) parens.push({ prefix: open ? open.prefix : prefix, col: s.length });
        else if (CLOSERS.has(tk.type)) parens.pop();
        else if (tk.type === T.LCurly) depth++;
        else if (tk.type === T.RCurly) depth = Math.max(0, depth - 1);
      }
      prev = tk;
      prevUnary = unary;
    }
    const last = line[line.length - 1];
    out.push({ lineStart: text.lastIndexOf('\n', first.start - 1) + 1, end: last.start + last.image.length, text: s.replace(/[ \t]+$/, '') });
  }
  return out;
}

// Line numbers by offset, computed once per text (the formatter asks for every token).
let cachedText = '';
let lineStarts: number[] = [];
function lineOf(text: string, offset: number): number {
  if (text !== cachedText) {
    cachedText = text;
    lineStarts = [0];
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  }
  let lo = 0, hi = lineStarts.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1; }
  return lo;
}

function countBlankLines(text: string, from: number, to: number): number {
  const between = text.slice(from, to);
  const newlines = (between.match(/\n/g) ?? []).length;
  return Math.max(0, newlines - 1);
}

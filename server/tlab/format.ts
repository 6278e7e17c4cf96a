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

export function formatTlab(text: string): string | undefined {
  const parsed = parseTlab(text);
  if (parsed.errors.length) return undefined;
  const toks: Tok[] = [
    ...parsed.tokens.map((t: IToken) => ({ type: t.tokenType, image: t.image, start: t.startOffset, comment: false })),
    ...parsed.comments.map((t: IToken) => ({ type: t.tokenType, image: t.image, start: t.startOffset, comment: true })),
  ].sort((x, y) => x.start - y.start);

  const out: string[] = [];
  let depth = 0;          // braces
  const parens: number[] = []; // output columns just after each open ( or [
  let i = 0;
  let lineStartOffset = 0;
  let pendingBlank = false;
  while (i < toks.length) {
    // The tokens starting on the current source line.
    const lineNo = lineOf(text, toks[i].start);
    const line: Tok[] = [];
    while (i < toks.length && lineOf(text, toks[i].start) === lineNo) line.push(toks[i++]);
    // Blank lines before this one (at most one kept; none at the start of the file).
    const blanks = countBlankLines(text, lineStartOffset, line[0].start);
    if (blanks > 0 && out.length) pendingBlank = true;
    if (pendingBlank) { out.push(''); pendingBlank = false; }
    const first = line[0];
    let indentDepth = depth;
    if (first.type === T.RCurly) indentDepth = Math.max(0, depth - 1);
    let indent: number;
    if (parens.length && !CLOSERS.has(first.type)) indent = parens[parens.length - 1];
    else if (parens.length && CLOSERS.has(first.type)) indent = Math.max(0, parens[parens.length - 1] - 1);
    else indent = indentDepth * 2;
    let s = ' '.repeat(indent);
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
        if (OPENERS.has(tk.type)) parens.push(s.length);
        else if (CLOSERS.has(tk.type)) parens.pop();
        else if (tk.type === T.LCurly) depth++;
        else if (tk.type === T.RCurly) depth = Math.max(0, depth - 1);
      }
      prev = tk;
      prevUnary = unary;
    }
    out.push(s.replace(/[ \t]+$/, ''));
    const last = line[line.length - 1];
    lineStartOffset = last.start + last.image.length;
  }
  return out.length ? out.join('\n') + '\n' : '';
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

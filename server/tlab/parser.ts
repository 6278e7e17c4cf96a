// Parser of the .tlab language: lexes, splits the tokens into top-level chunks (reused across edits when
// their text did not change), parses each chunk with the grammar (grammar.ts, grammarExpr.ts) and
// returns the typed AST of ast.ts with character spans plus every syntax error, never throwing.
import type { IToken, IRecognitionException } from 'chevrotain';
import { chevrotain } from '../chevrotain';
import * as T from './lexer';
import type { Span, TlabFile, TopLevel } from './ast';
import { ParseError, describeToken, tokEnd, topStarts, setNextAfterChunk } from './parseSupport';
import { collapseDeepNesting, fixMisspeltKeywords, fixMisspeltKeywordsIn, isCollapsed, nestsTooDeep } from './parseSupport';
import { TlabParser } from './grammar';
import { fastParseTable } from './fastParse';

export type { ParseError } from './parseSupport';
export { tokEnd } from './parseSupport';
export interface ParseResult { file: TlabFile; errors: ParseError[]; comments: IToken[]; tokens: IToken[] }

let shared: TlabParser | undefined;
function parser(): TlabParser {
  return (shared ??= new TlabParser());
}

interface ChunkResult { start: number; items: TopLevel[]; errors: ParseError[] }

/** Parses tokens[lo, hi) with the chevrotain grammar: recovery and every syntax error come from here. */
export function parseChunkWithGrammar(p: TlabParser, text: string, tokens: IToken[], lo: number, hi: number): ChunkResult {
  p.text = text;
  p.extra = [];
  p.items = [];
  p.currentBlock = undefined;
  const errors: ParseError[] = [];
  setNextAfterChunk(tokens[hi]);
  let from = lo;
  // Normally one pass; when recovery gives up before the end, report the spot, skip to the next
  // top-level keyword and parse again, so the rest of the chunk is still checked.
  for (let guard = 0; from < hi && guard < 10000; guard++) {
    p.input = from === 0 && hi === tokens.length ? tokens : tokens.slice(from, hi);
    try {
      p.file();
    } catch (e) {
      if (process.env.TLAB_DEBUG) console.error(e);
      p.extra.push({ span: { start: tokens[from].startOffset, end: tokEnd(tokens[from]) }, message: `internal parser error: ${(e as Error).message}` });
      break;
    }
    p.flushPending();
    let stopped = -1;
    for (const e of p.errors as IRecognitionException[]) {
      if (e.name === 'NotAllInputParsedException') { stopped = from + Math.max(0, (p as any).currIdx + 1); continue; }
      errors.push({ span: errorSpan(e, text), message: e.message });
    }
    if (stopped < 0 || stopped >= hi) break;
    const bad = tokens[stopped];
    p.extra.push({ span: { start: bad.startOffset, end: tokEnd(bad) }, message: `unexpected ${describeToken(bad)}` });
    let next = stopped + 1;
    while (next < hi && !topStarts.includes(tokens[next].tokenType)) next++;
    from = next;
  }
  setNextAfterChunk(undefined);
  // loops, not push(...xs), here and below: a chunk can hold more errors than a call takes arguments
  for (const e of p.extra) errors.push(e);
  const items = p.items;
  // Only recovery produces position-less nodes; a clean parse needs no repair walk.
  if (errors.length) fixSpans({ items, span: { start: 0, end: text.length } });
  return { start: tokens[lo].startOffset, items, errors };
}

/**
 * Top-level chunks: a top-level keyword at brace depth 0 starts one. Each chunk parses on its own,
 * so chunks whose text did not change since the last parse are reused (shifted when an edit above
 * moved them): a keystroke re-parses one block, not the file.
 */
function chunkBounds(types: ArrayLike<number>, n: number): number[] {
  const bounds = [0];
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const tt = types[i];
    if (tt === LCURLY) depth++;
    else if (tt === RCURLY) depth = Math.max(0, depth - 1);
    else if (depth === 0 && i > 0 && CHUNK_START[tt]) bounds.push(i);
  }
  bounds.push(n);
  return bounds;
}
const LCURLY = T.LCurly.tokenTypeIdx!, RCURLY = T.RCurly.tokenTypeIdx!;
const CHUNK_START: boolean[] = [];
for (const tt of [T.Experiment, T.Derivation, T.Let, T.Import]) CHUNK_START[tt.tokenTypeIdx!] = true;

const chunkCache = new Map<string, ChunkResult>();
const CHUNK_CACHE_LIMIT = 4000;

/** Forgets reusable chunk parses (tests compare cached and fresh parses). */
export function clearParseCache(): void { chunkCache.clear(); }

let fastPathEnabled = true;
/** Turns the hand-written fast path off (tests compare it with the grammar); clears the cache. */
export function useFastPath(enabled: boolean): void { fastPathEnabled = enabled; chunkCache.clear(); }

/**
 * A deep copy of AST nodes/errors with every span moved by `delta` (runs for every chunk below an
 * edit on each keystroke, so it avoids per-object key arrays and recursing into primitives).
 */
function shifted<T>(v: T, delta: number): T {
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = shifted(v[i], delta);
    return out as unknown as T;
  }
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2) {
    return { start: (o.start as number) + delta, end: (o.end as number) + delta } as unknown as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const x = o[k];
    out[k] = x !== null && typeof x === 'object' ? shifted(x, delta) : x;
  }
  return out as T;
}

/** Parses a whole .tlab document. Never throws: syntax errors come back in `errors` with their spans. */
export function parseTlab(text: string): ParseResult {
  const lexed = T.lexTable(text);
  const tab = lexed.table;
  // over-deep groups become placeholder tokens before the grammar sees them (parseSupport.ts): that
  // rare case works on token objects
  if (nestsTooDeep(tab)) return parseTokens(text, T.tableTokens(tab), lexed);
  const errors: ParseError[] = [...lexed.errors, ...fixMisspeltKeywordsIn(tab, text)];
  // Token objects only when something needs them: the grammar (a chunk with a syntax error) or a
  // consumer of `tokens`; made once and shared.
  let objects: IToken[] | undefined;
  const tokens = () => (objects ??= T.tableTokens(tab));
  const items = parseChunks(text, tab.n, tab.type, (k) => tab.start[k], (k) => tab.image[k], errors, (lo, hi) => {
    const fast = fastPathEnabled ? fastParseTable(tab, lo, hi) : undefined;
    if (fast) return { start: tab.start[lo], items: fast, errors: [] };
    return parseChunkWithGrammar(parser(), text, tokens(), lo, hi);
  });
  return {
    ...finish(text, items, errors), comments: lexed.comments,
    get tokens() { return tokens(); },
  };
}

/** The token-object path (a file with over-deep nesting): the same steps on collapsed tokens. */
function parseTokens(text: string, lexedTokens: IToken[], lexed: T.LexTable): ParseResult {
  const p = parser();
  const tokens = collapseDeepNesting(lexedTokens);
  const errors: ParseError[] = [...lexed.errors, ...fixMisspeltKeywords(tokens, text)];
  // One table and one set of placeholders for every chunk: made per chunk (fastParseChunk), a file
  // of 8,000 lets with one over-deep group took 12 s.
  const tab = T.tokenTable(tokens);
  const collapsed = new Set<number>();
  for (let k = 0; k < tokens.length; k++) if (isCollapsed(tokens[k])) collapsed.add(k);
  const items = parseChunks(text, tab.n, tab.type, (k) => tab.start[k], (k) => tab.image[k], errors, (lo, hi) => {
    // A chunk without syntax errors (nearly all of them) is read by the hand-written fast path.
    const fast = fastPathEnabled ? fastParseTable(tab, lo, hi, collapsed) : undefined;
    if (fast) return { start: tab.start[lo], items: fast, errors: [] };
    return parseChunkWithGrammar(p, text, tokens, lo, hi);
  });
  return { ...finish(text, items, errors), comments: lexed.comments, tokens: lexedTokens };
}

/** Splits the tokens into top-level chunks and parses each, reusing the cached parse of unchanged chunks. */
function parseChunks(text: string, n: number, types: ArrayLike<number>, startOf: (k: number) => number, imageOf: (k: number) => string,
  errors: ParseError[], parse: (lo: number, hi: number) => ChunkResult): TopLevel[] {
  const items: TopLevel[] = [];
  if (n) {
    const bounds = chunkBounds(types, n);
    if (chunkCache.size > CHUNK_CACHE_LIMIT) chunkCache.clear();
    for (let c = 0; c + 1 < bounds.length; c++) {
      const lo = bounds[c], hi = bounds[c + 1];
      const start = startOf(lo);
      const end = hi < n ? startOf(hi) : text.length;
      // The chunk's text and what follows it (messages name the next token) identify its parse.
      const key = `${text.slice(start, end)}\u0000${hi < n ? imageOf(hi) : ''}`;
      let r = chunkCache.get(key);
      if (!r) { r = parse(lo, hi); chunkCache.set(key, r); }
      else if (r.start !== start) { r = { start, items: shifted(r.items, start - r.start), errors: shifted(r.errors, start - r.start) }; chunkCache.set(key, r); }
      for (const it of r.items) items.push(it);
      for (const e of r.errors) errors.push(e);
    }
  }
  return items;
}

function finish(text: string, items: TopLevel[], errors: ParseError[]): { file: TlabFile; errors: ParseError[] } {
  const file: TlabFile = { items, span: { start: 0, end: text.length } };
  errors.sort((a, b) => a.span.start - b.span.start);
  // One error per position is enough (recovery can report the same spot twice), and stray tokens
  // right where a real syntax error was reported are part of that error.
  const unique = errors.filter((e, i) => (i === 0 || e.span.start !== errors[i - 1].span.start || e.message !== errors[i - 1].message)
    && !(e.junk && errors.some((o) => !o.junk && o.span.start >= e.span.start && o.span.start < e.span.end)))
    .map((e) => ({ span: clampSpan(e.span, text.length), message: e.message, ...(e.fixes ? { fixes: e.fixes } : {}) }));
  return { file, errors: unique };
}

/** A span inside the text whatever recovery produced (never negative, never past the end). */
function clampSpan(s: Span, len: number): Span {
  const start = Number.isFinite(s.start) ? Math.min(Math.max(0, s.start), len) : 0;
  const end = Number.isFinite(s.end) ? Math.min(Math.max(start, s.end), len) : start;
  return { start, end };
}

function errorSpan(e: IRecognitionException, text: string): Span {
  const t = e.token;
  if (!t || t.tokenType === chevrotain.EOF || Number.isNaN(t.startOffset) || t.image === undefined) {
    const prev = (e as any).previousToken as IToken | undefined;
    const end = prev && prev.image !== undefined && !Number.isNaN(prev.startOffset) ? tokEnd(prev) : text.length;
    return { start: Math.max(0, end - 1), end };
  }
  // A token on the next line is not where the user went wrong: point at the end of the previous one.
  const prev = (e as any).previousToken as IToken | undefined;
  if (prev && prev.image !== undefined && !Number.isNaN(prev.startOffset) && text.slice(tokEnd(prev), t.startOffset).includes('\n')) {
    return { start: tokEnd(prev) - 1, end: tokEnd(prev) };
  }
  return { start: t.startOffset, end: tokEnd(t) };
}

/** Error nodes made by recovery carry no position; give them an empty span at the end of their parent. */
function fixSpans(file: TlabFile): void {
  const visit = (node: any, parentEnd: number): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const n of node) visit(n, parentEnd); return; }
    const span: Span | undefined = node.span;
    if (span && (span.start < 0 || Number.isNaN(span.start))) { node.span = { start: parentEnd, end: parentEnd }; }
    const end = node.span?.end ?? parentEnd;
    for (const k of Object.keys(node)) if (k !== 'span' && k !== 'nameSpan' && k !== 'opSpan') visit(node[k], end);
  };
  visit(file, file.span.end);
}

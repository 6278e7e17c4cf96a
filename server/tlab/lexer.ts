// Tokens of the .tlab language. Hard keywords start statements and blocks; words that only mean
// something in one position (`label`, `scale`, `on`, `at`, `points`, `vector`, domains, `log`…) stay
// identifiers so they remain usable as names (`log(x)`, `let scale = 2`). Comments are kept on their
// own channel for the formatter and semantic tokens.
import type { IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain';

const { createToken, Lexer } = chevrotain;

// Latin letters, `_`, Greek and Coptic, Greek Extended.
const letter = 'A-Za-z_\\u0370-\\u03FF\\u1F00-\\u1FFF';
const identSource = `[${letter}][${letter}0-9]*`;

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\u00a0\ufeff]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
/** `/*` without its end: kept as a comment (so the rest is not garbage) and reported by the parser. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'comments', line_breaks: true });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\n\r]|\\.)*"/, label: 'a string' });
/** `"…` up to the end of the line: becomes a string with an error, instead of swallowing the file. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*/, label: 'a string' });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?%?/, label: 'a number' });
/** `f'` — the derivative of a user function. */
export const PrimeName = createToken({ name: 'PrimeName', pattern: new RegExp(`${identSource}'`), label: "a derivative name like f'" });
export const Identifier = createToken({ name: 'Identifier', pattern: new RegExp(identSource), label: 'a name' });

/**
 * Token categories let the expression rule consume "any binary operator" / "any prefix operator" with
 * one CONSUME instead of an alternation per operator (much less work per token).
 */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });
export const PrefixOperator = createToken({ name: 'PrefixOperator', pattern: Lexer.NA, label: "'-', '+' or 'not'" });

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({ name: word[0].toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: [PrimeName, Identifier], label: `'${word}'`, categories });
}
export const Import = keyword('import');
export const Let = keyword('let');
export const Experiment = keyword('experiment');
export const Derivation = keyword('derivation');
export const Sweep = keyword('sweep');
export const Solve = keyword('solve');
export const Simulate = keyword('simulate');
export const Plot = keyword('plot');
export const Expect = keyword('expect');
export const Given = keyword('given');
export const Check = keyword('check');
export const Within = keyword('within');
export const Where = keyword('where');
export const And = keyword('and', [BinaryOperator]);
export const Or = keyword('or', [BinaryOperator]);
export const Not = keyword('not', [PrefixOperator]);

function punct(name: string, pattern: RegExp, label: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern, label: `'${label}'`, categories });
}
const B = [BinaryOperator];
export const Eq = punct('Eq', /==/, '==', B);
export const Neq = punct('Neq', /!=/, '!=', B);
export const Le = punct('Le', /<=/, '<=', B);
export const Ge = punct('Ge', />=/, '>=', B);
export const Lt = punct('Lt', /</, '<', B);
export const Gt = punct('Gt', />/, '>', B);
// `~=` is the ASCII spelling of `≈` (the parser reads both as `≈`)
export const Approx = punct('Approx', /≈|~=/, '≈', B);
export const Assign = punct('Assign', /=/, '=');
export const Plus = punct('Plus', /\+/, '+', [BinaryOperator, PrefixOperator]);
export const Minus = punct('Minus', /-/, '-', [BinaryOperator, PrefixOperator]);
export const Star = punct('Star', /\*/, '*', B);
export const Slash = punct('Slash', /\//, '/', B);
export const Caret = punct('Caret', /\^/, '^');
export const At = punct('At', /@/, '@', B);
export const LParen = punct('LParen', /\(/, '(');
export const RParen = punct('RParen', /\)/, ')');
export const LBracket = punct('LBracket', /\[/, '[');
export const RBracket = punct('RBracket', /\]/, ']');
export const LCurly = punct('LCurly', /\{/, '{');
export const RCurly = punct('RCurly', /\}/, '}');
export const Comma = punct('Comma', /,/, ',');
export const Dot = punct('Dot', /\./, '.');
export const Colon = punct('Colon', /:/, ':');

export const keywordTokens = [Import, Let, Experiment, Derivation, Sweep, Solve, Simulate, Plot, Expect, Given, Check, Within, Where, And, Or, Not];
export const keywords = keywordTokens.map((t) => (t.LABEL ?? '').replace(/'/g, ''));

export const allTokens: TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedComment, StringLit, UnterminatedString, NumberLit, PrimeName,
  ...keywordTokens, Identifier,
  Eq, Neq, Le, Ge, Lt, Gt, Approx, Assign, Plus, Minus, Star, Slash, Caret, At,
  LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Dot, Colon,
  BinaryOperator, PrefixOperator,
];

export const tlabLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });

export interface LexResult { tokens: IToken[]; comments: IToken[]; errors: { span: { start: number; end: number }; message: string }[] }

/** Control characters (NUL, a lone CR) written as escapes, so a message shows what is there. */
function visible(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---- hand-written scanner ---------------------------------------------------------------------------
// Produces exactly the tokens, comments and error runs of `tlabLexer` (first match in `allTokens`
// order, keywords yielding to longer names), dispatching on the first character instead of trying
// each pattern in turn: ~5× faster on large files. lexer.test.ts compares the two.

const stickyString = new RegExp(StringLit.PATTERN as RegExp, 'y');
const stickyUnterminatedString = new RegExp(UnterminatedString.PATTERN as RegExp, 'y');
const stickyNumber = new RegExp(NumberLit.PATTERN as RegExp, 'y');
const keywordByWord = new Map<string, TokenType>(keywordTokens.map((t) => [(t.LABEL ?? '').replace(/'/g, ''), t]));
const singleChar = new Map<number, TokenType>([
  ['+', Plus], ['-', Minus], ['*', Star], ['^', Caret], ['@', At], ['(', LParen], [')', RParen], ['[', LBracket], [']', RBracket],
  ['{', LCurly], ['}', RCurly], [',', Comma], [':', Colon], ['≈', Approx],
].map(([c, t]) => [(c as string).charCodeAt(0), t as TokenType]));

const singleImage = new Map<number, string>([...singleChar.keys()].map((c) => [c, String.fromCharCode(c)]));
// the same by character code below 128 (the scan's per-character test; `≈` stays in the maps)
const asciiSingle: (TokenType | undefined)[] = new Array(128).fill(undefined);
const asciiImage: (string | undefined)[] = new Array(128).fill(undefined);
for (const [c, tt] of singleChar) if (c < 128) { asciiSingle[c] = tt; asciiImage[c] = singleImage.get(c); }
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 0x370 && c <= 0x3ff) || (c >= 0x1f00 && c <= 0x1fff);
const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0 || c === 0xfeff;

/** Whether some token matches at `i` (where an unexpected-character run ends, as in chevrotain). */
function tokenStartsAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (isSpace(c) || isLetter(c) || isDigit(c) || singleChar.has(c)) return true;
  if (c === 47 || c === 34 || c === 46 || c === 61 || c === 60 || c === 62) return true; // / " . = < >
  return (c === 33 || c === 126) && text.charCodeAt(i + 1) === 61; // != ~=
}

/**
 * Token images shared across tokens and parses: names and numbers repeat all over a file, and a fresh
 * short string per token (which outlives the first scavenge) cost more than the scan itself. A
 * direct-mapped table on a hash of the characters (an array read, no Map lookup per token); a slot
 * taken by another string is overwritten.
 */
const INTERN_SLOTS = 1 << 16;
const interned: (string | undefined)[] = new Array(INTERN_SLOTS).fill(undefined);
function image(text: string, start: number, end: number): string {
  if (end - start > 24) return text.slice(start, end);
  let h = 0;
  for (let k = start; k < end; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
  return internHashed(text, start, end, h);
}

/** The token type of a name by the slot its image is interned in (keyword or Identifier), so a repeated name needs no keyword lookup. */
const internedType: (TokenType | undefined)[] = new Array(INTERN_SLOTS).fill(undefined);
/** The slot internHashed used last (-1: the image was too long to intern). */
let lastSlot = -1;

/** image() when the scan has hashed the characters already (`h` as image() computes it). */
function internHashed(text: string, start: number, end: number, h: number): string {
  const len = end - start;
  if (len > 24) { lastSlot = -1; return text.slice(start, end); }
  const slot = (h ^ (h >>> 16)) & (INTERN_SLOTS - 1);
  lastSlot = slot;
  const known = interned[slot];
  if (known !== undefined && known.length === len) {
    // compared by hand: short, and cheaper than a call of startsWith
    let k = 0;
    while (k < len && known.charCodeAt(k) === text.charCodeAt(start + k)) k++;
    if (k === len) return known;
  }
  const s = text.slice(start, end);
  interned[slot] = s;
  internedType[slot] = undefined;
  return s;
}

interface RawLex { tokens: IToken[]; comments: IToken[]; errors: { offset: number; length: number }[] }

/**
 * The tokens of a text as parallel arrays, no object per token: the parser reads these, and IToken
 * objects are made only when something asks for them (the chevrotain grammar for a chunk with a
 * syntax error, semantic tokens, completion). 90,000 token objects per 10,000 lines, all alive until
 * the check ends, were a fifth of what a cold check allocated and most of what the young-generation
 * GC had to copy.
 */
export interface TokenTable {
  n: number;
  /** tokenTypeIdx of each token (see `tokenTypeByIdx`) */
  type: Uint8Array;
  start: Int32Array;
  image: string[];
}
export const tokenTypeByIdx: TokenType[] = [];
for (const tt of allTokens) tokenTypeByIdx[tt.tokenTypeIdx!] = tt;

/** The IToken objects of tokens[lo, hi) of a table, as the chevrotain lexer makes them. */
export function tableTokens(t: TokenTable, lo = 0, hi = t.n): IToken[] {
  const out: IToken[] = new Array(hi - lo);
  for (let k = lo; k < hi; k++) {
    const tt = tokenTypeByIdx[t.type[k]];
    out[k - lo] = { image: t.image[k], startOffset: t.start[k], tokenTypeIdx: tt.tokenTypeIdx!, tokenType: tt } as IToken;
  }
  return out;
}

/** A table of existing tokens (tests and callers that hold IToken arrays). */
export function tokenTable(tokens: IToken[]): TokenTable {
  const n = tokens.length, type = new Uint8Array(n), start = new Int32Array(n), image: string[] = new Array(n);
  for (let k = 0; k < n; k++) { type[k] = tokens[k].tokenType.tokenTypeIdx!; start[k] = tokens[k].startOffset; image[k] = tokens[k].image; }
  return { n, type, start, image };
}

interface RawTable { table: TokenTable; comments: IToken[]; errors: { offset: number; length: number }[] }

function scan(text: string): RawTable {
  const comments: IToken[] = [], errors: RawTable['errors'] = [];
  const n = text.length;
  // about one token per three to four characters in real files; grown by doubling when that is not
  // enough (the images array grows by itself: preallocated, it is written by index, not pushed)
  let cap = (n >> 2) + (n >> 3) + 16, count = 0;
  let types = new Uint8Array(cap), starts = new Int32Array(cap);
  const images: string[] = new Array(cap);
  const push = (tt: TokenType, start: number, end: number, img = image(text, start, end)) => {
    if (count === cap) {
      cap *= 2;
      const t2 = new Uint8Array(cap); t2.set(types); types = t2;
      const s2 = new Int32Array(cap); s2.set(starts); starts = s2;
    }
    types[count] = tt.tokenTypeIdx!; starts[count] = start; images[count] = img; count++;
  };
  const comment = (tt: TokenType, start: number, end: number) => {
    comments.push({ image: image(text, start, end), startOffset: start, tokenTypeIdx: tt.tokenTypeIdx!, tokenType: tt } as IToken);
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) { i++; while (i < n && isSpace(text.charCodeAt(i))) i++; continue; }
    if (isLetter(c)) {
      // the identifier pattern by hand (letter, then letters and digits), hashing as image() does
      let end = i + 1, h = c;
      for (let d = text.charCodeAt(end); end < n && (isLetter(d) || isDigit(d)); d = text.charCodeAt(++end)) h = (Math.imul(h, 31) + d) | 0;
      if (text.charCodeAt(end) === 39) { push(PrimeName, i, end + 1); i = end + 1; continue; }
      const img = internHashed(text, i, end, h);
      let tt = lastSlot >= 0 ? internedType[lastSlot] : undefined;
      if (tt === undefined) {
        tt = end - i <= 10 ? keywordByWord.get(img) ?? Identifier : Identifier;
        if (lastSlot >= 0) internedType[lastSlot] = tt;
      }
      push(tt, i, end, img);
      i = end;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      stickyNumber.lastIndex = i;
      stickyNumber.test(text);
      push(NumberLit, i, stickyNumber.lastIndex); i = stickyNumber.lastIndex; continue;
    }
    const single = c < 128 ? asciiSingle[c] : singleChar.get(c);
    // one shared image string per punctuation token
    if (single) { push(single, i, i + 1, c < 128 ? asciiImage[c] : singleImage.get(c)); i++; continue; }
    const next = text.charCodeAt(i + 1);
    switch (c) {
      case 47: { // '/'
        if (next === 47) {
          let j = i + 2;
          while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
          comment(LineComment, i, j); i = j; continue;
        }
        if (next === 42) {
          const close = text.indexOf('*/', i + 2);
          if (close >= 0) { comment(BlockComment, i, close + 2); i = close + 2; }
          else { comment(UnterminatedComment, i, n); i = n; }
          continue;
        }
        push(Slash, i, i + 1, '/'); i++; continue;
      }
      case 34: { // '"'
        stickyString.lastIndex = i;
        if (stickyString.test(text)) { push(StringLit, i, stickyString.lastIndex); i = stickyString.lastIndex; continue; }
        stickyUnterminatedString.lastIndex = i;
        stickyUnterminatedString.test(text);
        push(UnterminatedString, i, stickyUnterminatedString.lastIndex); i = stickyUnterminatedString.lastIndex; continue;
      }
      case 46: push(Dot, i, i + 1, '.'); i++; continue;
      case 61: if (next === 61) { push(Eq, i, i + 2, '=='); i += 2; } else { push(Assign, i, i + 1, '='); i++; } continue;
      case 60: if (next === 61) { push(Le, i, i + 2); i += 2; } else { push(Lt, i, i + 1); i++; } continue;
      case 62: if (next === 61) { push(Ge, i, i + 2); i += 2; } else { push(Gt, i, i + 1); i++; } continue;
      case 33: if (next === 61) { push(Neq, i, i + 2); i += 2; continue; } break;
      case 126: if (next === 61) { push(Approx, i, i + 2); i += 2; continue; } break;
    }
    // No token starts here: one error for the whole run of such characters.
    const start = i;
    i++;
    while (i < n && !tokenStartsAt(text, i)) i++;
    errors.push({ offset: start, length: i - start });
  }
  images.length = count;
  return { table: { n: count, type: types, start: starts, image: images }, comments, errors };
}

/** The chevrotain lexer's raw output in the scanner's shape (the reference the scanner is tested against). */
export function scanWithChevrotain(text: string): RawLex {
  const r = tlabLexer.tokenize(text);
  return { tokens: r.tokens, comments: (r.groups.comments ?? []) as IToken[], errors: r.errors.map((e) => ({ offset: e.offset, length: e.length })) };
}

export interface LexTable { table: TokenTable; comments: IToken[]; errors: LexResult['errors'] }

/** lexTlab's tokens as a table (what the parser reads). */
export function lexTable(text: string): LexTable {
  const r = scan(text);
  const errors: LexResult['errors'] = r.errors.map((e) => ({
    span: { start: e.offset, end: e.offset + Math.max(1, e.length) },
    message: `unexpected character${e.length > 1 ? 's' : ''} '${visible(text.substr(e.offset, Math.min(e.length, 20)))}${e.length > 20 ? '…' : ''}'`,
  }));
  const comments = r.comments;
  for (const c of comments) {
    if (c.tokenType === UnterminatedComment) errors.push({ span: { start: c.startOffset, end: c.startOffset + 2 }, message: "unterminated comment: '/*' has no matching '*/'" });
  }
  const t = r.table, unterminated = UnterminatedString.tokenTypeIdx!;
  for (let k = 0; k < t.n; k++) {
    if (t.type[k] === unterminated) {
      errors.push({ span: { start: t.start[k], end: t.start[k] + t.image[k].length }, message: 'unterminated string: missing the closing "' });
      // The parser sees an ordinary string, so one missing quote does not derail the statement.
      t.type[k] = StringLit.tokenTypeIdx!;
    }
  }
  return { table: t, comments, errors };
}

export function lexTlab(text: string): LexResult {
  const r = lexTable(text);
  return { tokens: tableTokens(r.table), comments: r.comments, errors: r.errors };
}

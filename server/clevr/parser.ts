// chevrotain lexer and parser for .clevr files, with error recovery (a syntax error does not hide the
// rest of the file: the parser re-synchronises at the next statement) and spans on every AST node.
import type { IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain';
import type { AnswerLit, CatAst, ClevrFile, EntryDecl, Expr, Ident, NumberLit, ObjectDecl, SceneRef, Span, Statement, StringLit } from './ast';

const { createToken, Lexer, EmbeddedActionsParser } = chevrotain;

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\u00a0]+/, group: Lexer.SKIPPED });
const Comment = createToken({ name: 'Comment', pattern: /(\/\/|#)[^\n]*/, group: 'comments' });
const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const kw = (word: string) => createToken({ name: `Kw_${word}`, pattern: new RegExp(`${word}\\b`), longer_alt: Identifier, categories: [Identifier] });
export const KEYWORDS = ['scenes', 'scene', 'object', 'at', 'from', 'program', 'eval', 'on', 'mode', 'expect',
  'questions', 'lexicon', 'sentence', 'using', 'weight'];
const K: Record<string, TokenType> = Object.fromEntries(KEYWORDS.map((w) => [w, kw(w)]));
const NumberTok = createToken({ name: 'Number', pattern: /-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/ });
const StringTok = createToken({ name: 'String', pattern: /"(?:[^"\\\n]|\\.)*"/ });
const ColonEq = createToken({ name: 'ColonEq', pattern: /:=/ });
const Colon = createToken({ name: 'Colon', pattern: /:/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const LParen = createToken({ name: 'LParen', pattern: /\(/ });
const RParen = createToken({ name: 'RParen', pattern: /\)/ });
const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Dot = createToken({ name: 'Dot', pattern: /\./ });
const Slash = createToken({ name: 'Slash', pattern: /\// });
const Backslash = createToken({ name: 'Backslash', pattern: /\\/ });
const Lambda = createToken({ name: 'Lambda', pattern: /λ/ });
/** Only after a number in `expect` (an accuracy: `expect 90%`). */
const Percent = createToken({ name: 'Percent', pattern: /%/ });

const allTokens: TokenType[] = [WhiteSpace, Comment, ...KEYWORDS.map((w) => K[w]), Identifier, NumberTok, StringTok,
  ColonEq, Colon, Equals, LParen, RParen, LBrace, RBrace, LBracket, RBracket, Comma, Dot, Slash, Backslash, Lambda, Percent];

export const clevrLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

const STATEMENT_START = new Set(['scene', 'scenes', 'program', 'eval', 'questions', 'lexicon', 'sentence']);

function tokSpan(t: IToken): Span {
  if (!t || Number.isNaN(t.startOffset) || t.startOffset === undefined) return { start: -1, end: -1 };
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}
function join(...spans: (Span | undefined)[]): Span {
  const ok = spans.filter((s): s is Span => !!s && s.start >= 0);
  if (!ok.length) return { start: -1, end: -1 };
  return { start: Math.min(...ok.map((s) => s.start)), end: Math.max(...ok.map((s) => s.end)) };
}
const inserted = (t: IToken | undefined) => !t || t.isInsertedInRecovery || Number.isNaN(t.startOffset);
function unquote(image: string): string {
  try { return JSON.parse(image); } catch { return image.slice(1, -1); }
}

class ClevrParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  private ident(t: IToken): Ident { return { name: inserted(t) ? '' : t.image, span: tokSpan(t) }; }
  /** An identifier that is not a keyword (attribute words of an object stop at `at` and at keywords). */
  private plainIdentAhead(): boolean { return this.LA(1).tokenType === Identifier; }

  public file = this.RULE('file', (): Statement[] => {
    const out: Statement[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.statement);
      if (s) out.push(s);
    });
    return out;
  });

  private statement = this.RULE('statement', (): Statement | undefined => this.OR([
    { ALT: () => this.SUBRULE(this.sceneDecl) },
    { ALT: () => this.SUBRULE(this.scenesDecl) },
    { ALT: () => this.SUBRULE(this.programDecl) },
    { ALT: () => this.SUBRULE(this.evalDecl) },
    { ALT: () => this.SUBRULE(this.questionsDecl) },
    { ALT: () => this.SUBRULE(this.lexiconDecl) },
    { ALT: () => this.SUBRULE(this.sentenceDecl) },
  ]), { recoveryValueFunc: () => undefined });

  private sceneDecl = this.RULE('sceneDecl', (): Statement => {
    const k = this.CONSUME(K.scene);
    const name = this.ident(this.CONSUME(Identifier));
    this.CONSUME(LBrace);
    const objects: ObjectDecl[] = [];
    this.MANY(() => { const o = this.SUBRULE(this.objectDecl); if (o) objects.push(o); });
    const r = this.CONSUME(RBrace);
    return { kind: 'scene', name, objects, span: join(tokSpan(k), tokSpan(r), name.span) };
  });

  private objectDecl = this.RULE('objectDecl', (): ObjectDecl | undefined => {
    const k = this.CONSUME(K.object);
    const name = this.ident(this.CONSUME(Identifier));
    this.CONSUME(Colon);
    const words: Ident[] = [];
    this.MANY({ GATE: () => this.plainIdentAhead(), DEF: () => { words.push(this.ident(this.CONSUME2(Identifier))); } });
    let position: [number, number] | undefined;
    let positionSpan: Span | undefined;
    this.OPTION(() => {
      this.CONSUME(K.at);
      const l = this.CONSUME(LParen);
      const x = this.CONSUME(NumberTok);
      this.CONSUME(Comma);
      const y = this.CONSUME2(NumberTok);
      const r = this.CONSUME(RParen);
      position = [Number(x.image), Number(y.image)];
      positionSpan = join(tokSpan(l), tokSpan(r));
    });
    return { name, words, position, positionSpan, span: join(tokSpan(k), name.span, ...words.map((w) => w.span), positionSpan) };
  }, { recoveryValueFunc: () => undefined });

  private scenesDecl = this.RULE('scenesDecl', (): Statement => {
    const k = this.CONSUME(K.scenes);
    const name = this.ident(this.CONSUME(Identifier));
    this.CONSUME(K.from);
    const p = this.SUBRULE(this.stringLit);
    return { kind: 'scenes', name, path: p, span: join(tokSpan(k), name.span, p.span) };
  });

  private questionsDecl = this.RULE('questionsDecl', (): Statement => {
    const k = this.CONSUME(K.questions);
    const name = this.ident(this.CONSUME(Identifier));
    this.CONSUME(K.from);
    const p = this.SUBRULE(this.stringLit);
    return { kind: 'questions', name, path: p, span: join(tokSpan(k), name.span, p.span) };
  });

  private stringLit = this.RULE('stringLit', (): StringLit => {
    const t = this.CONSUME(StringTok);
    return { value: inserted(t) ? '' : unquote(t.image), span: tokSpan(t) };
  });

  private programDecl = this.RULE('programDecl', (): Statement => {
    const k = this.CONSUME(K.program);
    const name = this.ident(this.CONSUME(Identifier));
    this.CONSUME(Equals);
    const body = this.SUBRULE(this.term);
    return { kind: 'program', name, body, span: join(tokSpan(k), name.span, body?.span) };
  });

  private sceneRef = this.RULE('sceneRef', (): SceneRef => {
    const name = this.ident(this.CONSUME(Identifier));
    let index: NumberLit | undefined;
    let close: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(LBracket);
      const n = this.CONSUME(NumberTok);
      close = this.CONSUME(RBracket);
      index = { value: Number(n.image), span: tokSpan(n) };
    });
    return { name, index, span: join(name.span, close ? tokSpan(close) : undefined) };
  });

  private answer = this.RULE('answer', (): AnswerLit => {
    let pct: IToken | undefined;
    const t = this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => { const n = this.CONSUME(NumberTok); this.OPTION(() => { pct = this.CONSUME(Percent); }); return n; } },
      { ALT: () => this.CONSUME(StringTok) },
    ]);
    const text = inserted(t) ? '' : t.tokenType === StringTok ? unquote(t.image) : `${t.image}${pct && !inserted(pct) ? '%' : ''}`;
    return { text, span: pct ? join(tokSpan(t), tokSpan(pct)) : tokSpan(t) };
  });

  private evalDecl = this.RULE('evalDecl', (): Statement => {
    const k = this.CONSUME(K.eval);
    const target = this.ident(this.CONSUME(Identifier));
    this.CONSUME(K.on);
    const scene = this.SUBRULE(this.sceneRef);
    let mode: Ident | undefined;
    let expect: AnswerLit | undefined;
    this.OPTION(() => { this.CONSUME(K.mode); mode = this.ident(this.CONSUME2(Identifier)); });
    this.OPTION2(() => { this.CONSUME(K.expect); expect = this.SUBRULE(this.answer); });
    return { kind: 'eval', target, scene, mode, expect, span: join(tokSpan(k), target.span, scene?.span, mode?.span, expect?.span) };
  });

  private sentenceDecl = this.RULE('sentenceDecl', (): Statement => {
    const k = this.CONSUME(K.sentence);
    const text = this.SUBRULE(this.stringLit);
    this.CONSUME(K.on);
    const scene = this.SUBRULE(this.sceneRef);
    // `using LEXICON` is optional in the grammar so that its absence is one clear diagnostic (the
    // analysis reports `missingUsing`) instead of a cascade through `expect` and its answer.
    let lexicon: Ident | undefined;
    this.OPTION(() => { this.CONSUME(K.using); lexicon = this.ident(this.CONSUME(Identifier)); });
    let expect: AnswerLit | undefined;
    let expectKw: IToken | undefined;
    this.OPTION2(() => { expectKw = this.CONSUME(K.expect); expect = this.SUBRULE(this.answer); });
    const missingUsing = lexicon ? undefined : expectKw ? tokSpan(expectKw) : { start: join(tokSpan(k), text.span, scene?.span).end, end: join(tokSpan(k), text.span, scene?.span).end };
    return { kind: 'sentence', text, scene, lexicon, expect, missingUsing, missingBefore: expectKw ? 'expect' : undefined, span: join(tokSpan(k), text.span, scene?.span, lexicon?.span, expect?.span) };
  });

  private lexiconDecl = this.RULE('lexiconDecl', (): Statement => {
    const k = this.CONSUME(K.lexicon);
    const name = this.ident(this.CONSUME(Identifier));
    this.CONSUME(LBrace);
    const entries: EntryDecl[] = [];
    this.MANY(() => { const e = this.SUBRULE(this.entryDecl); if (e) entries.push(e); });
    const r = this.CONSUME(RBrace);
    return { kind: 'lexicon', name, entries, span: join(tokSpan(k), name.span, tokSpan(r)) };
  });

  private entryDecl = this.RULE('entryDecl', (): EntryDecl | undefined => {
    const words = this.SUBRULE(this.stringLit);
    this.CONSUME(Colon);
    const category = this.SUBRULE(this.category);
    let program: Expr | undefined;
    let weight: NumberLit | undefined;
    this.OPTION(() => { this.CONSUME(ColonEq); program = this.SUBRULE(this.term); });
    this.OPTION2(() => {
      this.CONSUME(K.weight);
      const n = this.CONSUME(NumberTok);
      weight = { value: inserted(n) ? NaN : Number(n.image), span: tokSpan(n) };
    });
    return { words, category, program, weight, span: join(words.span, category?.span, program?.span, weight?.span) };
  }, { recoveryValueFunc: () => undefined });

  private category = this.RULE('category', (): CatAst => {
    let left = this.SUBRULE(this.catPrimary);
    this.MANY(() => {
      const dir = this.OR([
        { ALT: () => { this.CONSUME(Slash); return '/' as const; } },
        { ALT: () => { this.CONSUME(Backslash); return '\\' as const; } },
      ]);
      const arg = this.SUBRULE2(this.catPrimary);
      left = { kind: 'slash', dir, result: left, arg, span: join(left?.span, arg?.span) };
    });
    return left;
  });

  private catPrimary = this.RULE('catPrimary', (): CatAst => this.OR([
    { ALT: () => { const t = this.CONSUME(Identifier); return { kind: 'atom' as const, name: inserted(t) ? '' : t.image, span: tokSpan(t) }; } },
    { ALT: () => {
      const l = this.CONSUME(LParen);
      const c = this.SUBRULE(this.category);
      const r = this.CONSUME(RParen);
      return c ? { ...c, span: join(tokSpan(l), tokSpan(r), c.span) } : c;
    } },
  ]));

  private term = this.RULE('term', (): Expr => this.OR([
    { ALT: () => {
      const l = this.OR2([{ ALT: () => this.CONSUME(Backslash) }, { ALT: () => this.CONSUME(Lambda) }]);
      const param = this.ident(this.CONSUME(Identifier));
      this.CONSUME(Dot);
      const body = this.SUBRULE(this.term);
      return { kind: 'lambda' as const, param, body, span: join(tokSpan(l), param.span, body?.span) };
    } },
    { ALT: () => this.SUBRULE(this.expr) },
  ]));

  private expr = this.RULE('expr', (): Expr => this.OR([
    { ALT: () => {
      const t = this.CONSUME(Identifier);
      const name = this.ident(t);
      let args: Expr[] | undefined;
      let close: IToken | undefined;
      this.OPTION(() => {
        this.CONSUME(LParen);
        args = [];
        this.MANY_SEP({ SEP: Comma, DEF: () => { const a = this.SUBRULE(this.term); if (a) args!.push(a); } });
        close = this.CONSUME(RParen);
      });
      if (args) return { kind: 'call' as const, fn: name, args, span: join(name.span, close ? tokSpan(close) : undefined, ...args.map((a) => a.span)) };
      return { kind: 'name' as const, name: name.name, span: name.span };
    } },
    { ALT: () => {
      const l = this.CONSUME(LBracket);
      const items: Expr[] = [];
      this.MANY_SEP2({ SEP: Comma, DEF: () => { const a = this.SUBRULE2(this.expr); if (a) items.push(a); } });
      const r = this.CONSUME(RBracket);
      return { kind: 'list' as const, items, span: join(tokSpan(l), tokSpan(r)) };
    } },
    { ALT: () => { const n = this.CONSUME(NumberTok); return { kind: 'number' as const, value: Number(n.image), span: tokSpan(n) }; } },
  ]));
}

let parserInstance: ClevrParser | undefined;

/**
 * Splits the token stream into top-level statements: a statement keyword that starts a line, outside
 * braces, begins a new chunk. Each chunk is parsed on its own, so an unclosed call in one statement
 * cannot swallow the next one (chevrotain's own re-sync recovers within a chunk).
 */
function splitStatements(tokens: IToken[]): IToken[][] {
  const chunks: IToken[][] = [];
  let cur: IToken[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const lineStart = k === 0 || t.startLine !== tokens[k - 1].endLine;
    const next = tokens[k + 1];
    const startsStatement = STATEMENT_START.has(t.image) && t.tokenType !== Identifier && lineStart
      && !(t.image === 'scene' && next?.tokenType === LParen);
    if (startsStatement && cur.length) {
      // A statement keyword at the start of a line ends the previous chunk even inside an unclosed
      // brace: object lines and entries never start with these words.
      chunks.push(cur); cur = [];
    }
    cur.push(t);
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

const DISPLAY: Record<string, string> = {
  RParen: "')'", LParen: "'('", RBrace: "'}'", LBrace: "'{'", RBracket: "']'", LBracket: "'['", Comma: "','",
  Colon: "':'", ColonEq: "':='", Equals: "'='", Dot: "'.'", Identifier: 'a name', Number: 'a number', String: 'a string in double quotes',
  Slash: "'/'", Backslash: "'\\'", Lambda: "'λ'", Percent: "'%'",
};

export function parseClevr(text: string): ClevrFile {
  const lex = clevrLexer.tokenize(text);
  const errors = lex.errors.map((e) => ({
    message: `unexpected character '${text.substr(e.offset, e.length || 1)}'`,
    span: { start: e.offset, end: e.offset + Math.max(1, e.length) },
  }));
  const comments = ((lex.groups.comments ?? []) as IToken[]).map(tokSpan);
  const parser = (parserInstance ??= new ClevrParser());
  const statements: Statement[] = [];
  for (const chunk of splitStatements(lex.tokens)) {
    const tooDeep = nestingBeyondCap(chunk);
    if (tooDeep) {
      // Refused before the (recursive) parser sees it: one diagnostic where the cap is crossed.
      errors.push({ message: `expression nested deeper than ${MAX_NESTING}`, span: tokSpan(tooDeep) });
      continue;
    }
    parser.input = chunk;
    try {
      statements.push(...(parser.file() ?? []).filter(Boolean));
    } catch (e) {
      const deep = e instanceof RangeError;
      errors.push({ message: deep ? 'this statement is nested too deeply to parse' : `parse failed: ${(e as Error).message}`, span: join(tokSpan(chunk[0]), tokSpan(chunk[chunk.length - 1])) });
      continue;
    }
    for (const e of parser.errors) {
      const t = e.token;
      let span = tokSpan(t);
      let message = friendlyMessage(e.message, t);
      if (span.start < 0) {
        const prev = (e as { previousToken?: IToken }).previousToken ?? chunk[chunk.length - 1];
        span = prev && !Number.isNaN(prev.startOffset) ? { start: prev.endOffset! + 1, end: prev.endOffset! + 1 } : { start: text.length, end: text.length };
      } else {
        const cut = cutOffBefore(chunk, t, e.message);
        // A line that stops mid-term (`count(x` then the next entry): the error belongs to that line, not
        // to the next one, which is fine (and would otherwise be blamed: its entry marked broken).
        if (cut) { span = { start: cut.endOffset! + 1, end: cut.endOffset! + 1 }; message = `${message} (on the next line)`; }
      }
      errors.push({ message, span });
    }
  }
  return { statements, errors, comments };
}

/** Tokens after which a line cannot end: the term or category goes on. */
const CONTINUES = new Set<TokenType>([Comma, ColonEq, Colon, Dot, LParen, LBracket, Slash, Backslash, Lambda, Equals]);

/**
 * The last token of the previous line, when a syntax error at token t really is a cut-off there: t
 * starts a line, and what was expected closes a call or list, or the previous line ends with a token
 * that needs more after it.
 */
function cutOffBefore(chunk: IToken[], t: IToken, raw: string): IToken | undefined {
  const k = chunk.indexOf(t);
  const prev = k > 0 ? chunk[k - 1] : undefined;
  if (!prev || prev.endLine === undefined || t.startLine === undefined || t.startLine <= prev.endLine) return undefined;
  const closer = /Expecting token of type --> (RParen|RBracket) <--/.test(raw);
  return closer || CONTINUES.has(prev.tokenType) ? prev : undefined;
}

/** Deepest nesting of calls, lists, parenthesised categories and λ-abstractions a statement may have. */
export const MAX_NESTING = 256;

/** The token at which a statement's nesting first exceeds MAX_NESTING, if it does (an iterative scan). */
function nestingBeyondCap(chunk: IToken[]): IToken | undefined {
  let depth = 0, lambdas = 0;
  for (let k = 0; k < chunk.length; k++) {
    const t = chunk[k].tokenType;
    if (t === LParen || t === LBracket) depth++;
    else if (t === RParen || t === RBracket) depth = Math.max(0, depth - 1);
    else if ((t === Backslash || t === Lambda) && chunk[k + 1]?.tokenType === Identifier && chunk[k + 2]?.tokenType === Dot) lambdas++;
    else if (t === StringTok || t === ColonEq) lambdas = 0; // a new lexicon entry or term
    if (depth > MAX_NESTING || lambdas > MAX_NESTING) return chunk[k];
  }
  return undefined;
}

function friendlyMessage(message: string, t: IToken): string {
  const found = !t || t.tokenType?.name === 'EOF' || Number.isNaN(t.startOffset) ? 'the end of the statement' : `'${t.image}'`;
  const m = /Expecting token of type --> (\w+) <--/.exec(message);
  if (m) return `expected ${DISPLAY[m[1]] ?? (m[1].startsWith('Kw_') ? `'${m[1].slice(3)}'` : m[1])} but found ${found}`;
  if (/Expecting: one of these possible Token sequences|Expecting: expecting at least one/.test(message)) {
    const rule = /<(\w+)>/.exec(message)?.[1];
    if (/NotAllInputParsed|Redundant input/.test(message)) return `unexpected ${found}`;
    return `unexpected ${found}${rule ? ` (expected ${ruleDisplay(message)})` : ''}`;
  }
  if (/Redundant input|NotAllInputParsed/.test(message)) {
    return `unexpected ${found}: a statement starts with scene, scenes, program, eval, questions, lexicon or sentence`;
  }
  return message;
}

function ruleDisplay(message: string): string {
  const alts = [...message.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1].trim().split(/,\s*/)[0]);
  const names = [...new Set(alts.map((a) => DISPLAY[a] ?? (a.startsWith('Kw_') ? `'${a.slice(3)}'` : a)))];
  return names.length ? names.join(' or ') : 'something else';
}

export const tokenNames = { Identifier, NumberTok, StringTok, Comment, KEYWORDS: K };

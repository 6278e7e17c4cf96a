// Fast path of the .tlab parser: a hand-written recursive-descent reader of one top-level chunk that
// builds exactly the AST the chevrotain grammar (grammar.ts, grammarExpr.ts) builds, but only for a
// chunk without any syntax error. At the first thing it does not expect it gives up (returns
// undefined) and the chunk is parsed again by chevrotain, whose recovery and messages stay the only
// source of syntax errors. Chevrotain's per-rule bookkeeping (rule stacks, recovery follow sets,
// embedded-action wrappers) cost ~10 µs per line; this reader costs ~1 µs. A differential test
// (fastParse.test.ts) checks both produce the same AST on every fixture, example and fuzz input.
import type { IToken, TokenType } from 'chevrotain';
import * as T from './lexer';
import { tokenTable, TokenTable, tokenTypeByIdx } from './lexer';
import type { Arg, CheckStmt, DerivationDecl, DomainName, ExperimentDecl, ExpectStmt, Expr, GivenStmt, GivenVar, Ident, ImportDecl, LetStmt, PlotSeries, PlotStmt, Span, SolveStmt, SweepStmt, TopLevel } from './ast';
import { binaryNode, buildExpr, DEVICES, DOMAINS, isCollapsed, MAX_EXPR_DEPTH, tokenSpan, unaryNode } from './parseSupport';
import { treeDepth } from './grammarExpr';
import { tolerancePercent } from './ast';

/** Thrown at the first unexpected token: the chunk goes to the chevrotain parser instead. */
class GiveUp extends Error {}
const giveUp = new GiveUp('fast path gave up');

const isBinary = (tt: TokenType) => tt.CATEGORIES !== undefined && tt.CATEGORIES.includes(T.BinaryOperator);
const BINARY = new Set(T.allTokens.filter(isBinary));
const PREFIX = new Set([T.Plus, T.Minus, T.Not]);
/** First tokens of an expression (prefix operators and primaries). */
const EXPR_FIRST = new Set([T.Plus, T.Minus, T.Not, T.NumberLit, T.StringLit, T.Identifier, T.PrimeName, T.LParen, T.LBracket]);

type AnyStmt = LetStmt | SweepStmt | SolveStmt | PlotStmt | ExpectStmt | GivenStmt | CheckStmt;
const EXPERIMENT_STMTS = new Set(['let', 'sweep', 'solve', 'plot', 'expect']);
const DERIVATION_STMTS = new Set(['let', 'given', 'check']);

/** A token of the table by its index (the reader keeps indices, not token objects). */
type Tok = number;

class FastReader {
  private i: number;
  private readonly types: Uint8Array;
  private readonly starts: Int32Array;
  private readonly images: string[];
  constructor(tab: TokenTable, lo: number, private readonly hi: number, private readonly collapsed?: Set<number>) {
    this.i = lo;
    this.types = tab.type; this.starts = tab.start; this.images = tab.image;
  }

  // ---- tokens ------------------------------------------------------------------------------------
  private type(j: Tok): TokenType { return tokenTypeByIdx[this.types[j]]; }
  private img(j: Tok): string { return this.images[j]; }
  private start(j: Tok): number { return this.starts[j]; }
  private end(j: Tok): number { return this.starts[j] + this.images[j].length; }
  /** A short-lived token object for the operator helpers shared with the grammar (parseSupport.ts). */
  private token(j: Tok): IToken {
    const tt = this.type(j);
    return { image: this.images[j], startOffset: this.starts[j], tokenTypeIdx: tt.tokenTypeIdx!, tokenType: tt } as IToken;
  }
  private peekType(k = 0): TokenType | undefined { const j = this.i + k; return j < this.hi ? this.type(j) : undefined; }
  private peekImage(k = 0): string | undefined { const j = this.i + k; return j < this.hi ? this.images[j] : undefined; }
  private take(tt: TokenType): Tok {
    if (this.i >= this.hi) throw giveUp;
    if (this.types[this.i] !== tt.tokenTypeIdx) throw giveUp;
    return this.i++;
  }
  private at(tt: TokenType): boolean { return this.i < this.hi && this.types[this.i] === tt.tokenTypeIdx; }
  /** End offset of the last consumed token (chevrotain's LA(0)). */
  private prevEnd(): number { return this.end(this.i - 1); }
  private from(start: number): Span { return { start, end: Math.max(start, this.prevEnd()) }; }
  private span(t: Tok): Span { return { start: this.starts[t], end: this.end(t) }; }
  private ident(t: Tok): Ident { return { name: this.images[t], span: this.span(t) }; }
  private str(t: Tok): string {
    const raw = this.images[t];
    const body = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
    return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  }

  // ---- top level ---------------------------------------------------------------------------------
  file(): TopLevel[] {
    const items: TopLevel[] = [];
    while (this.i < this.hi) {
      const tt = this.type(this.i);
      if (tt === T.Import) items.push(this.importDecl());
      else if (tt === T.Let) items.push(this.letStmt());
      else if (tt === T.Experiment || tt === T.Derivation) items.push(this.block());
      else throw giveUp; // a misplaced statement or a stray token: an error the grammar reports
    }
    return items;
  }

  private importDecl(): ImportDecl {
    const kw = this.take(T.Import);
    const s = this.take(T.StringLit);
    return { kind: 'import', path: { value: this.str(s), span: this.span(s) }, span: this.from(this.start(kw)) };
  }

  private block(): ExperimentDecl | DerivationDecl {
    const kw = this.i++;
    const isExp = this.type(kw) === T.Experiment;
    const name = this.take(T.Identifier);
    const title = this.at(T.StringLit) ? this.take(T.StringLit) : undefined;
    const t = title !== undefined ? { value: this.str(title), span: this.span(title) } : undefined;
    const span = this.from(this.start(kw));
    const body: AnyStmt[] = [];
    const decl: ExperimentDecl | DerivationDecl = isExp
      ? { kind: 'experiment', name: this.ident(name), title: t, body: body as ExperimentDecl['body'], span }
      : { kind: 'derivation', name: this.ident(name), title: t, body: body as DerivationDecl['body'], span };
    this.take(T.LCurly);
    const allowed = isExp ? EXPERIMENT_STMTS : DERIVATION_STMTS;
    while (!this.at(T.RCurly)) {
      const st = this.statement();
      if (!allowed.has(st.kind)) throw giveUp; // "not allowed in an experiment/derivation"
      body.push(st);
    }
    this.take(T.RCurly);
    span.end = this.prevEnd();
    return decl;
  }

  private statement(): AnyStmt {
    switch (this.peekType()) {
      case T.Let: return this.letStmt();
      case T.Sweep: return this.sweepStmt();
      case T.Solve: case T.Simulate: return this.solveStmt();
      case T.Plot: return this.plotStmt();
      case T.Expect: return this.expectStmt();
      case T.Given: return this.givenStmt();
      case T.Check: return this.checkStmt();
      default: throw giveUp;
    }
  }

  // ---- statements --------------------------------------------------------------------------------
  private letStmt(): LetStmt {
    const kw = this.take(T.Let);
    const name = this.take(T.Identifier);
    let params: Tok[] | undefined;
    if (this.at(T.LParen)) {
      this.i++;
      params = [];
      if (this.at(T.Identifier)) {
        params.push(this.take(T.Identifier));
        while (this.at(T.Comma)) { this.i++; params.push(this.take(T.Identifier)); }
      }
      this.take(T.RParen);
    }
    this.take(T.Assign);
    const value = this.expr();
    return { kind: 'let', name: this.ident(name), params: params?.map((p) => this.ident(p)), value, span: this.from(this.start(kw)) };
  }

  private sweepStmt(): SweepStmt {
    const kw = this.take(T.Sweep);
    const name = this.take(T.Identifier);
    this.take(T.Assign);
    const values = this.expr();
    return { kind: 'sweep', name: this.ident(name), values, span: this.from(this.start(kw)) };
  }

  private solveStmt(): SolveStmt {
    const kw = this.i++;
    const stochastic = this.type(kw) === T.Simulate;
    const name = this.take(T.Identifier);
    this.take(T.Assign);
    const parts = [this.take(T.Identifier)];
    while (this.at(T.Dot)) { this.i++; parts.push(this.take(T.Identifier)); }
    const args = this.argList();
    let dev: SolveStmt['device'];
    if (this.at(T.Identifier) && this.peekImage() === 'on') {
      this.i++;
      const device = this.take(T.Identifier);
      if (!DEVICES.includes(this.img(device))) throw giveUp; // "unknown device"
      dev = { value: this.img(device) as 'gpu', span: this.span(device) };
    }
    const solver: Ident = { name: parts.map((p) => this.img(p)).join('.'), span: { start: this.start(parts[0]), end: this.end(parts[parts.length - 1]) } };
    return { kind: 'solve', stochastic, name: this.ident(name), solver, args, device: dev, span: this.from(this.start(kw)) };
  }

  private plotStmt(): PlotStmt {
    const kw = this.take(T.Plot);
    const title = this.at(T.StringLit) ? this.take(T.StringLit) : undefined;
    const series: PlotSeries[] = [];
    this.take(T.LCurly);
    let xlabel: Tok | undefined, ylabel: Tok | undefined;
    while (this.at(T.Identifier)) {
      const w = this.peekImage();
      if ((w === 'xlabel' || w === 'ylabel') && this.peekType(1) === T.StringLit) {
        this.i++;
        const text = this.take(T.StringLit);
        if (w === 'xlabel') xlabel = text; else ylabel = text;
      } else series.push(this.plotSeries());
    }
    this.take(T.RCurly);
    const titled = (tok?: Tok) => (tok !== undefined ? { value: this.str(tok), span: this.span(tok) } : undefined);
    return {
      kind: 'plot', title: title !== undefined ? { value: this.str(title), span: this.span(title) } : undefined, series,
      xlabel: titled(xlabel), ylabel: titled(ylabel), span: this.from(this.start(kw)),
    };
  }

  private plotSeries(): PlotSeries {
    const axis = this.take(T.Identifier);
    this.take(T.Assign);
    const value = this.expr();
    let label: Tok | undefined, scale: Tok | undefined, unit: Tok | undefined;
    for (;;) {
      if (!this.at(T.Identifier)) break;
      const w = this.peekImage();
      if (w === 'label') { this.i++; label = this.take(T.StringLit); }
      else if (w === 'scale') { this.i++; scale = this.take(T.Identifier); }
      else if (w === 'unit') { this.i++; unit = this.take(T.StringLit); }
      else break;
    }
    const ax = this.img(axis);
    if (ax !== 'x' && ax !== 'y' && ax !== 'heatmap' && ax !== 'image') throw giveUp;
    let sc: PlotSeries['scale'];
    if (scale !== undefined) {
      const w = this.img(scale);
      if (w !== 'log' && w !== 'linear') throw giveUp;
      sc = { value: w, span: this.span(scale) };
    }
    return {
      axis: ax, value, label: label !== undefined ? { value: this.str(label), span: this.span(label) } : undefined,
      scale: sc, unit: unit !== undefined ? { value: this.str(unit), span: this.span(unit) } : undefined,
      span: this.from(this.start(axis)),
    };
  }

  private expectStmt(): ExpectStmt {
    const kw = this.take(T.Expect);
    const condition = this.expr();
    let tolerance: Expr | undefined, where: Expr | undefined;
    if (this.at(T.Within)) { this.i++; tolerance = this.expr(); }
    if (this.at(T.Where)) { this.i++; where = this.expr(); }
    const percent = tolerancePercent(tolerance);
    return { kind: 'expect', condition, tolerance, percent, where, span: this.from(this.start(kw)) };
  }

  private givenStmt(): GivenStmt {
    const kw = this.take(T.Given);
    const vars: GivenVar[] = [this.givenVar()];
    while (this.at(T.Comma)) { this.i++; vars.push(this.givenVar()); }
    return { kind: 'given', vars, span: this.from(this.start(kw)) };
  }

  private givenVar(): GivenVar {
    const name = this.take(T.Identifier);
    this.take(T.Colon);
    const shapeWord = this.take(T.Identifier);
    const dims: Tok[] = [];
    if (this.at(T.LParen)) {
      this.i++;
      if (this.at(T.NumberLit)) {
        dims.push(this.take(T.NumberLit));
        while (this.at(T.Comma)) { this.i++; dims.push(this.take(T.NumberLit)); }
      }
      this.take(T.RParen);
    }
    const domain = this.at(T.Identifier) && DOMAINS.includes(this.peekImage() as DomainName) ? this.take(T.Identifier) : undefined;
    const w = this.img(shapeWord);
    const ns = dims.map((d) => Number(this.img(d)));
    let shape: GivenVar['shape'] = { kind: 'scalar' };
    let dom: DomainName = domain !== undefined ? this.img(domain) as DomainName : 'real';
    const badDim = (n: number) => !Number.isInteger(n) || n < 1 || n > 100000;
    if (w === 'vector') {
      if (ns.length !== 1 || badDim(ns[0])) throw giveUp;
      shape = { kind: 'vector', n: ns[0] };
    } else if (w === 'matrix') {
      if (ns.length !== 2 || badDim(ns[0]) || badDim(ns[1])) throw giveUp;
      shape = { kind: 'matrix', rows: ns[0], cols: ns[1] };
    } else if (w === 'scalar') {
      if (ns.length) throw giveUp;
    } else if (DOMAINS.includes(w as DomainName) && domain === undefined && !dims.length) {
      dom = w as DomainName;
    } else throw giveUp; // unknown shape
    return { name: this.ident(name), shape, domain: dom, span: this.from(this.start(name)) };
  }

  private checkStmt(): CheckStmt {
    const kw = this.take(T.Check);
    const c = this.expr();
    let tolerance: Expr | undefined, points: Expr | undefined;
    if (this.at(T.Within)) { this.i++; tolerance = this.expr(); }
    if (this.at(T.Identifier) && this.peekImage() === 'at') {
      this.i++;
      points = this.expr();
      if (this.img(this.take(T.Identifier)) !== 'points') throw giveUp;
    }
    if (c.kind !== 'binary' || c.op !== '==') throw giveUp; // "a check compares two expressions"
    return { kind: 'check', left: c.left, right: c.right, tolerance, points, span: this.from(this.start(kw)) };
  }

  // ---- expressions -------------------------------------------------------------------------------
  expr(): Expr {
    const startIdx = this.i;
    // the operator sequence for buildExpr, made only when there is an operator (most expressions are one operand)
    let seq: (Expr | IToken)[] | undefined;
    while (this.i < this.hi && PREFIX.has(this.type(this.i))) (seq ??= []).push(this.token(this.i++));
    const first = this.power();
    seq?.push(first);
    while (this.i < this.hi && BINARY.has(this.type(this.i))) {
      seq ??= [first];
      seq.push(this.token(this.i++));
      while (this.i < this.hi && PREFIX.has(this.type(this.i))) seq.push(this.token(this.i++));
      seq.push(this.power());
    }
    const e = seq ? buildExpr(seq) : first;
    // Every tree level owns at least one token, so a short expression cannot be too deep.
    if (this.i - startIdx >= MAX_EXPR_DEPTH && treeDepth(e) > MAX_EXPR_DEPTH) throw giveUp;
    return e;
  }

  private power(): Expr {
    const base = this.postfix();
    if (!this.at(T.Caret)) return base;
    const op = this.token(this.i++);
    const signs: IToken[] = [];
    while (this.at(T.Minus) || this.at(T.Plus)) signs.push(this.token(this.i++));
    let e = this.power();
    for (let k = signs.length - 1; k >= 0; k--) e = unaryNode(signs[k], e);
    return binaryNode('^', base, e, tokenSpan(op));
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      const tt = this.peekType();
      if (tt === T.LParen) {
        const args = this.argList();
        e = { kind: 'call', callee: e, args, span: { start: e.span.start, end: this.prevEnd() } };
      } else if (tt === T.Dot) {
        this.i++;
        const name = this.take(T.Identifier);
        const span = { start: e.span.start, end: this.prevEnd() };
        e = this.img(name) === 'T' ? { kind: 'transpose', operand: e, span } : { kind: 'member', object: e, name: this.img(name), nameSpan: this.span(name), span };
      } else if (tt === T.LBracket) {
        this.i++;
        const first = this.expr();
        let selValue: Expr | undefined;
        if (this.at(T.Assign)) {
          this.i++;
          selValue = this.expr();
          if (first.kind !== 'name') throw giveUp; // "a selection names a swept variable"
        }
        this.take(T.RBracket);
        const span = { start: e.span.start, end: this.prevEnd() };
        e = selValue && first.kind === 'name'
          ? { kind: 'select', object: e, name: first.name, nameSpan: first.span, value: selValue, span }
          : { kind: 'index', object: e, index: first, span };
      } else return e;
    }
  }

  private primary(): Expr {
    if (this.i >= this.hi) throw giveUp;
    const t = this.i;
    const tt = this.type(t);
    if (tt === T.NumberLit) {
      if (this.collapsed?.has(t)) throw giveUp; // over-deep nesting is reported by the grammar
      this.i++;
      const image = this.img(t);
      const pct = image.endsWith('%');
      const v = Number(pct ? image.slice(0, -1) : image);
      return { kind: 'num', value: pct ? v / 100 : v, text: image, span: this.span(t) };
    }
    if (tt === T.StringLit) { this.i++; return { kind: 'str', value: this.str(t), span: this.span(t) }; }
    if (tt === T.Identifier) { this.i++; return { kind: 'name', name: this.img(t), span: this.span(t) }; }
    if (tt === T.PrimeName) { this.i++; return { kind: 'prime', name: this.img(t).slice(0, -1), span: this.span(t) }; }
    if (tt === T.LParen) {
      this.i++;
      const inner = this.expr();
      this.take(T.RParen);
      // the brackets belong to the expression's text: `(2 * a)` as an operand, quoted in messages and labels
      return { ...inner, span: this.from(this.start(t)) };
    }
    if (tt === T.LBracket) {
      this.i++;
      const items: Expr[] = [];
      if (this.i < this.hi && EXPR_FIRST.has(this.type(this.i))) {
        items.push(this.expr());
        while (this.at(T.Comma)) {
          this.i++;
          if (this.i < this.hi && EXPR_FIRST.has(this.type(this.i))) items.push(this.expr());
        }
      }
      this.take(T.RBracket);
      return { kind: 'list', items, span: this.from(this.start(t)) };
    }
    throw giveUp;
  }

  /** `( [name =] expr, … )` with an optional trailing comma (and empty slots, as the grammar allows). */
  private argList(): Arg[] {
    this.take(T.LParen);
    const args: Arg[] = [];
    if (this.i < this.hi && EXPR_FIRST.has(this.type(this.i))) {
      args.push(this.arg());
      while (this.at(T.Comma)) {
        this.i++;
        if (this.i < this.hi && EXPR_FIRST.has(this.type(this.i))) args.push(this.arg());
      }
    }
    this.take(T.RParen);
    return args;
  }

  private arg(): Arg {
    const e = this.expr();
    if (!this.at(T.Assign)) return { value: e, span: e.span };
    this.i++;
    const v = this.expr();
    if (e.kind !== 'name') throw giveUp; // "an argument name must be a plain name"
    return { name: e.name, nameSpan: e.span, value: v, span: { start: e.span.start, end: Math.max(e.span.start, this.prevEnd()) } };
  }
}

/**
 * The AST of tokens[lo, hi) when that chunk is free of syntax errors, else undefined (the caller then
 * parses it with the chevrotain grammar, which reports the errors).
 */
export function fastParseChunk(tokens: IToken[], lo: number, hi: number): TopLevel[] | undefined {
  const collapsed = new Set<number>();
  for (let k = lo; k < hi; k++) if (isCollapsed(tokens[k])) collapsed.add(k);
  return fastParseTable(tokenTable(tokens), lo, hi, collapsed);
}

/** fastParseChunk over a token table (the parser's own path); `collapsed`: indices of over-deep placeholders. */
export function fastParseTable(tab: TokenTable, lo: number, hi: number, collapsed?: Set<number>): TopLevel[] | undefined {
  try {
    return new FastReader(tab, lo, hi, collapsed).file();
  } catch (e) {
    if (e === giveUp) return undefined;
    throw e;
  }
}

// Parser of the .tlab language (chevrotain, embedded actions, error recovery on) producing the typed
// AST of ast.ts with character spans. Recovery works at two levels: chevrotain's single-token
// insertion/deletion and re-sync inside a statement, and "junk" alternatives that swallow tokens which
// cannot start a statement, so one syntax error never hides the diagnostics of the rest of the file.
import type { IToken, TokenType, IRecognitionException } from 'chevrotain';
import { chevrotain } from '../chevrotain';
import * as T from './lexer';
import type {
  Arg, BinaryOp, CheckStmt, DerivationDecl, DerivationStmt, DomainName, ExperimentDecl, ExperimentStmt, ExpectStmt,
  Expr, GivenStmt, GivenVar, Ident, ImportDecl, LetStmt, PlotSeries, PlotStmt, SolveStmt, Span, SweepStmt, TlabFile, TopLevel,
} from './ast';

export interface ParseError { span: Span; message: string; /** stray tokens (dropped when another error explains them) */ junk?: boolean }
export interface ParseResult { file: TlabFile; errors: ParseError[]; comments: IToken[]; tokens: IToken[] }

type AnyStmt = LetStmt | SweepStmt | SolveStmt | PlotStmt | ExpectStmt | GivenStmt | CheckStmt;

const DOMAINS: DomainName[] = ['real', 'positive', 'unit', 'simplex', 'spd'];
const DEVICES = ['gpu', 'cpu', 'auto'];

const statementStarts = [T.Let, T.Sweep, T.Solve, T.Simulate, T.Plot, T.Expect, T.Given, T.Check];
const topStarts = [T.Import, T.Let, T.Experiment, T.Derivation];
/** Tokens that cannot start a statement inside a block (the block's `}` and the top-level keywords end it). */
const blockJunk = T.allTokens.filter((t) => t !== T.BinaryOperator && t !== T.PrefixOperator && t !== T.WhiteSpace && t !== T.LineComment && t !== T.BlockComment
  && t !== T.UnterminatedComment && t !== T.UnterminatedString && t !== T.RCurly
  && !statementStarts.includes(t) && !topStarts.includes(t));
/** At top level everything but the four top-level keywords is junk (statements are parsed and rejected). */
const topJunk = blockJunk.filter((t) => !statementStarts.includes(t)).concat([T.RCurly]);

/** The lexer tracks start offsets only (faster); a token ends where its image does. */
export function tokEnd(t: IToken): number { return t.startOffset + t.image.length; }

const PREC: Record<string, number> = {
  or: 1, and: 2, '==': 4, '!=': 4, '<': 4, '<=': 4, '>': 4, '>=': 4, '≈': 4, '+': 5, '-': 5, '*': 6, '/': 6, '@': 6,
};
const PREFIX_PREC = { not: 3, sign: 7 };

function tokenSpan(t: IToken): Span {
  if (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset)) return { start: -1, end: -1 };
  return { start: t.startOffset, end: tokEnd(t) };
}
const valid = (s: Span) => s.start >= 0 && !Number.isNaN(s.start);

function unaryNode(op: IToken, operand: Expr): Expr {
  const os = tokenSpan(op);
  const end = valid(operand.span) ? operand.span.end : os.end;
  return { kind: 'unary', op: op.image as '-' | '+' | 'not', operand, span: { start: os.start, end } };
}

function binaryNode(op: BinaryOp, left: Expr, right: Expr, opSpan: Span): Expr {
  const start = valid(left.span) ? left.span.start : opSpan.start;
  const end = valid(right.span) ? right.span.end : opSpan.end;
  return { kind: 'binary', op, left, right, opSpan, span: { start, end } };
}

/** Shunting-yard over `prefix* operand (op prefix* operand)*`. */
function buildExpr(seq: (Expr | IToken)[]): Expr {
  const out: Expr[] = [];
  const ops: { tok: IToken; prec: number; unary: boolean }[] = [];
  const apply = () => {
    const o = ops.pop()!;
    if (o.unary) { out.push(unaryNode(o.tok, out.pop() ?? errorExpr())); return; }
    const right = out.pop() ?? errorExpr(), left = out.pop() ?? errorExpr();
    out.push(binaryNode(o.tok.image as BinaryOp, left, right, tokenSpan(o.tok)));
  };
  let expectOperand = true;
  for (const item of seq) {
    if (!item) continue;
    if ('kind' in item) { out.push(item); expectOperand = false; continue; }
    const tok = item as IToken;
    if (expectOperand) { ops.push({ tok, prec: tok.tokenType === T.Not ? PREFIX_PREC.not : PREFIX_PREC.sign, unary: true }); continue; }
    const p = PREC[tok.image] ?? 0;
    while (ops.length && ops[ops.length - 1].prec >= p) apply();
    ops.push({ tok, prec: p, unary: false });
    expectOperand = true;
  }
  while (ops.length) apply();
  return out.pop() ?? errorExpr();
}

const invalid: Span = { start: -1, end: -1 };
const errorExpr = (): Expr => ({ kind: 'error', span: { ...invalid } });

/** While a chunk is parsed: the token after it (the parser sees an end of input there). */
let nextAfterChunk: IToken | undefined;

function describeToken(t: IToken | undefined): string {
  if ((!t || t.tokenType === chevrotain.EOF) && nextAfterChunk) return `'${nextAfterChunk.image}'`;
  if (!t || t.tokenType === chevrotain.EOF) return 'the end of the file';
  return `'${t.image.length > 24 ? t.image.slice(0, 24) + '…' : t.image}'`;
}

const EXPR_RULES = new Set(['expr', 'prefixOp', 'binaryOp', 'power', 'postfix', 'primary', 'arg']);

const errorMessages = {
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

class TlabParser extends chevrotain.EmbeddedActionsParser {
  /** Errors found by actions (shape syntax, misplaced statements, junk). */
  extra: ParseError[] = [];
  /** Offset after the last statement that parsed without an error: junk right after an error is not re-reported. */
  private lastJunkEnd = -1;
  text = '';

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: errorMessages as any });
    this.performSelfAnalysis();
  }

  // ---- helpers (only called inside ACTION or with real tokens) ----------------------------------
  private tokSpan(t: IToken | undefined): Span {
    if (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset) || t.startOffset === undefined) {
      const e = this.prevEnd();
      return { start: e, end: e };
    }
    return { start: t.startOffset, end: tokEnd(t) };
  }
  /** End offset of the last consumed token. */
  private prevEnd(): number {
    const t = this.LA(0);
    return t && t.image !== undefined && !Number.isNaN(t.startOffset) ? tokEnd(t) : 0;
  }
  private ident(t: IToken): Ident { return { name: t.isInsertedInRecovery ? '' : t.image, span: this.tokSpan(t) }; }
  private stringValue(t: IToken): string {
    const raw = t.image ?? '';
    const body = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
    return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  }
  private from(start: number): Span { return { start, end: Math.max(start, this.prevEnd()) }; }
  private exprSpan(e: Expr | undefined): Span { return e && e.span && e.span.start >= 0 ? e.span : { start: this.prevEnd(), end: this.prevEnd() }; }
  private ex(e: Expr | undefined): Expr { return e && (e as any).kind ? e : errorExpr(); }
  private bin(op: BinaryOp, l: Expr | undefined, r: Expr | undefined, opTok: IToken): Expr {
    const left = this.ex(l), right = this.ex(r);
    const ls = this.exprSpan(left), opSpan = this.tokSpan(opTok);
    return { kind: 'binary', op, left, right, opSpan, span: { start: Math.min(ls.start, opSpan.start), end: this.prevEnd() } };
  }

  // ---- top level ---------------------------------------------------------------------------------
  /**
   * The statement being parsed, registered as soon as its head is read. When recovery abandons the
   * statement (a broken expression), the rule returns this instead of nothing, so `let a = (1 +` still
   * defines `a` and its statement keeps a span.
   */
  private pending: AnyStmt | undefined;
  private takePending = (): AnyStmt | undefined => {
    const p = this.pending;
    this.pending = undefined;
    if (p) p.span = { start: p.span.start, end: Math.max(p.span.start, this.prevEnd()) };
    return p;
  };
  private setPending(s: AnyStmt): void { this.pending = s; }

  /** The block whose body is being parsed (still set when recovery abandoned it). */
  currentBlock: ExperimentDecl | DerivationDecl | undefined;
  /** A statement left unfinished at the end of the input. */
  flushPending(): void {
    const p = this.takePending();
    if (!p) return;
    if (this.currentBlock) { this.addToBlock(this.currentBlock, p); this.currentBlock.span.end = Math.max(this.currentBlock.span.end, p.span.end); }
    else if (p.kind === 'let') this.items.push(p);
  }

  /** Top-level items in source order, appended as soon as they are known (recovery may abandon a rule). */
  items: TopLevel[] = [];

  public file = this.RULE('file', (): void => {
    this.MANY(() => {
      this.OR([
        { ALT: () => { const d = this.SUBRULE(this.importDecl); this.ACTION(() => { if (d && d.kind) this.items.push(d); }); } },
        { ALT: () => { const d = this.SUBRULE(this.letStmt); this.ACTION(() => { this.pending = undefined; if (d && d.kind) this.items.push(d); }); } },
        { ALT: () => this.SUBRULE(this.block) },
        { ALT: () => this.SUBRULE(this.topMisplaced) },
        { ALT: () => this.SUBRULE(this.topJunkToken) },
      ]);
    });
  });

  private importDecl = this.RULE('import', (): ImportDecl => {
    const kw = this.CONSUME(T.Import);
    const s = this.CONSUME(T.StringLit);
    return this.ACTION(() => ({ kind: 'import' as const, path: { value: this.stringValue(s), span: this.tokSpan(s) }, span: this.from(kw.startOffset) }))!;
  });

  /**
   * `experiment NAME "title" { … }` or `derivation NAME "title" { … }`. The declaration joins `items`
   * before its body is parsed and grows statement by statement, so a block abandoned by recovery keeps
   * everything parsed so far.
   */
  private block = this.RULE('block', (): void => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.Experiment) }, { ALT: () => this.CONSUME(T.Derivation) }]);
    const name = this.CONSUME(T.Identifier);
    const title = this.OPTION(() => this.CONSUME(T.StringLit));
    const decl = this.ACTION(() => {
      const isExp = kw.tokenType === T.Experiment;
      const t = title ? { value: this.stringValue(title), span: this.tokSpan(title) } : undefined;
      const span = this.from(kw.startOffset);
      const d: ExperimentDecl | DerivationDecl = isExp
        ? { kind: 'experiment', name: this.ident(name), title: t, body: [], span }
        : { kind: 'derivation', name: this.ident(name), title: t, body: [], span };
      this.items.push(d);
      this.currentBlock = d;
      return d;
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      const st = this.OR2([
        { ALT: () => this.SUBRULE(this.statement) },
        { ALT: () => { this.SUBRULE(this.blockJunkToken); return undefined; } },
      ]);
      this.ACTION(() => {
        this.pending = undefined;
        if (!decl) return;
        decl.span.end = this.prevEnd();
        if (st && st.kind) this.addToBlock(decl, st);
      });
    });
    this.CONSUME(T.RCurly);
    this.ACTION(() => { if (decl) decl.span.end = this.prevEnd(); this.currentBlock = undefined; });
  });

  private addToBlock(decl: ExperimentDecl | DerivationDecl, s: AnyStmt): void {
    const isExp = decl.kind === 'experiment';
    const allowed = isExp ? ['let', 'sweep', 'solve', 'plot', 'expect'] : ['let', 'given', 'check'];
    if (allowed.includes(s.kind)) { (decl.body as AnyStmt[]).push(s); return; }
    const word = this.text.slice(s.span.start, s.span.end).split(/\s/)[0];
    this.extra.push({ span: { start: s.span.start, end: s.span.start + word.length }, message: `\`${word}\` is not allowed in ${isExp ? 'an experiment' : 'a derivation'} (allowed: ${allowed.join(', ')})` });
  }

  /** A block statement written at top level: parsed (so its own errors show) and reported once. */
  private topMisplaced = this.RULE('topMisplaced', () => {
    const st = this.OR([
      { ALT: () => this.SUBRULE(this.sweepStmt) as AnyStmt },
      { ALT: () => this.SUBRULE(this.solveStmt) as AnyStmt },
      { ALT: () => this.SUBRULE(this.plotStmt) as AnyStmt },
      { ALT: () => this.SUBRULE(this.expectStmt) as AnyStmt },
      { ALT: () => this.SUBRULE(this.givenStmt) as AnyStmt },
      { ALT: () => this.SUBRULE(this.checkStmt) as AnyStmt },
    ]);
    this.ACTION(() => {
      if (!st || !st.span) return;
      const word = this.text.slice(st.span.start, st.span.end).split(/\s/)[0];
      this.extra.push({ span: { start: st.span.start, end: st.span.start + word.length }, message: `\`${word}\` must be inside an experiment or derivation block` });
    });
  });

  private junk(tok: IToken, where: string): void {
    if (!tok || tok.isInsertedInRecovery) return;
    const span = this.tokSpan(tok);
    const last = this.extra[this.extra.length - 1];
    // Consecutive stray tokens make one diagnostic.
    if (last && this.lastJunkEnd >= 0 && last.span.end === this.lastJunkEnd && /^\s*$/.test(this.text.slice(last.span.end, span.start))) {
      last.span = { start: last.span.start, end: span.end };
    } else {
      this.extra.push({ span, message: `unexpected ${describeToken(tok)}: expected ${where}`, junk: true });
    }
    this.lastJunkEnd = span.end;
  }

  private topJunkToken = this.RULE('topJunkToken', () => {
    const tok = this.OR(topJunk.map((t) => ({ ALT: () => this.CONSUME(t) })));
    this.ACTION(() => this.junk(tok, 'import, let, experiment or derivation'));
  });

  private blockJunkToken = this.RULE('blockJunkToken', () => {
    const tok = this.OR(blockJunk.map((t) => ({ ALT: () => this.CONSUME(t) })));
    this.ACTION(() => this.junk(tok, 'a statement (let, sweep, solve, simulate, plot, expect, given, check) or }'));
  });

  // ---- statements --------------------------------------------------------------------------------
  private statementAlts?: { ALT: () => AnyStmt }[];
  private statement = this.RULE('statement', (): AnyStmt => this.OR(this.statementAlts ??= [
    { ALT: () => this.SUBRULE(this.letStmt) as AnyStmt },
    { ALT: () => this.SUBRULE(this.sweepStmt) as AnyStmt },
    { ALT: () => this.SUBRULE(this.solveStmt) as AnyStmt },
    { ALT: () => this.SUBRULE(this.plotStmt) as AnyStmt },
    { ALT: () => this.SUBRULE(this.expectStmt) as AnyStmt },
    { ALT: () => this.SUBRULE(this.givenStmt) as AnyStmt },
    { ALT: () => this.SUBRULE(this.checkStmt) as AnyStmt },
  ]), { recoveryValueFunc: this.takePending as any });

  private letStmt = this.RULE('let', (): LetStmt => {
    const kw = this.CONSUME(T.Let);
    const name = this.CONSUME(T.Identifier);
    this.ACTION(() => this.setPending({ kind: 'let', name: this.ident(name), value: errorExpr(), span: this.from(kw.startOffset) }));
    let params: IToken[] | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      params = [];
      this.MANY_SEP({ SEP: T.Comma, DEF: () => { const p = this.CONSUME2(T.Identifier); this.ACTION(() => params!.push(p)); } });
      this.CONSUME(T.RParen);
    });
    this.CONSUME(T.Assign);
    const value = this.SUBRULE(this.expr);
    return this.ACTION(() => ({
      kind: 'let' as const, name: this.ident(name), params: params?.filter((p) => !p.isInsertedInRecovery).map((p) => this.ident(p)),
      value: this.ex(value), span: this.from(kw.startOffset),
    }))!;
  }, { recoveryValueFunc: this.takePending as any });

  private sweepStmt = this.RULE('sweep', (): SweepStmt => {
    const kw = this.CONSUME(T.Sweep);
    const name = this.CONSUME(T.Identifier);
    this.ACTION(() => this.setPending({ kind: 'sweep', name: this.ident(name), values: errorExpr(), span: this.from(kw.startOffset) }));
    this.CONSUME(T.Assign);
    const values = this.SUBRULE(this.expr);
    return this.ACTION(() => ({ kind: 'sweep' as const, name: this.ident(name), values: this.ex(values), span: this.from(kw.startOffset) }))!;
  }, { recoveryValueFunc: this.takePending as any });

  private solveStmt = this.RULE('solve', (): SolveStmt => {
    const kw = this.OR([{ ALT: () => this.CONSUME(T.Solve) }, { ALT: () => this.CONSUME(T.Simulate) }]);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    this.ACTION(() => this.setPending({ kind: 'solve', stochastic: kw.tokenType === T.Simulate, name: this.ident(name), solver: { name: '', span: this.from(kw.startOffset) }, args: [], span: this.from(kw.startOffset) }));
    const first = this.CONSUME2(T.Identifier);
    const parts: IToken[] = [first];
    this.MANY(() => {
      this.CONSUME(T.Dot);
      const p = this.CONSUME3(T.Identifier);
      this.ACTION(() => parts.push(p));
    });
    const args = this.SUBRULE(this.argList);
    let device: IToken | undefined, onTok: IToken | undefined;
    this.OPTION({
      GATE: () => this.LA(1).image === 'on',
      DEF: () => { onTok = this.CONSUME4(T.Identifier); device = this.CONSUME5(T.Identifier); },
    });
    return this.ACTION(() => {
      const real = parts.filter((p) => !p.isInsertedInRecovery);
      const solver: Ident = real.length
        ? { name: real.map((p) => p.image).join('.'), span: { start: real[0].startOffset, end: tokEnd(real[real.length - 1]) } }
        : { name: '', span: this.tokSpan(first) };
      let dev: SolveStmt['device'];
      if (device && !device.isInsertedInRecovery) {
        if (DEVICES.includes(device.image)) dev = { value: device.image as 'gpu', span: this.tokSpan(device) };
        else this.extra.push({ span: this.tokSpan(device), message: `unknown device '${device.image}': expected gpu, cpu or auto` });
      }
      void onTok;
      return {
        kind: 'solve' as const, stochastic: kw.tokenType === T.Simulate, name: this.ident(name), solver,
        args: args ?? [], device: dev, span: this.from(kw.startOffset),
      };
    })!;
  }, { recoveryValueFunc: this.takePending as any });

  private plotStmt = this.RULE('plot', (): PlotStmt => {
    const kw = this.CONSUME(T.Plot);
    const title = this.OPTION(() => this.CONSUME(T.StringLit));
    const series: PlotSeries[] = [];
    this.ACTION(() => this.setPending({ kind: 'plot', title: title ? { value: this.stringValue(title), span: this.tokSpan(title) } : undefined, series, span: this.from(kw.startOffset) }));
    this.CONSUME(T.LCurly);
    const axisTitles: { xlabel?: IToken; ylabel?: IToken } = {};
    this.MANY(() => this.OR([
      {
        GATE: () => (this.LA(1).image === 'xlabel' || this.LA(1).image === 'ylabel') && this.LA(2).tokenType === T.StringLit,
        ALT: () => { const which = this.CONSUME2(T.Identifier); const text = this.CONSUME2(T.StringLit); this.ACTION(() => { axisTitles[which.image as 'xlabel' | 'ylabel'] = text; }); },
      },
      { ALT: () => { const s = this.SUBRULE(this.plotSeries); this.ACTION(() => { if (s && s.span) series.push(s); }); } },
    ]));
    this.CONSUME(T.RCurly);
    return this.ACTION(() => {
      const titled = (tok?: IToken) => (tok && !tok.isInsertedInRecovery ? { value: this.stringValue(tok), span: this.tokSpan(tok) } : undefined);
      return {
        kind: 'plot' as const, title: title ? { value: this.stringValue(title), span: this.tokSpan(title) } : undefined, series,
        xlabel: titled(axisTitles.xlabel), ylabel: titled(axisTitles.ylabel), span: this.from(kw.startOffset),
      };
    })!;
  }, { recoveryValueFunc: this.takePending as any });

  private plotSeries = this.RULE('plotSeries', (): PlotSeries => {
    const axis = this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    const value = this.SUBRULE(this.expr);
    let label: IToken | undefined, scale: IToken | undefined, unit: IToken | undefined;
    this.MANY({
      GATE: () => this.LA(1).image === 'label' || this.LA(1).image === 'scale' || this.LA(1).image === 'unit',
      DEF: () => this.OR([
        { GATE: () => this.LA(1).image === 'label', ALT: () => { this.CONSUME2(T.Identifier); label = this.CONSUME(T.StringLit); } },
        { GATE: () => this.LA(1).image === 'scale', ALT: () => { this.CONSUME3(T.Identifier); scale = this.CONSUME4(T.Identifier); } },
        { GATE: () => this.LA(1).image === 'unit', ALT: () => { this.CONSUME5(T.Identifier); unit = this.CONSUME3(T.StringLit); } },
      ]),
    });
    return this.ACTION(() => {
      let ax: PlotSeries['axis'] = 'y';
      if (axis.image === 'x' || axis.image === 'y' || axis.image === 'heatmap' || axis.image === 'image') ax = axis.image;
      else if (!axis.isInsertedInRecovery) this.extra.push({ span: this.tokSpan(axis), message: `a plot line starts with \`x =\`, \`y =\`, \`heatmap =\` or \`image =\`, not \`${axis.image} =\`` });
      let sc: PlotSeries['scale'];
      if (scale && !scale.isInsertedInRecovery) {
        if (scale.image === 'log' || scale.image === 'linear') sc = { value: scale.image, span: this.tokSpan(scale) };
        else this.extra.push({ span: this.tokSpan(scale), message: `unknown scale '${scale.image}': expected log or linear` });
      }
      return {
        axis: ax, value: this.ex(value), label: label ? { value: this.stringValue(label), span: this.tokSpan(label) } : undefined,
        scale: sc, unit: unit && !unit.isInsertedInRecovery ? { value: this.stringValue(unit), span: this.tokSpan(unit) } : undefined,
        span: this.from(axis.startOffset),
      };
    })!;
  });

  private expectStmt = this.RULE('expect', (): ExpectStmt => {
    const kw = this.CONSUME(T.Expect);
    this.ACTION(() => this.setPending({ kind: 'expect', condition: errorExpr(), span: this.from(kw.startOffset) }));
    const condition = this.SUBRULE(this.expr);
    let tol: Expr | undefined, where: Expr | undefined;
    this.OPTION(() => { this.CONSUME(T.Within); tol = this.SUBRULE3(this.expr); });
    this.OPTION2(() => { this.CONSUME(T.Where); where = this.SUBRULE2(this.expr); });
    return this.ACTION(() => {
      const tolerance = tol ? this.ex(tol) : undefined;
      const percent = tolerance?.kind === 'num' && tolerance.text.endsWith('%') ? true : undefined;
      return { kind: 'expect' as const, condition: this.ex(condition), tolerance, percent, where: where ? this.ex(where) : undefined, span: this.from(kw.startOffset) };
    })!;
  }, { recoveryValueFunc: this.takePending as any });

  private givenStmt = this.RULE('given', (): GivenStmt => {
    const kw = this.CONSUME(T.Given);
    const vars: GivenVar[] = [];
    this.ACTION(() => this.setPending({ kind: 'given', vars, span: this.from(kw.startOffset) }));
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { const v = this.SUBRULE(this.givenVar); this.ACTION(() => { if (v && v.span) vars.push(v); }); } });
    return this.ACTION(() => ({ kind: 'given' as const, vars, span: this.from(kw.startOffset) }))!;
  }, { recoveryValueFunc: this.takePending as any });

  private givenVar = this.RULE('givenVar', (): GivenVar => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    const shapeWord = this.CONSUME2(T.Identifier);
    const dims: IToken[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => { const d = this.CONSUME(T.NumberLit); this.ACTION(() => dims.push(d)); } });
      this.CONSUME(T.RParen);
    });
    const domain = this.OPTION2({ GATE: () => DOMAINS.includes(this.LA(1).image as DomainName), DEF: () => this.CONSUME3(T.Identifier) });
    return this.ACTION(() => {
      const w = shapeWord.image;
      const ns = dims.filter((d) => !d.isInsertedInRecovery).map((d) => Number(d.image));
      let shape: GivenVar['shape'] = { kind: 'scalar' };
      let dom: DomainName = domain && !domain.isInsertedInRecovery ? domain.image as DomainName : 'real';
      const badDim = (n: number) => !Number.isInteger(n) || n < 1 || n > 100000;
      if (w === 'vector') {
        if (ns.length !== 1 || badDim(ns[0])) this.extra.push({ span: this.from(shapeWord.startOffset), message: 'a vector needs one positive integer size: vector(n)' });
        else shape = { kind: 'vector', n: ns[0] };
      } else if (w === 'matrix') {
        if (ns.length !== 2 || badDim(ns[0]) || badDim(ns[1])) this.extra.push({ span: this.from(shapeWord.startOffset), message: 'a matrix needs two positive integer sizes: matrix(rows, cols)' });
        else shape = { kind: 'matrix', rows: ns[0], cols: ns[1] };
      } else if (w === 'scalar') {
        if (ns.length) this.extra.push({ span: this.tokSpan(shapeWord), message: 'a scalar takes no size' });
      } else if (DOMAINS.includes(w as DomainName) && !domain && !dims.length) {
        dom = w as DomainName; // `given s: positive` is a positive scalar
      } else if (!shapeWord.isInsertedInRecovery) {
        this.extra.push({ span: this.tokSpan(shapeWord), message: `unknown shape '${w}': expected scalar, vector(n) or matrix(r, c)` });
      }
      return { name: this.ident(name), shape, domain: dom, span: this.from(name.startOffset) };
    })!;
  });

  private checkStmt = this.RULE('check', (): CheckStmt => {
    const kw = this.CONSUME(T.Check);
    this.ACTION(() => this.setPending({ kind: 'check', left: errorExpr(), right: errorExpr(), span: this.from(kw.startOffset) }));
    const cond = this.SUBRULE(this.expr);
    let tol: Expr | undefined, points: Expr | undefined;
    this.OPTION(() => { this.CONSUME(T.Within); tol = this.SUBRULE3(this.expr); });
    this.OPTION2({
      GATE: () => this.LA(1).image === 'at',
      DEF: () => {
        this.CONSUME(T.Identifier);
        points = this.SUBRULE4(this.expr);
        const p = this.CONSUME2(T.Identifier);
        this.ACTION(() => { if (!p.isInsertedInRecovery && p.image !== 'points') this.extra.push({ span: this.tokSpan(p), message: `expected 'points' but found '${p.image}'` }); });
      },
    });
    return this.ACTION(() => {
      const c = this.ex(cond);
      let left: Expr = c, right: Expr = errorExpr();
      if (c.kind === 'binary' && c.op === '==') { left = c.left; right = c.right; }
      else if (c.kind !== 'error') {
        this.extra.push({ span: c.span, message: 'a check compares two expressions with ==: `check A == B`' });
        right = { kind: 'error', span: { start: c.span.end, end: c.span.end } };
      }
      return { kind: 'check' as const, left, right, tolerance: tol ? this.ex(tol) : undefined, points: points ? this.ex(points) : undefined, span: this.from(kw.startOffset) };
    })!;
  }, { recoveryValueFunc: this.takePending as any });

  // ---- expressions ----------------------------------------------------------------------------
  // One flat rule reads `prefix* operand (binop prefix* operand)*` and builds the tree by precedence
  // (shunting-yard): or < and < not < comparisons < + - < * / @ < prefix - + ; `^` and postfix forms
  // bind tighter and live in `power`. One rule instead of a rule per level keeps parsing fast.
  public expr = this.RULE('expr', (): Expr => {
    const seq: (Expr | IToken)[] = [];
    this.MANY(() => { const t = this.SUBRULE(this.prefixOp); this.ACTION(() => seq.push(t)); });
    const first = this.SUBRULE(this.power);
    this.ACTION(() => seq.push(this.ex(first)));
    this.MANY2(() => {
      const op = this.SUBRULE(this.binaryOp);
      this.ACTION(() => seq.push(op));
      this.MANY3(() => { const t = this.SUBRULE2(this.prefixOp); this.ACTION(() => seq.push(t)); });
      const operand = this.SUBRULE2(this.power);
      this.ACTION(() => seq.push(this.ex(operand)));
    });
    return this.ACTION(() => buildExpr(seq))!;
  }, { recoveryValueFunc: errorExpr });

  private prefixOp = this.RULE('prefixOp', (): IToken => this.CONSUME(T.PrefixOperator));

  private binaryOp = this.RULE('binaryOp', (): IToken => this.CONSUME(T.BinaryOperator));

  private power = this.RULE('power', (): Expr => {
    let base = this.SUBRULE(this.postfix);
    this.OPTION(() => {
      const op = this.CONSUME(T.Caret);
      // right-associative, and the exponent may carry a sign: `2^-1`, `a^b^c` = a^(b^c)
      const signs: IToken[] = [];
      this.MANY(() => {
        const t = this.OR([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]);
        this.ACTION(() => signs.push(t));
      });
      const exp = this.SUBRULE(this.power);
      base = this.ACTION(() => {
        let e = this.ex(exp);
        for (let i = signs.length - 1; i >= 0; i--) e = unaryNode(signs[i], e);
        return binaryNode('^', this.ex(base), e, tokenSpan(op));
      })!;
    });
    return base;
  }, { recoveryValueFunc: errorExpr });

  private postfix = this.RULE('postfix', (): Expr => {
    let e = this.SUBRULE(this.primary);
    this.MANY(() => this.OR([
      {
        ALT: () => {
          const args = this.SUBRULE(this.argList);
          e = this.ACTION(() => { const c = this.ex(e); return { kind: 'call' as const, callee: c, args: args ?? [], span: { start: this.exprSpan(c).start, end: this.prevEnd() } }; })!;
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          const name = this.CONSUME(T.Identifier);
          e = this.ACTION(() => {
            const o = this.ex(e);
            const span = { start: this.exprSpan(o).start, end: this.prevEnd() };
            if (name.image === 'T' && !name.isInsertedInRecovery) return { kind: 'transpose' as const, operand: o, span };
            return { kind: 'member' as const, object: o, name: name.isInsertedInRecovery ? '' : name.image, nameSpan: this.tokSpan(name), span };
          })!;
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          // `[expr]` indexes; `[name = value]` selects a grid point (read LL(1), like arguments)
          const first = this.SUBRULE(this.expr);
          let selValue: Expr | undefined, hasEq = false;
          this.OPTION2(() => { this.CONSUME(T.Assign); hasEq = true; selValue = this.SUBRULE2(this.expr); });
          const r = this.ACTION(() => {
            const f = this.ex(first);
            if (!hasEq) return { sel: undefined, v: f };
            if (f.kind !== 'name') { this.extra.push({ span: this.exprSpan(f), message: 'a selection names a swept variable: `x[alpha = 2]`' }); return { sel: undefined, v: this.ex(selValue) }; }
            return { sel: f, v: this.ex(selValue) };
          });
          this.CONSUME(T.RBracket);
          e = this.ACTION(() => {
            const o = this.ex(e);
            const span = { start: this.exprSpan(o).start, end: this.prevEnd() };
            if (r && r.sel && r.sel.kind === 'name') return { kind: 'select' as const, object: o, name: r.sel.name, nameSpan: r.sel.span, value: this.ex(r.v), span };
            return { kind: 'index' as const, object: o, index: this.ex(r?.v), span };
          })!;
        },
      },
    ]));
    return e;
  }, { recoveryValueFunc: errorExpr });

  // Alternatives are built once (they only use `this`): allocating them per call cost more than parsing.
  private primaryAlts?: { ALT: () => Expr }[];
  private primary = this.RULE('primary', (): Expr => this.OR(this.primaryAlts ??= [
    {
      ALT: () => {
        const t = this.CONSUME(T.NumberLit);
        return this.ACTION(() => {
          const pct = t.image.endsWith('%');
          const v = Number(pct ? t.image.slice(0, -1) : t.image);
          return { kind: 'num' as const, value: pct ? v / 100 : v, text: t.image, span: this.tokSpan(t) };
        })!;
      },
    },
    { ALT: () => { const t = this.CONSUME(T.StringLit); return this.ACTION(() => ({ kind: 'str' as const, value: this.stringValue(t), span: this.tokSpan(t) }))!; } },
    { ALT: () => { const t = this.CONSUME(T.Identifier); return this.ACTION(() => ({ kind: 'name' as const, name: t.image, span: this.tokSpan(t) }))!; } },
    { ALT: () => { const t = this.CONSUME(T.PrimeName); return this.ACTION(() => ({ kind: 'prime' as const, name: t.image.slice(0, -1), span: this.tokSpan(t) }))!; } },
    {
      ALT: () => {
        this.CONSUME(T.LParen);
        const inner = this.SUBRULE(this.expr);
        this.CONSUME(T.RParen);
        return inner;
      },
    },
    {
      ALT: () => {
        const open = this.CONSUME(T.LBracket);
        const items: Expr[] = [];
        this.OPTION(() => {
          const first = this.SUBRULE2(this.expr);
          this.ACTION(() => items.push(this.ex(first)));
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.OPTION2(() => { const it = this.SUBRULE3(this.expr); this.ACTION(() => items.push(this.ex(it))); });
          });
        });
        this.CONSUME(T.RBracket);
        return this.ACTION(() => ({ kind: 'list' as const, items, span: this.from(open.startOffset) }))!;
      },
    },
  ]), { recoveryValueFunc: errorExpr });

  /** `( [name =] expr, … )` — multi-line and with an optional trailing comma. */
  private argList = this.RULE('argList', (): Arg[] => {
    this.CONSUME(T.LParen);
    const args: Arg[] = [];
    this.OPTION(() => {
      const a = this.SUBRULE(this.arg);
      this.ACTION(() => { if (a) args.push(a); });
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.OPTION2(() => { const b = this.SUBRULE2(this.arg); this.ACTION(() => { if (b) args.push(b); }); });
      });
    });
    this.CONSUME(T.RParen);
    return args;
  }, { recoveryValueFunc: () => [] });

  /**
   * `[name =] expr`, read as an expression optionally followed by `= value` (LL(1): a plain name
   * before `=` is the argument's name), which keeps the lookahead cheap.
   */
  private arg = this.RULE('arg', (): Arg => {
    const first = this.SUBRULE(this.expr);
    let eq: IToken | undefined, value: Expr | undefined;
    this.OPTION(() => { eq = this.CONSUME(T.Assign); value = this.SUBRULE2(this.expr); });
    return this.ACTION(() => {
      const e = this.ex(first);
      if (!eq) return { value: e, span: this.exprSpan(e) };
      const v = this.ex(value);
      if (e.kind !== 'name') {
        const es = this.exprSpan(e);
        this.extra.push({ span: es, message: 'an argument name must be a plain name: `name = value`' });
        return { value: v, span: { start: es.start, end: Math.max(es.start, this.prevEnd()) } };
      }
      return { name: e.name, nameSpan: e.span, value: v, span: { start: e.span.start, end: Math.max(e.span.start, this.prevEnd()) } };
    })!;
  });
}

let shared: TlabParser | undefined;
function parser(): TlabParser {
  return (shared ??= new TlabParser());
}

interface ChunkResult { start: number; items: TopLevel[]; errors: ParseError[] }

/** Parses tokens[from, to) — one top-level chunk — with a fresh parser state. */
function parseChunk(p: TlabParser, text: string, tokens: IToken[], lo: number, hi: number): ChunkResult {
  p.text = text;
  p.extra = [];
  p.items = [];
  p.currentBlock = undefined;
  const errors: ParseError[] = [];
  nextAfterChunk = tokens[hi];
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
  nextAfterChunk = undefined;
  errors.push(...p.extra);
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
function chunkBounds(tokens: IToken[]): number[] {
  const bounds = [0];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tt = tokens[i].tokenType;
    if (tt === T.LCurly) depth++;
    else if (tt === T.RCurly) depth = Math.max(0, depth - 1);
    else if (depth === 0 && i > 0 && (tt === T.Experiment || tt === T.Derivation || tt === T.Let || tt === T.Import)) bounds.push(i);
  }
  bounds.push(tokens.length);
  return bounds;
}

const chunkCache = new Map<string, ChunkResult>();
const CHUNK_CACHE_LIMIT = 4000;

/** Forgets reusable chunk parses (tests compare cached and fresh parses). */
export function clearParseCache(): void { chunkCache.clear(); }

/** A deep copy of AST nodes/errors with every span moved by `delta`. */
function shifted<T>(v: T, delta: number): T {
  if (Array.isArray(v)) return v.map((x) => shifted(x, delta)) as unknown as T;
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2) {
    return { start: (o.start as number) + delta, end: (o.end as number) + delta } as unknown as T;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = shifted(o[k], delta);
  return out as T;
}

/** Parses a whole .tlab document. Never throws: syntax errors come back in `errors` with their spans. */
export function parseTlab(text: string): ParseResult {
  const lexed = T.lexTlab(text);
  const p = parser();
  const tokens = lexed.tokens;
  const errors: ParseError[] = [...lexed.errors];
  const items: TopLevel[] = [];
  if (tokens.length) {
    const bounds = chunkBounds(tokens);
    if (chunkCache.size > CHUNK_CACHE_LIMIT) chunkCache.clear();
    for (let c = 0; c + 1 < bounds.length; c++) {
      const lo = bounds[c], hi = bounds[c + 1];
      const start = tokens[lo].startOffset;
      const end = hi < tokens.length ? tokens[hi].startOffset : text.length;
      // The chunk's text and what follows it (messages name the next token) identify its parse.
      const key = `${text.slice(start, end)}\u0000${hi < tokens.length ? tokens[hi].image : ''}`;
      let r = chunkCache.get(key);
      if (!r) { r = parseChunk(p, text, tokens, lo, hi); chunkCache.set(key, r); }
      else if (r.start !== start) { r = { start, items: shifted(r.items, start - r.start), errors: shifted(r.errors, start - r.start) }; chunkCache.set(key, r); }
      items.push(...r.items);
      errors.push(...r.errors);
    }
  }
  const file: TlabFile = { items, span: { start: 0, end: text.length } };
  errors.sort((a, b) => a.span.start - b.span.start);
  // One error per position is enough (recovery can report the same spot twice), and stray tokens
  // right where a real syntax error was reported are part of that error.
  const unique = errors.filter((e, i) => (i === 0 || e.span.start !== errors[i - 1].span.start || e.message !== errors[i - 1].message)
    && !(e.junk && errors.some((o) => !o.junk && o.span.start >= e.span.start && o.span.start < e.span.end)))
    .map((e) => ({ span: clampSpan(e.span, text.length), message: e.message }));
  return { file, errors: unique, comments: lexed.comments, tokens };
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

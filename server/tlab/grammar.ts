// Statement grammar of .tlab: imports, top-level lets, experiment/derivation blocks and their statements
// (let, sweep, solve/simulate, plot, expect, given, check). Recovery works at two levels: chevrotain's
// single-token insertion/deletion and re-sync inside a statement, and "junk" alternatives that swallow
// tokens which cannot start a statement, so one syntax error never hides the rest of the file.
import type { IToken } from 'chevrotain';
import * as T from './lexer';
import type { CheckStmt, DerivationDecl, DomainName, ExperimentDecl, ExpectStmt, Expr, GivenStmt, GivenVar, Ident, ImportDecl, LetStmt, PlotSeries, PlotStmt, SolveStmt, SweepStmt, TopLevel } from './ast';
import { AnyStmt, blockJunk, DEVICES, DOMAINS, errorExpr, describeToken, tokEnd, topJunk } from './parseSupport';
import { ExprParser } from './grammarExpr';
import { tolerancePercent } from './ast';

/** The whole .tlab grammar: top-level items and statements on top of the expression rules. */
export class TlabParser extends ExprParser {
  /** Offset after the last statement that parsed without an error: junk right after an error is not re-reported. */
  private lastJunkEnd = -1;

  constructor() {
    super();
    this.performSelfAnalysis();
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
      const percent = tolerancePercent(tolerance);
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
}

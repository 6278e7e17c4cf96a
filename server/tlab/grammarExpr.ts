// Expression grammar of .tlab (chevrotain, embedded actions): one flat rule with precedence climbing
// for binary operators, right-associative `^`, postfix calls/members/indexing/selection, primaries,
// lists and argument lists. Error recovery returns `error` nodes that the checker ignores.
import type { IToken, ITokenGrammarPath, TokenType } from 'chevrotain';
import { chevrotain } from '../chevrotain';
import * as T from './lexer';
import type { Arg, BinaryOp, Expr, Ident, Span } from './ast';
import { binaryNode, buildExpr, errorExpr, errorMessages, ParseError, tokEnd, tokenSpan, unaryNode } from './parseSupport';
import { isCollapsed, MAX_EXPR_DEPTH, MAX_NESTING, nestingMessage } from './parseSupport';

/** The expression rules and the helpers every rule uses; the statement rules extend it. */
export class ExprParser extends chevrotain.EmbeddedActionsParser {
  /** Errors found by actions (shape syntax, misplaced statements, junk). */
  extra: ParseError[] = [];
  text = '';

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: errorMessages as any });
  }

  /**
   * The tokens that may follow where a CONSUME failed (for single-token insertion recovery), from at
   * most the innermost FOLLOW_RULES rules. Chevrotain walks the whole rule stack from `file` down,
   * recursively, on top of a parse stack that is already that deep: with 100 nested calls (five rules
   * a level) and an error inside, the walk overflowed the stack. The follows come from the innermost
   * rules anyway unless every rest up to the cut can be empty, where recovery just skips tokens instead.
   * (Chevrotain 11 marks this hook deprecated; deepCalls.test.ts fails if it stops being called.)
   */
  protected override getNextPossibleTokenTypes(path: ITokenGrammarPath): TokenType[] {
    const n = path.ruleStack.length;
    if (n <= FOLLOW_RULES) return super.getNextPossibleTokenTypes(path);
    return super.getNextPossibleTokenTypes({ ...path, ruleStack: path.ruleStack.slice(n - FOLLOW_RULES), occurrenceStack: path.occurrenceStack.slice(n - FOLLOW_RULES) });
  }

  // ---- helpers (only called inside ACTION or with real tokens) ----------------------------------
  protected tokSpan(t: IToken | undefined): Span {
    if (!t || t.isInsertedInRecovery || Number.isNaN(t.startOffset) || t.startOffset === undefined) {
      const e = this.prevEnd();
      return { start: e, end: e };
    }
    return { start: t.startOffset, end: tokEnd(t) };
  }
  /** End offset of the last consumed token. */
  protected prevEnd(): number {
    const t = this.LA(0);
    return t && t.image !== undefined && !Number.isNaN(t.startOffset) ? tokEnd(t) : 0;
  }
  protected ident(t: IToken): Ident { return { name: t.isInsertedInRecovery ? '' : t.image, span: this.tokSpan(t) }; }
  protected stringValue(t: IToken): string {
    const raw = t.image ?? '';
    const body = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
    return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  }
  protected from(start: number): Span { return { start, end: Math.max(start, this.prevEnd()) }; }
  protected exprSpan(e: Expr | undefined): Span { return e && e.span && e.span.start >= 0 ? e.span : { start: this.prevEnd(), end: this.prevEnd() }; }
  protected ex(e: Expr | undefined): Expr { return e && (e as any).kind ? e : errorExpr(); }
  protected bin(op: BinaryOp, l: Expr | undefined, r: Expr | undefined, opTok: IToken): Expr {
    const left = this.ex(l), right = this.ex(r);
    const ls = this.exprSpan(left), opSpan = this.tokSpan(opTok);
    return { kind: 'binary', op, left, right, opSpan, span: { start: Math.min(ls.start, opSpan.start), end: this.prevEnd() } };
  }


  // ---- expressions ----------------------------------------------------------------------------
  // One flat rule reads `prefix* operand (binop prefix* operand)*` and builds the tree by precedence
  // (shunting-yard): or < and < not < comparisons < + - < * / @ < prefix - + ; `^` and postfix forms
  // bind tighter and live in `power`. One rule instead of a rule per level keeps parsing fast.
  public expr = this.RULE('expr', (): Expr => {
    const startIdx = this.ACTION(() => (this as unknown as { currIdx: number }).currIdx) ?? 0;
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
    return this.ACTION(() => {
      const e = buildExpr(seq);
      // Every tree level owns at least one consumed token: a short expression cannot be too deep,
      // and skipping the walk there keeps the check off the profile.
      const consumed = (this as unknown as { currIdx: number }).currIdx - startIdx;
      if (consumed < MAX_EXPR_DEPTH || treeDepth(e) <= MAX_EXPR_DEPTH) return e;
      this.extra.push({ span: { start: e.span.start, end: Math.min(e.span.end, e.span.start + 1) }, message: nestingMessage('operators', MAX_EXPR_DEPTH) });
      return { kind: 'error' as const, span: e.span };
    })!;
  }, { recoveryValueFunc: errorExpr });

  protected prefixOp = this.RULE('prefixOp', (): IToken => this.CONSUME(T.PrefixOperator));

  protected binaryOp = this.RULE('binaryOp', (): IToken => this.CONSUME(T.BinaryOperator));

  protected power = this.RULE('power', (): Expr => {
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

  protected postfix = this.RULE('postfix', (): Expr => {
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
  protected primaryAlts?: { ALT: () => Expr }[];
  protected primary = this.RULE('primary', (): Expr => this.OR(this.primaryAlts ??= [
    {
      ALT: () => {
        const t = this.CONSUME(T.NumberLit);
        return this.ACTION(() => {
          if (isCollapsed(t)) {
            const span = { start: t.startOffset, end: t.collapsedEnd };
            this.extra.push({ span: { start: span.start, end: Math.min(span.end, span.start + 1) }, message: nestingMessage(t.collapsedWhat, MAX_NESTING) });
            return { kind: 'error' as const, span };
          }
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
        const open = this.CONSUME(T.LParen);
        const inner = this.SUBRULE(this.expr);
        this.CONSUME(T.RParen);
        // the brackets belong to the expression's text: `(2 * a)` as an operand, quoted in messages and labels
        return this.ACTION(() => (inner ? { ...inner, span: this.from(open.startOffset) } : inner))!;
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
  protected argList = this.RULE('argList', (): Arg[] => {
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
  protected arg = this.RULE('arg', (): Arg => {
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

/** Rules of the stack that recovery looks at (getNextPossibleTokenTypes): ~6 levels of nested calls. */
const FOLLOW_RULES = 32;

/** Tree depth of each expression built so far (computed once per node, from its children's). */
const depthMemo = new WeakMap<Expr, number>();
export function treeDepth(e: Expr): number {
  const known = depthMemo.get(e);
  if (known !== undefined) return known;
  // Children first, without recursion: nodes deeper than the cap are never kept, but a fresh chain
  // (`1+1+…`) can be as deep as it is long.
  const stack: Expr[] = [e];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (depthMemo.has(top)) { stack.pop(); continue; }
    const kids = children(top);
    // a loop, not push(...kids): a list of a million items would overflow the argument stack
    let pending = false;
    for (const k of kids) if (!depthMemo.has(k)) { stack.push(k); pending = true; }
    if (pending) continue;
    depthMemo.set(top, 1 + kids.reduce((m, k) => Math.max(m, depthMemo.get(k)!), 0));
    stack.pop();
  }
  return depthMemo.get(e)!;
}

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'binary': return [e.left, e.right];
    case 'unary': case 'transpose': return [e.operand];
    case 'call': return [e.callee, ...e.args.map((a) => a.value)];
    case 'member': return [e.object];
    case 'index': return [e.object, e.index];
    case 'select': return [e.object, e.value];
    case 'list': return e.items;
    default: return [];
  }
}

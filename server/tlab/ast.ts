// Typed AST of the .tlab language. Every node carries its source span (character offsets into the
// document), so diagnostics, hovers and edits can point at the exact text. The parser produces these
// nodes; the checker, the runner and the derivation engine (server/derive) consume them.

export interface Span { start: number; end: number }

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '@' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '≈' | 'and' | 'or';

export type Expr =
  | { kind: 'num'; value: number; text: string; span: Span }
  | { kind: 'str'; value: string; span: Span }
  | { kind: 'name'; name: string; span: Span }
  | { kind: 'list'; items: Expr[]; span: Span }
  /** f(args) — `callee` is a name (`sqrt`, a user function, `f'`) or a dotted solver id as a member chain. */
  | { kind: 'call'; callee: Expr; args: Arg[]; span: Span }
  | { kind: 'member'; object: Expr; name: string; nameSpan: Span; span: Span }
  /** v[i] (0-based) */
  | { kind: 'index'; object: Expr; index: Expr; span: Span }
  /** x[alpha = 2] — selects the grid point where a swept name has a value */
  | { kind: 'select'; object: Expr; name: string; nameSpan: Span; value: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; opSpan: Span; span: Span }
  | { kind: 'unary'; op: '-' | '+' | 'not'; operand: Expr; span: Span }
  /** X.T */
  | { kind: 'transpose'; operand: Expr; span: Span }
  /** f' — elementwise derivative of a scalar user function */
  | { kind: 'prime'; name: string; span: Span }
  /** placeholder produced by error recovery */
  | { kind: 'error'; span: Span };

export interface Arg { name?: string; nameSpan?: Span; value: Expr; span: Span }

export interface Ident { name: string; span: Span }

/** `let x = e` or `let f(a, b) = e` */
export interface LetStmt { kind: 'let'; name: Ident; params?: Ident[]; value: Expr; span: Span }

export interface SweepStmt { kind: 'sweep'; name: Ident; values: Expr; span: Span }

/** `solve r = id(args) [on gpu|cpu|auto]` and `simulate …` */
export interface SolveStmt {
  kind: 'solve';
  stochastic: boolean;              // written `simulate`
  name: Ident;
  solver: Ident;                    // dotted id, span covers all of it
  args: Arg[];
  device?: { value: 'gpu' | 'cpu' | 'auto'; span: Span };
  span: Span;
}

export interface PlotSeries {
  /** `heatmap` / `image` draw a matrix (or a square-reshaped vector) as a picture. */
  axis: 'x' | 'y' | 'heatmap' | 'image';
  value: Expr;
  label?: { value: string; span: Span };
  scale?: { value: 'log' | 'linear'; span: Span };
  unit?: { value: string; span: Span };
  span: Span;
}
export interface PlotStmt {
  kind: 'plot'; title?: { value: string; span: Span }; series: PlotSeries[];
  /** `xlabel "…"` / `ylabel "…"` lines: axis titles that override the ones derived from the labels. */
  xlabel?: { value: string; span: Span }; ylabel?: { value: string; span: Span };
  span: Span;
}

/** `expect A op B [within T] [where COND]` — `within` only with ≈ (T absolute, or relative when written with %). */
export interface ExpectStmt {
  kind: 'expect';
  condition: Expr;                 // a binary comparison node (==, ≈, <, …)
  tolerance?: Expr;                // any number expression; `percent` tells relative
  percent?: boolean;               // set by `tolerancePercent`
  where?: Expr;
  span: Span;
}

export type DomainName = 'real' | 'positive' | 'unit' | 'simplex' | 'spd';

/** `given x: vector(6), A: matrix(5, 5) spd` — one entry per declared variable */
export interface GivenVar {
  name: Ident;
  shape: { kind: 'scalar' } | { kind: 'vector'; n: number } | { kind: 'matrix'; rows: number; cols: number };
  domain: DomainName;
  span: Span;
}
export interface GivenStmt { kind: 'given'; vars: GivenVar[]; span: Span }

/** `check A == B [within T] [at N points]` */
export interface CheckStmt {
  kind: 'check';
  left: Expr;
  right: Expr;
  tolerance?: Expr;
  points?: Expr;
  span: Span;
}

export type ExperimentStmt = LetStmt | SweepStmt | SolveStmt | PlotStmt | ExpectStmt;
export type DerivationStmt = LetStmt | GivenStmt | CheckStmt;

export interface ExperimentDecl {
  kind: 'experiment'; name: Ident; title?: { value: string; span: Span }; body: ExperimentStmt[]; span: Span;
}
export interface DerivationDecl {
  kind: 'derivation'; name: Ident; title?: { value: string; span: Span }; body: DerivationStmt[]; span: Span;
}
export interface ImportDecl { kind: 'import'; path: { value: string; span: Span }; span: Span }

export type TopLevel = ImportDecl | LetStmt | ExperimentDecl | DerivationDecl;

export interface TlabFile { items: TopLevel[]; span: Span }

/**
 * Whether a `within` tolerance is relative: it is when a `%` number is written in it (`within 2%`,
 * `within (1%)`, `within 2 * 1%`, `within 0.5% + 0.5%`). Only the text of the tolerance counts: a name
 * bound to a percentage elsewhere (`let tol = 1%` … `within tol`) stays absolute, and the checker says so.
 */
export function tolerancePercent(tolerance: Expr | undefined): true | undefined {
  const stack: Expr[] = tolerance ? [tolerance] : [];
  while (stack.length) {
    const e = stack.pop()!;
    if (e.kind === 'num' && e.text.endsWith('%')) return true;
    if (e.kind === 'binary') stack.push(e.left, e.right);
    else if (e.kind === 'unary') stack.push(e.operand);
    else if (e.kind === 'call') for (const a of e.args) stack.push(a.value);
  }
  return undefined;
}

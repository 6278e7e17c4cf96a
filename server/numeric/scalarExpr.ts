// A small, safe evaluator for scalar expressions in one variable (e.g. an activation `tanh(2*x)`).
// Users type these into .tlab files, so the parser never calls eval/Function: it builds a syntax tree
// from a fixed grammar and a fixed list of functions, reports errors with a column, and compiles the
// tree into closures for the value and for the derivative (activations need σ′ for training).
//
// Grammar (usual precedence; `^` binds tighter than unary minus and is right-associative):
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := atom ('^' unary)?
//   atom    := number | name | name '(' sum (',' sum)* ')' | '(' sum ')'
//
// Hostile input is bounded, never quadratic: an expression has at most MAX_EXPR_TERMS terms and
// MAX_EXPR_DEPTH nesting levels (each a clear ExprError with a column, never a RangeError); identical
// sub-trees are hash-consed into one node (the tree is a DAG), every compiler memoises its closure per
// node, and the derivative comes from the one-pass dual compiler, so compile time and per-point cost are
// linear in the expression's size.

import { erf } from './special';

export class ExprError extends Error {
  /** 1-based column of the offending character in the source text. */
  constructor(message: string, public readonly column: number) {
    super(`${message} (at column ${column})`);
    this.name = 'ExprError';
  }
}

export type ScalarFn = (x: number) => number;

export interface CompiledExpr {
  source: string;
  variable: string;
  evaluate: ScalarFn;
  /** d/dx of the expression (forward-mode rules; 0 where a kink such as relu's is not differentiable). */
  derivative: ScalarFn;
  /** Value, with the derivative left in `dualSlot.d` (one pass for both). */
  dual: ScalarFn;
  dualSlot: { d: number };
}

/** Parsed expression tree. */
export type ExprNode =
  | { t: 'num'; v: number }
  | { t: 'var' }
  | { t: 'neg'; a: ExprNode }
  | { t: 'bin'; op: '+' | '-' | '*' | '/' | '^'; a: ExprNode; b: ExprNode }
  | { t: 'call'; f: string; args: ExprNode[] };

const UNARY: Record<string, (a: number) => number> = {
  tanh: Math.tanh, sinh: Math.sinh, cosh: Math.cosh, exp: Math.exp, log: Math.log, sqrt: Math.sqrt,
  abs: Math.abs, sin: Math.sin, cos: Math.cos, erf,
  sign: (a) => (a > 0 ? 1 : a < 0 ? -1 : 0),
  relu: (a) => (a > 0 ? a : 0),
};
const VARIADIC: Record<string, (args: number[]) => number> = {
  max: (a) => Math.max(...a),
  min: (a) => Math.min(...a),
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

/** Most terms an expression may have (numbers, names and operators; parentheses and commas not counted). */
export const MAX_EXPR_TERMS = 2000;
/** Most tokens of any kind, so a megabyte of parentheses is refused before it is held in memory. */
export const MAX_EXPR_TOKENS = 4 * MAX_EXPR_TERMS;
/** Deepest nesting (parentheses, calls, unary signs, exponent chains) the parser and compilers accept. */
export const MAX_EXPR_DEPTH = 600;

/** Names a user may call, for messages and completion. */
export const EXPR_FUNCTIONS = [...Object.keys(UNARY), ...Object.keys(VARIADIC)].sort();

/** Own-property lookup, so names such as `constructor` or `__proto__` never reach Object.prototype. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

interface Token { kind: 'num' | 'name' | 'op' | 'end'; text: string; value?: number; col: number }

// Sticky regexes match at `lastIndex` without copying the rest of the source (no quadratic slicing).
const NUM_RE = /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const NAME_RE = /[A-Za-z_][A-Za-z_0-9]*/y;
const SPACE_RE = /\s/;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0, terms = 0;
  while (i < src.length) {
    const c = src[i];
    if (SPACE_RE.test(c)) { i++; continue; }
    const col = i + 1;
    if (c !== '(' && c !== ')' && c !== ',') terms++;
    if (terms > MAX_EXPR_TERMS || out.length >= MAX_EXPR_TOKENS) {
      throw new ExprError(`expression too large: more than ${terms > MAX_EXPR_TERMS ? `${MAX_EXPR_TERMS} terms (numbers, names, operators)` : `${MAX_EXPR_TOKENS} tokens`}`, col);
    }
    NUM_RE.lastIndex = i;
    const num = NUM_RE.exec(src);
    if (num) {
      out.push({ kind: 'num', text: num[0], value: Number(num[0]), col });
      i += num[0].length;
      continue;
    }
    NAME_RE.lastIndex = i;
    const name = NAME_RE.exec(src);
    if (name) { out.push({ kind: 'name', text: name[0], col }); i += name[0].length; continue; }
    if (c === '*' && src[i + 1] === '*') { out.push({ kind: 'op', text: '^', col }); i += 2; continue; }
    if ('+-*/^(),'.includes(c)) { out.push({ kind: 'op', text: c, col }); i++; continue; }
    throw new ExprError(`unexpected character '${c}'`, col);
  }
  out.push({ kind: 'end', text: '', col: src.length + 1 });
  return out;
}

/** Parses `source` as a function of `variable`; throws ExprError with a column on any error. */
export function parseScalarExpr(source: string, variable = 'x'): ExprNode {
  const toks = tokenize(source);
  let pos = 0;
  // Hash-consing: structurally identical sub-trees become one shared node (keys use child ids).
  const ids = new Map<ExprNode, number>();
  const interned = new Map<string, ExprNode>();
  const mk = (n: ExprNode): ExprNode => {
    let key: string;
    switch (n.t) {
      case 'num': key = Object.is(n.v, -0) ? 'n-0' : `n${n.v}`; break;
      case 'var': key = 'v'; break;
      case 'neg': key = `-${ids.get(n.a)}`; break;
      case 'bin': key = `${n.op}${ids.get(n.a)},${ids.get(n.b)}`; break;
      case 'call': key = `${n.f}(${n.args.map((a) => ids.get(a)).join(',')}`; break;
    }
    const hit = interned.get(key);
    if (hit) return hit;
    interned.set(key, n);
    ids.set(n, ids.size);
    return n;
  };
  // Every nesting level passes through unary(); counting its active frames bounds the recursion.
  let depth = 0;
  const peek = () => toks[pos];
  const take = () => toks[pos++];
  const isOp = (t: Token, ...ops: string[]) => t.kind === 'op' && ops.includes(t.text);
  const expect = (text: string) => {
    const t = peek();
    if (!isOp(t, text)) {
      throw new ExprError(`expected '${text}' but found ${t.kind === 'end' ? 'the end of the expression' : `'${t.text}'`}`, t.col);
    }
    pos++;
  };

  const sum = (): ExprNode => {
    let left = product();
    while (isOp(peek(), '+', '-')) {
      const op = take().text as '+' | '-';
      left = mk({ t: 'bin', op, a: left, b: product() });
    }
    return left;
  };
  const product = (): ExprNode => {
    let left = unary();
    while (isOp(peek(), '*', '/')) {
      const op = take().text as '*' | '/';
      left = mk({ t: 'bin', op, a: left, b: unary() });
    }
    return left;
  };
  const unary = (): ExprNode => {
    if (depth >= MAX_EXPR_DEPTH) throw new ExprError(`expression nested deeper than ${MAX_EXPR_DEPTH} levels`, peek().col);
    depth++;
    try {
      if (isOp(peek(), '-', '+')) {
        const neg = take().text === '-';
        const a = unary();
        return neg ? mk({ t: 'neg', a }) : a;
      }
      return power();
    } finally {
      depth--;
    }
  };
  const power = (): ExprNode => {
    const base = atom();
    if (isOp(peek(), '^')) {
      take();
      return mk({ t: 'bin', op: '^', a: base, b: unary() });
    }
    return base;
  };
  const atom = (): ExprNode => {
    const t = take();
    if (t.kind === 'num') return mk({ t: 'num', v: t.value! });
    if (isOp(t, '(')) {
      const inner = sum();
      expect(')');
      return inner;
    }
    if (t.kind === 'name') {
      if (isOp(peek(), '(')) {
        take();
        const args: ExprNode[] = [sum()];
        while (isOp(peek(), ',')) { take(); args.push(sum()); }
        expect(')');
        if (own(UNARY, t.text)) {
          if (args.length !== 1) throw new ExprError(`${t.text}() takes 1 argument, got ${args.length}`, t.col);
        } else if (own(VARIADIC, t.text)) {
          if (args.length < 2) throw new ExprError(`${t.text}() takes at least 2 arguments, got ${args.length}`, t.col);
        } else {
          throw new ExprError(`unknown function '${t.text}' (known: ${EXPR_FUNCTIONS.join(', ')})`, t.col);
        }
        return mk({ t: 'call', f: t.text, args });
      }
      if (t.text === variable) return mk({ t: 'var' });
      const c = own(CONSTANTS, t.text);
      if (c !== undefined) return mk({ t: 'num', v: c });
      if (own(UNARY, t.text) || own(VARIADIC, t.text)) throw new ExprError(`function '${t.text}' needs parentheses`, t.col);
      throw new ExprError(`unknown name '${t.text}' (the variable is '${variable}')`, t.col);
    }
    if (t.kind === 'end') throw new ExprError('the expression ends too early', t.col);
    throw new ExprError(`unexpected '${t.text}'`, t.col);
  };

  if (toks.length === 1) throw new ExprError('empty expression', 1);
  const tree = sum();
  const rest = peek();
  if (rest.kind !== 'end') throw new ExprError(`unexpected '${rest.text}' after a complete expression`, rest.col);
  return tree;
}

/** Compiles a tree into a closure computing its value (one closure per distinct node of the DAG). */
export function compileValue(n: ExprNode, memo = new Map<ExprNode, ScalarFn>()): ScalarFn {
  let fn = memo.get(n);
  if (!fn) { fn = compileValueNode(n, memo); memo.set(n, fn); }
  return fn;
}

function compileValueNode(n: ExprNode, memo: Map<ExprNode, ScalarFn>): ScalarFn {
  const compileChild = (c: ExprNode) => compileValue(c, memo);
  switch (n.t) {
    case 'num': { const v = n.v; return () => v; }
    case 'var': return (x) => x;
    case 'neg': { const a = compileChild(n.a); return (x) => -a(x); }
    case 'bin': {
      const a = compileChild(n.a), b = compileChild(n.b);
      switch (n.op) {
        case '+': return (x) => a(x) + b(x);
        case '-': return (x) => a(x) - b(x);
        case '*': return (x) => a(x) * b(x);
        case '/': return (x) => a(x) / b(x);
        case '^': {
          // Small integer powers are common in activations (x^3); multiply instead of Math.pow.
          if (n.b.t === 'num' && n.b.v === 2) return (x) => { const u = a(x); return u * u; };
          if (n.b.t === 'num' && n.b.v === 3) return (x) => { const u = a(x); return u * u * u; };
          return (x) => Math.pow(a(x), b(x));
        }
      }
    }
    // falls through (unreachable: every operator returns)
    case 'call': {
      const nn = n as Extract<ExprNode, { t: 'call' }>;
      const args = nn.args.map(compileChild);
      const u = own(UNARY, nn.f);
      if (u) { const a = args[0]; return (x) => u(a(x)); }
      if (args.length === 2) {
        const [a, b] = args;
        return nn.f === 'max' ? (x) => Math.max(a(x), b(x)) : (x) => Math.min(a(x), b(x));
      }
      const v = own(VARIADIC, nn.f)!;
      return (x) => v(args.map((f) => f(x)));
    }
  }
}

const SQRT_PI = Math.sqrt(Math.PI);
/** Outer derivative f′(u) of each one-argument function. */
const UNARY_DERIV: Record<string, (u: number) => number> = {
  tanh: (u) => { const t = Math.tanh(u); return 1 - t * t; },
  sinh: Math.cosh, cosh: Math.sinh, exp: Math.exp,
  log: (u) => 1 / u,
  sqrt: (u) => 0.5 / Math.sqrt(u),
  abs: (u) => (u > 0 ? 1 : u < 0 ? -1 : 0),
  sin: Math.cos, cos: (u) => -Math.sin(u),
  erf: (u) => (2 / SQRT_PI) * Math.exp(-u * u),
  sign: () => 0,
  relu: (u) => (u > 0 ? 1 : 0),
};

/**
 * Compiles a tree into a closure computing d/dx (chain, product, quotient and power rules). It runs the
 * dual-number pass and keeps only the derivative: a separate symbolic derivative would re-derive and
 * re-evaluate every sub-expression once per level above it (quadratic in a chain such as x^x^…^x).
 */
export function compileDerivative(n: ExprNode): ScalarFn {
  const slot = { d: 0 };
  const dual = compileDual(n, slot);
  return (x) => { dual(x); return slot.d; };
}

/**
 * Compiles a tree into one closure that returns the value and leaves the derivative in `slot.d`
 * (forward-mode dual numbers): one pass instead of two, so tanh in tanh(2*x) is evaluated once.
 */
export function compileDual(n: ExprNode, slot: { d: number }, memo = new Map<ExprNode, ScalarFn>()): ScalarFn {
  // Sharing a closure between parents is sound: each call leaves its own node's derivative in the slot.
  let fn = memo.get(n);
  if (!fn) { fn = compileDualNode(n, slot, memo); memo.set(n, fn); }
  return fn;
}

function compileDualNode(n: ExprNode, slot: { d: number }, memo: Map<ExprNode, ScalarFn>): ScalarFn {
  switch (n.t) {
    case 'num': { const v = n.v; return () => { slot.d = 0; return v; }; }
    case 'var': return (x) => { slot.d = 1; return x; };
    case 'neg': { const a = compileDual(n.a, slot, memo); return (x) => { const v = a(x); slot.d = -slot.d; return -v; }; }
    case 'bin': {
      const a = compileDual(n.a, slot, memo), b = compileDual(n.b, slot, memo);
      switch (n.op) {
        case '+': return (x) => { const u = a(x), du = slot.d, v = b(x); slot.d += du; return u + v; };
        case '-': return (x) => { const u = a(x), du = slot.d, v = b(x); slot.d = du - slot.d; return u - v; };
        case '*': return (x) => { const u = a(x), du = slot.d, v = b(x); slot.d = du * v + u * slot.d; return u * v; };
        case '/': return (x) => { const u = a(x), du = slot.d, v = b(x); slot.d = (du * v - u * slot.d) / (v * v); return u / v; };
        case '^': {
          if (n.b.t === 'num') {
            const e = n.b.v;
            return (x) => { const u = a(x); const pm1 = Math.pow(u, e - 1); slot.d = e * pm1 * slot.d; return pm1 * u; };
          }
          return (x) => {
            const u = a(x), du = slot.d, v = b(x), dv = slot.d;
            const r = Math.pow(u, v);
            slot.d = r * (dv * Math.log(u) + v * du / u);
            return r;
          };
        }
      }
    }
    // falls through (unreachable)
    case 'call': {
      const nn = n as Extract<ExprNode, { t: 'call' }>;
      const args = nn.args.map((c) => compileDual(c, slot, memo));
      if (nn.f === 'tanh') {
        const a = args[0];
        return (x) => { const t = Math.tanh(a(x)); slot.d *= 1 - t * t; return t; };
      }
      if (nn.f === 'exp') {
        const a = args[0];
        return (x) => { const e = Math.exp(a(x)); slot.d *= e; return e; };
      }
      const u = own(UNARY, nn.f), du = own(UNARY_DERIV, nn.f);
      if (u && du) { const a = args[0]; return (x) => { const v = a(x); slot.d *= du(v); return u(v); }; }
      const pickMax = nn.f === 'max';
      return (x) => {
        let bv = args[0](x), bd = slot.d;
        for (let i = 1; i < args.length; i++) {
          const v = args[i](x);
          if (pickMax ? v > bv : v < bv) { bv = v; bd = slot.d; }
        }
        slot.d = bd;
        return bv;
      };
    }
  }
}

/**
 * Parses `source` as a function of `variable` and returns fast evaluators of its value and derivative.
 * Throws ExprError with a column for syntax errors, unknown names and wrong argument counts.
 */
export function compileScalarExpr(source: string, variable = 'x'): CompiledExpr {
  const tree = parseScalarExpr(source, variable);
  const dualSlot = { d: 0 };
  const dual = compileDual(tree, dualSlot);
  const derivSlot = { d: 0 };
  const derivDual = compileDual(tree, derivSlot);
  // `derivative` has its own slot so callers may interleave it with `dual` without clobbering dualSlot.
  return { source, variable, evaluate: compileValue(tree), derivative: (x) => { derivDual(x); return derivSlot.d; }, dual, dualSlot };
}

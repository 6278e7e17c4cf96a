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

/** Names a user may call, for messages and completion. */
export const EXPR_FUNCTIONS = [...Object.keys(UNARY), ...Object.keys(VARIADIC)].sort();

/** Own-property lookup, so names such as `constructor` or `__proto__` never reach Object.prototype. */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

interface Token { kind: 'num' | 'name' | 'op' | 'end'; text: string; value?: number; col: number }

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const col = i + 1;
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', text: num[0], value: Number(num[0]), col });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z_0-9]*/.exec(src.slice(i));
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
      left = { t: 'bin', op, a: left, b: product() };
    }
    return left;
  };
  const product = (): ExprNode => {
    let left = unary();
    while (isOp(peek(), '*', '/')) {
      const op = take().text as '*' | '/';
      left = { t: 'bin', op, a: left, b: unary() };
    }
    return left;
  };
  const unary = (): ExprNode => {
    if (isOp(peek(), '-', '+')) {
      const neg = take().text === '-';
      const a = unary();
      return neg ? { t: 'neg', a } : a;
    }
    return power();
  };
  const power = (): ExprNode => {
    const base = atom();
    if (isOp(peek(), '^')) {
      take();
      return { t: 'bin', op: '^', a: base, b: unary() };
    }
    return base;
  };
  const atom = (): ExprNode => {
    const t = take();
    if (t.kind === 'num') return { t: 'num', v: t.value! };
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
        return { t: 'call', f: t.text, args };
      }
      if (t.text === variable) return { t: 'var' };
      const c = own(CONSTANTS, t.text);
      if (c !== undefined) return { t: 'num', v: c };
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

/** Compiles a tree into a closure computing its value. */
export function compileValue(n: ExprNode): ScalarFn {
  switch (n.t) {
    case 'num': { const v = n.v; return () => v; }
    case 'var': return (x) => x;
    case 'neg': { const a = compileValue(n.a); return (x) => -a(x); }
    case 'bin': {
      const a = compileValue(n.a), b = compileValue(n.b);
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
      const args = nn.args.map(compileValue);
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

/** Compiles a tree into a closure computing d/dx (chain, product, quotient and power rules). */
export function compileDerivative(n: ExprNode): ScalarFn {
  switch (n.t) {
    case 'num': return () => 0;
    case 'var': return () => 1;
    case 'neg': { const da = compileDerivative(n.a); return (x) => -da(x); }
    case 'bin': {
      const a = compileValue(n.a), b = compileValue(n.b);
      const da = compileDerivative(n.a), db = compileDerivative(n.b);
      switch (n.op) {
        case '+': return (x) => da(x) + db(x);
        case '-': return (x) => da(x) - db(x);
        case '*': return (x) => da(x) * b(x) + a(x) * db(x);
        case '/': return (x) => { const bv = b(x); return (da(x) * bv - a(x) * db(x)) / (bv * bv); };
        case '^': {
          if (n.b.t === 'num') {
            const e = n.b.v;
            return (x) => e * Math.pow(a(x), e - 1) * da(x);
          }
          // d(a^b) = a^b (b′ ln a + b a′/a), for a > 0.
          return (x) => { const av = a(x), bv = b(x); return Math.pow(av, bv) * (db(x) * Math.log(av) + bv * da(x) / av); };
        }
      }
    }
    // falls through (unreachable)
    case 'call': {
      const nn = n as Extract<ExprNode, { t: 'call' }>;
      const args = nn.args.map(compileValue);
      const dargs = nn.args.map(compileDerivative);
      const du = own(UNARY_DERIV, nn.f);
      if (du) { const a = args[0], da = dargs[0]; return (x) => du(a(x)) * da(x); }
      // max/min: the derivative of the argument that is selected.
      const pickMax = nn.f === 'max';
      return (x) => {
        let best = 0, bv = args[0](x);
        for (let i = 1; i < args.length; i++) {
          const v = args[i](x);
          if (pickMax ? v > bv : v < bv) { bv = v; best = i; }
        }
        return dargs[best](x);
      };
    }
  }
}

/**
 * Compiles a tree into one closure that returns the value and leaves the derivative in `slot.d`
 * (forward-mode dual numbers): one pass instead of two, so tanh in tanh(2*x) is evaluated once.
 */
export function compileDual(n: ExprNode, slot: { d: number }): ScalarFn {
  switch (n.t) {
    case 'num': { const v = n.v; return () => { slot.d = 0; return v; }; }
    case 'var': return (x) => { slot.d = 1; return x; };
    case 'neg': { const a = compileDual(n.a, slot); return (x) => { const v = a(x); slot.d = -slot.d; return -v; }; }
    case 'bin': {
      const a = compileDual(n.a, slot), b = compileDual(n.b, slot);
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
      const args = nn.args.map((c) => compileDual(c, slot));
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
  return { source, variable, evaluate: compileValue(tree), derivative: compileDerivative(tree), dual: compileDual(tree, dualSlot), dualSlot };
}

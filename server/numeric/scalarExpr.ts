// A small, safe evaluator for scalar expressions in one variable (e.g. an activation `tanh(2*x)`).
// Users type these into .tlab files, so the parser never calls eval/Function: it builds a tree of
// closures from a fixed grammar and a fixed list of functions, and reports errors with a column.
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
}

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

/**
 * Parses `source` as a function of `variable` and returns a fast evaluator. Throws ExprError with a
 * column for syntax errors, unknown names and wrong argument counts.
 */
export function compileScalarExpr(source: string, variable = 'x'): CompiledExpr {
  const toks = tokenize(source);
  let pos = 0;
  const peek = () => toks[pos];
  const take = () => toks[pos++];
  const expect = (text: string) => {
    const t = peek();
    if (t.kind !== 'op' || t.text !== text) {
      throw new ExprError(`expected '${text}' but found ${t.kind === 'end' ? 'the end of the expression' : `'${t.text}'`}`, t.col);
    }
    pos++;
  };

  const sum = (): ScalarFn => {
    let left = product();
    for (;;) {
      const t = peek();
      if (t.kind === 'op' && (t.text === '+' || t.text === '-')) {
        take();
        const a = left, b = product();
        left = t.text === '+' ? (x) => a(x) + b(x) : (x) => a(x) - b(x);
      } else return left;
    }
  };
  const product = (): ScalarFn => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '/')) {
        take();
        const a = left, b = unary();
        left = t.text === '*' ? (x) => a(x) * b(x) : (x) => a(x) / b(x);
      } else return left;
    }
  };
  const unary = (): ScalarFn => {
    const t = peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      take();
      const a = unary();
      return t.text === '-' ? (x) => -a(x) : a;
    }
    return power();
  };
  const power = (): ScalarFn => {
    const base = atom();
    const t = peek();
    if (t.kind === 'op' && t.text === '^') {
      take();
      const ex = unary();
      return (x) => Math.pow(base(x), ex(x));
    }
    return base;
  };
  const atom = (): ScalarFn => {
    const t = take();
    if (t.kind === 'num') {
      const v = t.value!;
      return () => v;
    }
    if (t.kind === 'op' && t.text === '(') {
      const inner = sum();
      expect(')');
      return inner;
    }
    if (t.kind === 'name') {
      const next = peek();
      if (next.kind === 'op' && next.text === '(') {
        take();
        const args: ScalarFn[] = [sum()];
        while (peek().kind === 'op' && peek().text === ',') { take(); args.push(sum()); }
        expect(')');
        const u = own(UNARY, t.text);
        if (u) {
          if (args.length !== 1) throw new ExprError(`${t.text}() takes 1 argument, got ${args.length}`, t.col);
          const a = args[0];
          return (x) => u(a(x));
        }
        const v = own(VARIADIC, t.text);
        if (v) {
          if (args.length < 2) throw new ExprError(`${t.text}() takes at least 2 arguments, got ${args.length}`, t.col);
          if (args.length === 2) {
            const [a, b] = args;
            return t.text === 'max' ? (x) => Math.max(a(x), b(x)) : (x) => Math.min(a(x), b(x));
          }
          return (x) => v(args.map((f) => f(x)));
        }
        throw new ExprError(`unknown function '${t.text}' (known: ${EXPR_FUNCTIONS.join(', ')})`, t.col);
      }
      if (t.text === variable) return (x) => x;
      const c = own(CONSTANTS, t.text);
      if (c !== undefined) return () => c;
      if (own(UNARY, t.text) || own(VARIADIC, t.text)) throw new ExprError(`function '${t.text}' needs parentheses`, t.col);
      throw new ExprError(`unknown name '${t.text}' (the variable is '${variable}')`, t.col);
    }
    if (t.kind === 'end') throw new ExprError('the expression ends too early', t.col);
    throw new ExprError(`unexpected '${t.text}'`, t.col);
  };

  if (toks.length === 1) throw new ExprError('empty expression', 1);
  const f = sum();
  const rest = peek();
  if (rest.kind !== 'end') throw new ExprError(`unexpected '${rest.text}' after a complete expression`, rest.col);
  return { source, variable, evaluate: f };
}

// A black box written as a scalar expression of the features x1..xd (e.g. `sigmoid(2*x1 - x3) + 0.1*x2^2`).
// The text comes from a user's file, so it is parsed by a fixed grammar into closures, never eval'd.
// (server/numeric/scalarExpr.ts handles one variable; explanations need d named features.)
//   cmp  := sum (('<' | '>' | '<=' | '>=') sum)?      comparisons give 1 or 0 (step functions)
//   sum  := prod (('+' | '-') prod)*
//   prod := unary (('*' | '/') unary)*
//   unary:= ('-' | '+') unary | pow
//   pow  := atom ('^' unary)?
//   atom := number | x<k> | const | fn '(' cmp (',' cmp)* ')' | '(' cmp ')'

type Node = (x: ArrayLike<number>) => number;

const FN1: Record<string, (a: number) => number> = {
  exp: Math.exp, log: Math.log, sqrt: Math.sqrt, tanh: Math.tanh, abs: Math.abs, sin: Math.sin, cos: Math.cos,
  sigmoid: (a) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))),
  relu: (a) => (a > 0 ? a : 0),
  step: (a) => (a > 0 ? 1 : 0),
};
const FNN: Record<string, (a: number[]) => number> = { max: (a) => Math.max(...a), min: (a) => Math.min(...a) };
const CONST: Record<string, number> = { pi: Math.PI, e: Math.E };
const has = (t: object, k: string) => Object.prototype.hasOwnProperty.call(t, k);

export class FeatureExprError extends Error {
  constructor(message: string, public readonly column: number) {
    super(`${message} (column ${column})`);
    this.name = 'FeatureExprError';
  }
}

interface Tok { kind: 'num' | 'name' | 'op' | 'end'; text: string; col: number }

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    if (/\s/.test(src[i])) { i++; continue; }
    const rest = src.slice(i);
    const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest) ?? /^[A-Za-z_][A-Za-z_0-9]*/.exec(rest) ?? /^(<=|>=|[-+*/^(),<>])/.exec(rest);
    if (!m) throw new FeatureExprError(`unexpected character '${src[i]}'`, i + 1);
    const kind = /^[\d.]/.test(m[0]) ? 'num' : /^[A-Za-z_]/.test(m[0]) ? 'name' : 'op';
    out.push({ kind, text: m[0], col: i + 1 });
    i += m[0].length;
  }
  out.push({ kind: 'end', text: '', col: src.length + 1 });
  return out;
}

/** Compiles `src` into a function of the feature vector (x1 is index 0). */
export function compileFeatureExpr(src: string, d: number): (x: ArrayLike<number>) => number {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const eat = (text: string) => {
    if (toks[p].text !== text) throw new FeatureExprError(`expected '${text}' but found '${toks[p].text || 'end of expression'}'`, toks[p].col);
    p++;
  };
  const cmp = (): Node => {
    const a = sum();
    const op = peek().text;
    if (op === '<' || op === '>' || op === '<=' || op === '>=') {
      p++;
      const b = sum();
      if (op === '<') return (x) => (a(x) < b(x) ? 1 : 0);
      if (op === '>') return (x) => (a(x) > b(x) ? 1 : 0);
      if (op === '<=') return (x) => (a(x) <= b(x) ? 1 : 0);
      return (x) => (a(x) >= b(x) ? 1 : 0);
    }
    return a;
  };
  const sum = (): Node => {
    let a = prod();
    while (peek().text === '+' || peek().text === '-') {
      const op = toks[p++].text, l = a, r = prod();
      a = op === '+' ? (x) => l(x) + r(x) : (x) => l(x) - r(x);
    }
    return a;
  };
  const prod = (): Node => {
    let a = unary();
    while (peek().text === '*' || peek().text === '/') {
      const op = toks[p++].text, l = a, r = unary();
      a = op === '*' ? (x) => l(x) * r(x) : (x) => l(x) / r(x);
    }
    return a;
  };
  const unary = (): Node => {
    if (peek().text === '-') { p++; const a = unary(); return (x) => -a(x); }
    if (peek().text === '+') { p++; return unary(); }
    return pow();
  };
  const pow = (): Node => {
    const a = atom();
    if (peek().text === '^') { p++; const b = unary(); return (x) => Math.pow(a(x), b(x)); }
    return a;
  };
  const atom = (): Node => {
    const t = toks[p];
    if (t.kind === 'num') { p++; const v = Number(t.text); return () => v; }
    if (t.text === '(') { p++; const a = cmp(); eat(')'); return a; }
    if (t.kind === 'name') {
      p++;
      const feat = /^x(\d+)$/.exec(t.text);
      if (feat) {
        const k = Number(feat[1]);
        if (k < 1 || k > d) throw new FeatureExprError(`feature '${t.text}' does not exist: features are x1..x${d}`, t.col);
        return (x) => x[k - 1];
      }
      if (has(CONST, t.text)) { const v = CONST[t.text]; return () => v; }
      if (has(FN1, t.text) || has(FNN, t.text)) {
        eat('(');
        const args = [cmp()];
        while (peek().text === ',') { p++; args.push(cmp()); }
        eat(')');
        if (has(FN1, t.text)) {
          if (args.length !== 1) throw new FeatureExprError(`${t.text} takes one argument`, t.col);
          const f = FN1[t.text], a = args[0];
          return (x) => f(a(x));
        }
        const f = FNN[t.text];
        return (x) => f(args.map((a) => a(x)));
      }
      const known = [...Object.keys(FN1), ...Object.keys(FNN), ...Object.keys(CONST)].join(', ');
      throw new FeatureExprError(`unknown name '${t.text}' (features x1..x${d}; functions and constants: ${known})`, t.col);
    }
    throw new FeatureExprError(`unexpected '${t.text || 'end of expression'}'`, t.col);
  };
  if (src.trim() === '') throw new FeatureExprError('empty expression', 1);
  const root = cmp();
  if (peek().kind !== 'end') throw new FeatureExprError(`unexpected '${peek().text}'`, peek().col);
  return root;
}

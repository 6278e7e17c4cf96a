import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileScalarExpr, ExprError, MAX_EXPR_DEPTH, MAX_EXPR_TERMS, parseScalarExpr } from './scalarExpr';
import { erf, erfc } from './special';

const ev = (s: string, x: number) => compileScalarExpr(s).evaluate(x);

test('precedence: ^ is right-associative and binds tighter than unary minus', () => {
  assert.equal(ev('-x^2', 3), -9);
  assert.equal(ev('2^3^2', 0), 512);
  assert.equal(ev('1 + 2*3 - 4/2', 0), 5);
  assert.equal(ev('(1 + 2)*3', 0), 9);
  assert.equal(ev('2*-x', 4), -8);
  assert.equal(ev('x**2', 5), 25);
  assert.equal(ev('1.5e1 + .5', 0), 15.5);
});

test('functions and constants', () => {
  assert.equal(ev('tanh(2*x)', 0.3), Math.tanh(0.6));
  assert.equal(ev('relu(x) - relu(-x)', -2), -2);
  assert.equal(ev('max(x, 1, 2)', 0), 2);
  assert.equal(ev('min(x, 1)', 0.5), 0.5);
  assert.equal(ev('sign(x)', -0.1), -1);
  assert.ok(Math.abs(ev('cos(pi)', 0) + 1) < 1e-15);
  assert.equal(ev('abs(x) + sqrt(x^2) + exp(log(2))', -1), 4);
  assert.ok(Math.abs(ev('sinh(x) - (exp(x) - exp(-x))/2', 0.7)) < 1e-15);
});

test('parse errors carry a column and say what went wrong', () => {
  const bad: [string, RegExp][] = [
    ['tanh(2*x', /expected '\)'.*column 9/],
    ['foo(x)', /unknown function 'foo'.*column 1/],
    ['2*y', /unknown name 'y'.*column 3/],
    ['x $ 2', /unexpected character '\$'.*column 3/],
    ['', /empty expression/],
    ['x 2', /after a complete expression.*column 3/],
    ['max(x)', /at least 2 arguments/],
    ['tanh(x, 1)', /takes 1 argument/],
    ['tanh + 1', /needs parentheses/],
    ['2 *', /ends too early/],
  ];
  for (const [src, re] of bad) {
    assert.throws(() => compileScalarExpr(src), (e: unknown) => e instanceof ExprError && re.test((e as Error).message), src);
  }
});

test('there is no route to JavaScript evaluation', () => {
  assert.throws(() => compileScalarExpr('constructor'), ExprError);
  assert.throws(() => compileScalarExpr('x.constructor'), ExprError);
  assert.throws(() => compileScalarExpr('__proto__(x)'), ExprError);
  assert.throws(() => compileScalarExpr('toString(x)'), ExprError);
});

test('erf and erfc match reference values to ~1e-15', () => {
  // Reference values (mpmath, 20 digits).
  const ref: [number, number][] = [
    [0.1, 0.11246291601828489220], [0.5, 0.52049987781304653768], [1, 0.84270079294971486934],
    [2, 0.99532226501895273416], [2.9, 0.99995890212190053969], [3.5, 0.99999925690162765859],
  ];
  for (const [x, v] of ref) {
    assert.ok(Math.abs(erf(x) - v) < 2e-16 * 4, `erf(${x}) = ${erf(x)}`);
    assert.equal(erf(-x), -erf(x));
  }
  assert.ok(Math.abs(erfc(3) / 2.2090496998585441373e-5 - 1) < 1e-13, `erfc(3) = ${erfc(3)}`);
  assert.ok(Math.abs(erfc(5) / 1.5374597944280348502e-12 - 1) < 1e-13, `erfc(5) = ${erfc(5)}`);
  assert.ok(Math.abs(erfc(0.5) - (1 - 0.52049987781304653768)) < 1e-15);
});

test('derivatives agree with central differences', () => {
  const exprs = ['tanh(2*x)', 'x^3 - 2*x', 'exp(-x^2/2)*sin(3*x)', 'erf(x/sqrt(2))', 'log(1 + exp(x))', 'x / (1 + x^2)',
    'sqrt(1 + x^2)', 'cosh(x) - sinh(x)', '2^x', 'max(x, 0.5*x) + min(tanh(x), 0)', 'abs(x)^1.5', '-cos(x)'];
  for (const src of exprs) {
    const f = compileScalarExpr(src);
    for (const x of [-1.7, -0.3, 0.45, 1.2]) {
      const h = 1e-5;
      const fd = (f.evaluate(x + h) - f.evaluate(x - h)) / (2 * h);
      assert.ok(Math.abs(f.derivative(x) - fd) < 1e-7 * Math.max(1, Math.abs(fd)), `${src} at ${x}: ${f.derivative(x)} vs ${fd}`);
      // The one-pass dual evaluation gives the same value and derivative.
      assert.equal(f.dual(x), f.evaluate(x), `${src} dual value`);
      assert.ok(Math.abs(f.dualSlot.d - f.derivative(x)) <= 1e-14 * Math.max(1, Math.abs(fd)), `${src} dual derivative at ${x}`);
    }
  }
  assert.equal(compileScalarExpr('relu(x)').derivative(-1), 0);
  assert.equal(compileScalarExpr('relu(x)').derivative(2), 1);
});

// ---- Hostile sizes and nesting (issue 17): clear errors, never RangeError, linear compile ----

const chain = (n: number, sep: string) => Array(n).fill('x').join(sep);
const nested = (n: number, open: string, inner = 'x') => open.repeat(n) + inner + ')'.repeat(n);
const exprError = (re: RegExp) => (e: unknown) => e instanceof ExprError && re.test((e as Error).message);

test('a 4,000-term x^x^…^x chain is refused as too large (not compiled quadratically)', () => {
  assert.throws(() => compileScalarExpr(chain(4000, '^')), exprError(new RegExp(`expression too large: more than ${MAX_EXPR_TERMS} terms.*column`)));
  // A flat sum of the same size gets the same error; a megabyte of parentheses is refused before parsing.
  assert.throws(() => compileScalarExpr(chain(4000, '+')), exprError(/expression too large/));
  assert.throws(() => compileScalarExpr('('.repeat(1 << 20)), exprError(/expression too large: more than \d+ tokens/));
});

test('a 500-term x^x^…^x chain evaluates like the direct tower, derivative like finite differences', () => {
  const f = compileScalarExpr(chain(500, '^'));
  const tower = (x: number) => { let y = x; for (let i = 1; i < 500; i++) y = Math.pow(x, y); return y; };
  for (const x of [0.9, 1.05, 1.3]) {
    assert.ok(Math.abs(f.evaluate(x) - tower(x)) <= 1e-12 * Math.abs(tower(x)), `value at ${x}: ${f.evaluate(x)} vs ${tower(x)}`);
    const h = 1e-6, fd = (tower(x + h) - tower(x - h)) / (2 * h);
    assert.ok(Math.abs(f.derivative(x) - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `derivative at ${x}: ${f.derivative(x)} vs ${fd}`);
    assert.equal(f.dual(x), f.evaluate(x));
    assert.equal(f.dualSlot.d, f.derivative(x));
  }
});

test('a 500-deep tanh(tanh(…)) chain matches the iterated map and its chain-rule product', () => {
  const f = compileScalarExpr(nested(500, 'tanh('));
  for (const x of [-0.8, 0.3, 2]) {
    let y = x, dy = 1;
    for (let i = 0; i < 500; i++) { y = Math.tanh(y); dy *= 1 - y * y; }
    assert.ok(Math.abs(f.evaluate(x) - y) <= 1e-15, `value at ${x}`);
    assert.ok(Math.abs(f.derivative(x) - dy) <= 1e-12 * Math.abs(dy), `derivative at ${x}: ${f.derivative(x)} vs ${dy}`);
    const h = 1e-4, fd = (f.evaluate(x + h) - f.evaluate(x - h)) / (2 * h);
    assert.ok(Math.abs(f.derivative(x) - fd) <= 1e-5 * Math.abs(dy) + 1e-12, `fd at ${x}`);
  }
});

test('deep nesting evaluates or gives the depth error at a column, never a RangeError', () => {
  assert.equal(ev(nested(500, '('), 0.25), 0.25);
  assert.equal(ev('-'.repeat(500) + 'x', 3), 3);
  const deep: string[] = [nested(1000, '('), nested(1000, 'abs('), '-'.repeat(1999) + 'x', chain(1000, '^'), nested(999, '(-')];
  for (const src of deep) {
    assert.throws(() => compileScalarExpr(src), exprError(new RegExp(`nested deeper than ${MAX_EXPR_DEPTH} levels \\(at column \\d+\\)|expression too large`)), src.slice(0, 20));
  }
  // The depth error names where the limit was crossed.
  assert.throws(() => compileScalarExpr(nested(1000, '(')), exprError(new RegExp(`column ${MAX_EXPR_DEPTH + 1}\\b`)));
});

test('identical sub-trees are shared (hash-consed), so the tree is a DAG', () => {
  const t = parseScalarExpr('tanh(2*x)*tanh(2*x) + x^x');
  assert.ok(t.t === 'bin' && t.a.t === 'bin' && t.b.t === 'bin');
  if (t.t !== 'bin' || t.a.t !== 'bin' || t.b.t !== 'bin') return;
  assert.equal(t.a.a, t.a.b, 'tanh(2*x) is one node');
  assert.equal(t.b.a, t.b.b, 'x is one node');
  // -0 and 0 stay distinct constants.
  assert.equal(ev('1/(0*1) + 1/(-0)', 1), NaN);
  assert.equal(ev('1/-0', 1), -Infinity);
  assert.equal(ev('(1/0) - (1/-0)', 1), Infinity);
});

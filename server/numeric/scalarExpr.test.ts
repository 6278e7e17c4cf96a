import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileScalarExpr, ExprError } from './scalarExpr';
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

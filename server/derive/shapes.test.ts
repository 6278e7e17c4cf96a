// Static rules of each operator and built-in, with the diagnostic on the offending sub-expression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDerivation } from './index';
import { parseDerivations, spanText } from './testing';

const GIVENS = 'given s: scalar, u: vector(3), v: vector(4), A: matrix(3, 4), B: matrix(4, 4), S: matrix(3, 3) spd';

/** [highlighted text, message] of each diagnostic of `check <expr> == <expr>`-style bodies. */
function diags(body: string, fileLevel = ''): Array<[string, string]> {
  const text = `${fileLevel}\nderivation t {\n  ${GIVENS}\n${body}\n}\n`;
  const { derivations, fileLets, errors } = parseDerivations(text);
  assert.deepEqual(errors, [], body);
  return analyzeDerivation(derivations[0], fileLets).map((d) => [spanText(text, d.span), d.message]);
}

test('well-shaped expressions give no diagnostics', () => {
  const ok = [
    'check A @ v == A @ v', 'check u @ A == A.T @ u', 'check u @ u == s', 'check A @ B @ v + 2 * (A @ v) == A @ v',
    'check outer(u, v) == A', 'check diag(u) == S', 'check diag(B) == v', 'check softmax(v) == exp(v) / sum(exp(v))',
    'check logsumexp(A) == s', 'check det(S) + logdet(S) + trace(B) == s', 'check inv(S) @ S == eye(3)',
    'check max(u, 0) + min(u, s) == relu(u)', 'check max(A) - min(A) == mean(A)', 'check u[2] == s', 'check A[1] == v',
    'check sqrt(abs(u)) ^ 2 == abs(u) * ones(3)', 'check grad(sum(A @ v), A) == outer(ones(3), v)',
    'check u - -u + +u == 3 * u within 1e-9 at 3 points',
  ];
  for (const body of ok) assert.deepEqual(diags(body), [], body);
});

test('matrix products: inner sizes, scalars', () => {
  assert.deepEqual(diags('check A @ u == u'), [['A @ u', '`@`: (3×4) @ (3) — inner sizes differ']]);
  assert.deepEqual(diags('check s @ u == u'), [['@', '`@`: scalar @ (3) — `@` needs vectors or matrices (use `*` with a scalar)']]);
  assert.deepEqual(diags('check u @ v == s'), [['u @ v', '`@`: (3) @ (4) — inner sizes differ']]);
});

test('elementwise shapes: only a scalar broadcasts, a vector never stretches along a matrix', () => {
  assert.deepEqual(diags('check sum(A + v) == s'), [['A + v', '`+`: (3×4) + (4) — shapes differ (only a scalar broadcasts)']]);
  assert.deepEqual(diags('check max(u, v) == u'), [['max(u, v)', '`max`: (3) and (4) — shapes differ (only a scalar broadcasts)']]);
});

test('built-in argument rules', () => {
  const one = (body: string) => diags(body).map(([t, m]) => `${t} | ${m}`);
  assert.deepEqual(one('check softmax(A) == A'), ['A | `softmax` needs a vector, not (3×4)']);
  assert.deepEqual(one('check outer(A, v) == A'), ['A | `outer` needs two vectors; the first is (3×4)']);
  assert.deepEqual(one('check diag(s) == s'), ['s | `diag` needs a vector (→ diagonal matrix) or a matrix (→ its diagonal), not a scalar']);
  assert.deepEqual(one('check det(A) == s'), ['A | `det` needs a square matrix, not (3×4)']);
  assert.deepEqual(one('check exp(u, u) == u'), ['exp(u, u) | `exp` takes 1 argument, not 2']);
  assert.deepEqual(one('check eye(s) == S'), ['s | `eye(n)` needs a constant positive integer n']);
  assert.deepEqual(one('check u[3] == s'), ['3 | index 3 is out of range for (3) (0-based)']);
  assert.deepEqual(one('check foo(u) == u'), ['foo | unknown function `foo`']);
});

test('constructs that are not part of derivations are rejected by name', () => {
  assert.match(diags('check "a" == s')[0][1], /a string is not available in a derivation/);
  assert.match(diags('check (u < u) == u')[0][1], /`<` is not available in a derivation/);
  assert.match(diags('check sum == s')[0][1], /`sum` is a function: call it/);
});

test('user functions: arity, f\' rules, problems inside a file-level body shown at the call', () => {
  assert.match(diags('let g(a, b) = a * b\ncheck g(u) == u')[0][1], /`g` takes 2 arguments, not 1/);
  assert.match(diags('let g(a, b) = a * b\ncheck g\'(u) == u')[0][1], /needs a function of one argument/);
  assert.match(diags('let g(a) = a * v\ncheck g\'(u) == u')[0][1], /needs a scalar function, but `g` of a scalar is \(4\)/);
  const [[text, message]] = diags('check h(u) == s', 'let h(a) = a @ ones(4)');
  assert.equal(text, 'h(u)');
  assert.equal(message, 'in `h`: `@`: (3) @ (4) — inner sizes differ');
  assert.deepEqual(diags("let g(a) = sigmoid(a) * 2 + a^3\nlet k(a) = g'(a)\ncheck k'(u) == u"), []);
});

test('givens larger than a derivation check needs are rejected', () => {
  const text = 'derivation big {\n  given M: matrix(1000, 1000)\n  check M == M\n}';
  const { derivations, fileLets } = parseDerivations(text);
  assert.deepEqual(analyzeDerivation(derivations[0], fileLets).map((d) => d.message),
    ['`M`: (1000×1000) is too large for a derivation check (at most 250000 entries)']);
});

test('declarations: duplicates, use before definition, self-reference', () => {
  assert.match(diags('let w = u\nlet w = u\ncheck w == u')[0][1], /`w` is already defined/);
  assert.match(diags('check w == u\nlet w = u')[0][1], /`w` is used before it is defined/);
  assert.match(diags('check q == s', 'let q = q + 1')[0][1], /`q` is defined in terms of itself/);
});

// End-to-end: the spec's derivation examples parse, check and run as written; failures are caught with
// their worst point; hovers get values at the first point.
import { test } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { analyzeDerivation, runDerivation } from './index';
import { parseDerivations, spanText } from './testing';

// The spec's two derivation examples, verbatim (shared with the parser tests).
const SPEC_EXAMPLES = fs.readFileSync(path.resolve(__dirname, '../../test/fixtures/tlab/derivations.tlab'), 'utf8');

test('the spec examples parse, check without diagnostics and pass', () => {
  const { derivations, fileLets, errors } = parseDerivations(SPEC_EXAMPLES);
  assert.deepEqual(errors, []);
  assert.equal(derivations.length, 2);
  for (const d of derivations) {
    assert.deepEqual(analyzeDerivation(d, fileLets), []);
    const run = runDerivation(d, fileLets);
    assert.deepEqual(run.diagnostics, []);
    for (const c of run.checks) assert.ok(c.passed, `${d.name.name}: ${c.message}`);
  }
  const [pcn, wood] = derivations.map((d) => runDerivation(d, fileLets));
  assert.equal(pcn.checks.length, 2);
  assert.equal(pcn.checks[0].points, 10);
  assert.ok(pcn.checks[0].worstRelError < 1e-12, String(pcn.checks[0].worstRelError));
  assert.equal(wood.checks[0].points, 20);
  assert.match(wood.checks[0].message, /^✓ 20 points, worst relative error \d\.\de-\d+/);
});

test('a sign error is caught, with the worst point, both sides and the autodiff value', () => {
  const text = SPEC_EXAMPLES.replace('check grad(E, x1) == (x1 - mu1) - f\'(x1)', 'check grad(E, x1) == (x1 - mu1) + f\'(x1)');
  const { derivations, fileLets } = parseDerivations(text);
  const run = runDerivation(derivations[0], fileLets);
  const [bad, good] = run.checks;
  assert.equal(bad.passed, false);
  assert.equal(good.passed, true);
  assert.ok(bad.worstRelError > 0.1);
  assert.deepEqual(Object.keys(bad.worstPoint!).sort(), ['th1', 'th2', 'x0', 'x1', 'x2']);
  assert.deepEqual(bad.left!.shape, [4]);
  assert.deepEqual(bad.autodiff, bad.left);
  assert.match(bad.message, /^✗ \d+ of 10 draws fail: relative error .* > 1e-6 at draw \d+ \(the worst\)/);
  // central differences of E confirm the autodiff side, so the message blames the hand-derived side
  assert.deepEqual(bad.finiteDifference!.shape, [4]);
  assert.match(bad.message, /autodiff grad\(·, x1\) = the left side, and central differences agree with it/);
});

test('the autodiff value is found inside a side and through a let', () => {
  const text = `derivation nested {
  given x: vector(3), g: scalar positive
  let E = sum(tanh(x)^2)
  let G = grad(E, x)
  check -g * grad(E, x) == g * 2 * tanh(x) * (1 - tanh(x)^2)
  check G == 2 * tanh(x)
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const [a, b] = runDerivation(derivations[0], fileLets).checks;
  for (const c of [a, b]) {
    assert.equal(c.passed, false);
    assert.deepEqual(c.autodiff!.shape, [3]);
    assert.match(c.message, /autodiff grad\(·, x\) = \[.*\], and central differences agree with it/);
  }
  // the autodiff value is the gradient itself, not the left side −g·∇E
  assert.notDeepEqual(a.autodiff, a.left);
  assert.deepEqual(b.autodiff, b.left);
});

test('an error inside one check skips only that check', () => {
  const text = `derivation partly_wrong {
  given x: vector(3), A: matrix(3, 3)
  check A @ x == x @ A.T
  check sum(x) == x @ ones(4)
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const run = runDerivation(derivations[0], fileLets);
  assert.equal(run.diagnostics.length, 1);
  assert.equal(spanText(text, run.diagnostics[0].span), 'x @ ones(4)');
  assert.equal(run.checks.length, 1);
  assert.ok(run.checks[0].passed, run.checks[0].message);
  assert.deepEqual(run.checks[0].span, derivations[0].body[1].span);
});

test('an error in a let leaves every check unrun', () => {
  const text = `derivation broken_let {
  given x: vector(3)
  let y = x + ones(2)
  check x == x
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const run = runDerivation(derivations[0], fileLets);
  assert.equal(run.diagnostics.length, 1);
  assert.deepEqual(run.checks, []);
});

test('results are reproducible per seed and change with the seed', () => {
  const { derivations, fileLets } = parseDerivations(SPEC_EXAMPLES);
  const a = runDerivation(derivations[1], fileLets, { seed: 3 });
  const b = runDerivation(derivations[1], fileLets, { seed: 3 });
  const c = runDerivation(derivations[1], fileLets, { seed: 4 });
  assert.equal(a.checks[0].worstRelError, b.checks[0].worstRelError);
  assert.notEqual(a.checks[0].worstRelError, c.checks[0].worstRelError);
});

test('hover values: every sub-expression has its value at the first point', () => {
  const { derivations, fileLets } = parseDerivations(SPEC_EXAMPLES);
  const d = derivations[0];
  const run = runDerivation(d, fileLets);
  const mu0 = d.body.find((s) => s.kind === 'let' && s.name.name === 'mu0')!;
  const v = run.valueAt((mu0 as any).value.span)!;
  assert.deepEqual(v.shape, [6]);
  assert.match(v.text, /^\[[-0-9.e, …]+\]$/);
  assert.deepEqual(run.valueAt((mu0 as any).name.span), v);
  const at = SPEC_EXAMPLES.indexOf('th1.T') + 1;
  const hit = run.valueAtOffset(at)!;
  assert.equal(spanText(SPEC_EXAMPLES, hit.span), 'th1');
  assert.deepEqual(hit.value.shape, [6, 4]);
});

function diagnosticsOf(body: string, fileLevel = ''): Array<{ text: string; message: string; severity: string }> {
  const text = `${fileLevel}\nderivation t {\n${body}\n}\n`;
  const { derivations, fileLets, errors } = parseDerivations(text);
  assert.deepEqual(errors, []);
  return analyzeDerivation(derivations[0], fileLets).map((d) => ({ text: spanText(text, d.span), message: d.message, severity: d.severity }));
}

test('shape errors point at the offending sub-expression', () => {
  const ds = diagnosticsOf('given A: matrix(6, 4), x: vector(3), y: vector(6)\nlet z = y + A @ x\ncheck z == y');
  assert.deepEqual(ds, [{ text: 'A @ x', message: '`@`: (6×4) @ (3) — inner sizes differ', severity: 'error' }]);
  const ds2 = diagnosticsOf('given a: vector(3), b: vector(4)\ncheck sum(a * b) == 0');
  assert.equal(ds2[0].text, 'a * b');
  assert.match(ds2[0].message, /`\*`: \(3\) \* \(4\) — shapes differ/);
});

test('both sides of a check must agree in shape', () => {
  const ds = diagnosticsOf('given A: matrix(3, 2)\ncheck A == A.T');
  assert.equal(ds.length, 1);
  assert.match(ds[0].message, /left side is \(3×2\) and the right side is \(2×3\)/);
});

test('names, grad, f\' and domains are checked', () => {
  const msgs = (body: string, file = '') => diagnosticsOf(body, file).map((d) => d.message);
  assert.match(msgs('given x: vector(3)\ncheck y == x')[0], /unknown name `y`/);
  assert.match(msgs('given x: vector(3)\ncheck grad(x, x) == x')[0], /first argument must be a scalar/);
  assert.match(msgs('given x: vector(3)\nlet s = sum(x)\ncheck grad(s, s) == x')[0], /second argument must be the name of a `given`/);
  assert.match(msgs('given x: vector(3)\nlet g(u) = sum(u)\ncheck g\'(x) == x')[0], /act entry by entry, but it uses `sum`/);
  assert.match(msgs('given x: vector(3)\ncheck tanh\'(x) == x')[0], /derivatives are taken of user functions/);
  assert.match(msgs('given A: matrix(3, 2) spd\ncheck A == A')[0], /spd needs a square matrix/);
  assert.match(msgs('given A: matrix(3, 2)\ncheck inv(A) == A')[0], /`inv` needs a square matrix, not \(3×2\)/);
  assert.match(msgs('given x: vector(3)\ncheck x == x within -1')[0], /positive constant/);
  assert.match(msgs('given x: vector(3)\ncheck x == x at 2.5 points')[0], /constant integer/);
  assert.deepEqual(msgs('given x: vector(3)\ncheck relu(x) == max(x, 0)', 'let relu(x) = max(x, 0)'), []);
  assert.deepEqual(msgs('given x: vector(3)\ncheck eye(d) @ x == x', 'let d = 3'), []);
  assert.match(msgs('given x: vector(3)\ncheck eye(d) @ x == x', 'let d = 4')[0], /\(4×4\) @ \(3\)/);
});

test('f\' of a file-level function and grad of a grad (second order)', () => {
  const text = `let f(u) = u^3 + sigmoid(u)
derivation second {
  given x: vector(4), v: vector(4)
  let g = grad(sum(f(x)), x)
  check g == f'(x)
  check grad(sum(g * v), x) == (6 * x + sigmoid(x) * (1 - sigmoid(x)) * (1 - 2 * sigmoid(x))) * v
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const run = runDerivation(derivations[0], fileLets);
  assert.deepEqual(run.diagnostics, []);
  for (const c of run.checks) assert.ok(c.passed, c.message);
});

test('near-singular points are re-drawn, not reported as failures', () => {
  // M = a aᵀ + t¹⁵·I is rank one plus a tiny ridge whenever |t| < 0.3 (about a quarter of the draws):
  // there κ(M) > 1e8 and rounding alone breaks inv(M) @ M == I at 1e-9.
  const text = `derivation nearly_singular {
  given a: vector(2), t: scalar
  let M = outer(a, a) + t^15 * eye(2)
  check inv(M) @ M == eye(2) within 1e-9 at 40 points
}`;
  const { derivations, fileLets } = parseDerivations(text);
  let redrawn = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const c = runDerivation(derivations[0], fileLets, { seed }).checks[0];
    assert.ok(c.passed, c.message);
    assert.equal(c.points, 40);
    redrawn += c.redrawn ?? 0;
  }
  assert.ok(redrawn >= 10, `only ${redrawn} points re-drawn`);
});

test('a singular matrix everywhere is reported as inconclusive, not as a failure of the identity', () => {
  const text = `derivation singular {
  given a: vector(3)
  check inv(outer(a, a)) @ a == a
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const c = runDerivation(derivations[0], fileLets).checks[0];
  assert.equal(c.passed, false);
  assert.equal(c.inconclusive, true);
  assert.match(c.message, /no well-conditioned point/);
});

test('a check past its time limit is cancelled with a clear message', () => {
  const text = `derivation slow {
  given A: matrix(60, 60) spd
  check inv(inv(inv(inv(A)))) == A at 10000 points
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const c = runDerivation(derivations[0], fileLets, { timeoutMs: 200 }).checks[0];
  assert.equal(c.passed, false);
  assert.equal(c.inconclusive, true);
  assert.match(c.message, /check cancelled: it ran past the time limit of 0\.2 s after \d+ of 10000 points/);
});

test('a side that is not finite names the operation where NaN appeared', () => {
  const { derivations, fileLets } = parseDerivations(`derivation domain {
  given x: vector(3)
  check exp(log(x)) == x
}`);
  const c = runDerivation(derivations[0], fileLets).checks[0];
  assert.equal(c.passed, false);
  assert.equal(c.worstRelError, Infinity);
  assert.match(c.message, /relative error not finite .* the left side is not finite \(`log` is the first operation to give NaN/);
  const ok = parseDerivations(`derivation domain {
  given x: vector(3) positive
  check exp(log(x)) == x
}`);
  assert.ok(runDerivation(ok.derivations[0], ok.fileLets).checks[0].passed);
});

test('checks after the total time limit are reported as not run', () => {
  const slow = 'check inv(inv(inv(inv(A)))) == A at 10000 points';
  const { derivations, fileLets } = parseDerivations(`derivation slow {
  given A: matrix(60, 60) spd
  ${slow}
  ${slow}
  ${slow}
}`);
  const run = runDerivation(derivations[0], fileLets, { timeoutMs: 150, totalTimeoutMs: 250 });
  assert.equal(run.checks.length, 3);
  assert.ok(run.checks.every((c) => !c.passed && c.inconclusive));
  assert.match(run.checks[0].message, /time limit of 0\.(15|25) s/);
  assert.match(run.checks[2].message, /check not run: the derivation used up its total time limit of 0\.25 s/);
});

test('file-level bodies are lexically scoped: they see file-level names, not the derivation\'s', () => {
  const text = `let scale = 2
let h(u) = scale * u
let g(u) = u * k
derivation lexical {
  given x: vector(3), scale: scalar, k: scalar
  check h(x) == 2 * x
  check h(x) == scale * x
}
derivation uses_g {
  given x: vector(3), k: scalar
  check g(x) == x
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const [a, b] = derivations.map((d) => runDerivation(d, fileLets));
  // the given \`scale\` shadows the file-level one only inside the derivation, not inside h
  assert.deepEqual(a.diagnostics, []);
  assert.equal(a.checks[0].passed, true, a.checks[0].message);
  assert.equal(a.checks[1].passed, false);
  assert.deepEqual(b.diagnostics.map((d) => [spanText(text, d.span), d.message]), [['g(x)', 'in `g`: `k` is not visible here: a file-level definition sees only file-level names']]);
});

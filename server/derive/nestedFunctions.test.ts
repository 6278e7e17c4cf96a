// User functions built from each other in a derivation (`f1(u) = f0(u) * f0(u)`, 40 levels): the static
// check types each body once per distinct argument types and the evaluation reuses a call with the same
// argument nodes, so both stay linear in the text instead of doubling per level; chains are not mistaken
// for recursion; what cannot be shared (new arguments at every level) stops at an operation limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDerivation, runDerivation } from './index';
import { parseDerivations, spanText } from './testing';
import { MAX_CALL_DEPTH } from './shapes';
import { MAX_POINT_NODES } from './runtime';
import { checkTlab } from '../tlab/checker';

/** `let f0(u) = u` and `let fk(u) = <body of f(k-1)>` for k = 1 … n-1, inside `derivation d`. */
function chain(n: number, body: (prev: string) => string, checks: string[], given = 'x: vector(2)'): string {
  const lets = [`  let f0(u) = u`];
  for (let k = 1; k < n; k++) lets.push(`  let f${k}(u) = ${body(`f${k - 1}`)}`);
  return `derivation d {\n  given ${given}\n${lets.join('\n')}\n${checks.map((c) => `  check ${c}`).join('\n')}\n}\n`;
}

test('40 levels of f(u) * f(u): the static check is linear, not 2^39 expansions', () => {
  const text = chain(40, (f) => `${f}(u) * ${f}(u)`, ['f39(x) == x']);
  const t0 = performance.now();
  const a = checkTlab(text, { uri: 'file:///w/x.tlab' });
  const ms = performance.now() - t0;
  assert.deepEqual(a.diagnostics.map((d) => d.message), []);
  assert.ok(ms < 1000, `checked in ${ms.toFixed(0)} ms`);
});

test('40 levels run in well under the time limit (equal calls share one node) and pass', () => {
  // (f(u) + f(u)) / 2 = f(u): every level is the identity, and f39' is 1
  const text = chain(40, (f) => `(${f}(u) + ${f}(u)) / 2`, ['f39(x) == x', "f39'(x[0]) == 1"], 'x: vector(2) unit');
  const { derivations, fileLets, errors } = parseDerivations(text);
  assert.deepEqual(errors, []);
  const t0 = performance.now();
  assert.deepEqual(analyzeDerivation(derivations[0], fileLets), []);
  const run = runDerivation(derivations[0], fileLets);
  assert.deepEqual(run.diagnostics, []);
  assert.deepEqual(run.checks.map((c) => c.message), ['✓ 10 points, worst relative error 0', '✓ 10 points, worst relative error 0']);
  assert.ok(performance.now() - t0 < 2000, `${(performance.now() - t0).toFixed(0)} ms`);
});

test('a problem in a shared body is still reported at every call of a file-level function', () => {
  // the memoised type is reused for the second call; its problem is shown there too, as before
  const text = 'let h(a) = a @ ones(4)\nderivation d {\n  given u: vector(3)\n  check h(u) == h(u)\n}\n';
  const { derivations, fileLets } = parseDerivations(text);
  assert.deepEqual(analyzeDerivation(derivations[0], fileLets).map((d) => [d.span.start, spanText(text, d.span), d.message]), [
    [text.indexOf('h(u)'), 'h(u)', 'in `h`: `@`: (3) @ (4) — inner sizes differ'],
    [text.lastIndexOf('h(u)'), 'h(u)', 'in `h`: `@`: (3) @ (4) — inner sizes differ'],
  ]);
});

test('a chain deeper than 32 levels is not recursion; recursion still is; past 100 levels is too deep', () => {
  const deep = chain(60, (f) => `${f}(u) + 1`, ['f59(x) == x + 59']);
  const d1 = parseDerivations(deep);
  assert.deepEqual(analyzeDerivation(d1.derivations[0], d1.fileLets), []);

  const rec = 'derivation d {\n  given x: scalar\n  let g(u) = h(u) + 1\n  let h(u) = g(u) * 2\n  check g(x) == x\n}\n';
  const d2 = parseDerivations(rec);
  assert.deepEqual(analyzeDerivation(d2.derivations[0], d2.fileLets).map((d) => [spanText(rec, d.span), d.message]),
    [['g(u)', '`g` calls itself: recursion is not available']]);

  const tooDeep = chain(MAX_CALL_DEPTH + 2, (f) => `${f}(u)`, [`f${MAX_CALL_DEPTH + 1}(x) == x`]);
  const d3 = parseDerivations(tooDeep);
  const diags = analyzeDerivation(d3.derivations[0], d3.fileLets);
  assert.deepEqual(diags.map((d) => [spanText(tooDeep, d.span), d.message]),
    [['f1(u)', '`f1`: calls nested 101 deep are too deep for a derivation check (at most 100)']]);
  // f101 … f2 are 100 nested calls: the 101st is the call of f1 in the body of f2
  assert.equal(diags[0].span.start, tooDeep.indexOf('let f2(u) = f1(u)') + 'let f2(u) = '.length);
});

test('a chain that calls with new arguments at every level stops at the operation limit, at the check', () => {
  // f0(u) and f0(u + 0) are different nodes: 2^k calls for k levels, which nothing can share
  const text = chain(30, (f) => `${f}(u) * ${f}(u + 0)`, ['f29(x) == x']);
  const { derivations, fileLets } = parseDerivations(text);
  assert.deepEqual(analyzeDerivation(derivations[0], fileLets), []);
  const run = runDerivation(derivations[0], fileLets, { timeoutMs: 60_000 });
  const limit = `more than ${MAX_POINT_NODES} operations at one point, too many for a derivation check (at most ${MAX_POINT_NODES}; a user function calling another twice with new arguments doubles them per level)`;
  const checkSpan = { start: text.indexOf('check'), end: text.indexOf('f29(x) == x') + 'f29(x) == x'.length };
  assert.deepEqual(run.checks.map((c) => [c.span, c.inconclusive, c.message]), [[checkSpan, true, `check cancelled: ${limit}`]]);
  assert.deepEqual(run.diagnostics.map((d) => [d.span, d.severity, d.message]), [[checkSpan, 'warning', `evaluation stopped: ${limit}`]]);
});

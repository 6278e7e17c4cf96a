// A failed check acts on the draw that failed: it says how many of the N draws failed, every hover shows
// its value at the failing draw (labelled as such, not silently draw 1), and large matrices are
// summarised by shape, norm and the entries that differ most (0-based indices), not printed as a wall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDerivation } from './index';
import { parseDerivations, spanText } from './testing';
import { samplePoint } from './domains';
import { describeTensor, largestDifferences, tensor } from './tensor';

const HALF = `derivation half {
  given x: scalar
  let y = 2 * x
  check abs(y) == y
  check x + x == y
}`;

test('a check failing at some draws counts them; hovers show the failing draw, labelled', () => {
  const { derivations, fileLets } = parseDerivations(HALF);
  const d = derivations[0];
  const run = runDerivation(d, fileLets);
  const [bad, good] = run.checks;
  assert.equal(good.passed, true);
  assert.equal(bad.passed, false);
  // which of the 10 seeded draws have x < 0 (abs(2x) ≠ 2x exactly there)
  const givens = d.body.flatMap((s) => (s.kind === 'given' ? s.vars : []));
  const xs = Array.from({ length: 10 }, (_, k) => samplePoint(givens, 1, k).get('x')!.data[0]);
  const negative = xs.filter((x) => x < 0).length;
  assert.ok(negative > 0 && negative < 10, `the seed gives a mix of signs (${negative} negative)`);
  assert.equal(bad.failedPoints, negative);
  assert.match(bad.message, new RegExp(`^✗ ${negative} of 10 draws fail: relative error .* at draw ${bad.worstPointIndex! + 1} \\(the worst\\)`));
  const k = bad.worstPointIndex!;
  assert.ok(xs[k] < 0, 'the worst draw is a failing one');

  // the hover of `y` inside the failing check: 2·x at the failing draw, not at draw 1
  const inCheck = HALF.indexOf('abs(y)') + 4;
  const hy = run.valueAtOffset(inCheck)!;
  assert.equal(spanText(HALF, hy.span), 'y');
  assert.equal(hy.where, `at draw ${k + 1}, where this check fails`);
  assert.equal(Number(hy.value.text), Number((2 * xs[k]).toPrecision(4)));
  // `abs(y)` there is |2x| > 0, unlike y: the hover shows what differs
  const habs = run.valueAtOffset(HALF.indexOf('abs(y)'))!;
  assert.equal(spanText(HALF, habs.span), 'abs(y)');
  assert.equal(Number(habs.value.text), Number(Math.abs(2 * xs[k]).toPrecision(4)));
  // a let outside the check: the same failing draw, saying so
  const hlet = run.valueAtOffset(HALF.indexOf('2 * x') + 4)!;
  assert.equal(spanText(HALF, hlet.span), 'x');
  assert.equal(hlet.where, `at draw ${k + 1}, the failing draw of the first failed check`);
  assert.equal(Number(hlet.value.text), Number(xs[k].toPrecision(4)));
});

test('when every check passes, hovers are at the first point', () => {
  const text = HALF.replace('check abs(y) == y', 'check abs(y) == abs(2 * x)');
  const { derivations, fileLets } = parseDerivations(text);
  const run = runDerivation(derivations[0], fileLets);
  assert.ok(run.checks.every((c) => c.passed));
  const h = run.valueAtOffset(text.indexOf('let y') + 4)!;
  assert.equal(h.where, 'at the first point');
});

test('large matrices: summarised in hovers and messages, differing entries with their indices', () => {
  const text = `derivation big {
  given A: matrix(8, 8), B: matrix(8, 8)
  check A @ B == B @ A
}`;
  const { derivations, fileLets } = parseDerivations(text);
  const run = runDerivation(derivations[0], fileLets);
  const [c] = run.checks;
  assert.equal(c.passed, false);
  assert.equal(c.failedPoints, 10);
  assert.match(c.message, /^✗ 10 of 10 draws fail: /);
  assert.match(c.message, /left and right \(8×8\) differ most at \[\d, \d\]: [-0-9.e]+ vs [-0-9.e]+, \[\d, \d\]: /);
  assert.match(c.message, /‖left − right‖ = [0-9.e]+, ‖left‖ = [0-9.e]+, ‖right‖ = [0-9.e]+/);
  assert.ok(!/\[\[|…/.test(c.message), `no truncated rows: ${c.message}`);
  assert.match(c.left!.text, /^\(8×8\), ‖·‖ = [0-9.e]+, largest \|entry\| [0-9.e]+ at \[\d, \d\], entries in \[-?[0-9.e]+, -?[0-9.e]+\]$/);
  const h = run.valueAtOffset(text.indexOf('A @ B') + 2)!;
  assert.equal(spanText(text, h.span), 'A @ B');
  assert.match(h.value.text, /^\(8×8\), ‖·‖ = /);
});

test('describeTensor and largestDifferences on known values', () => {
  const m = tensor([5, 5], Array.from({ length: 25 }, (_, i) => (i === 13 ? -9 : i / 10)));
  assert.equal(describeTensor(m), '(5×5), ‖·‖ = 11.33, largest |entry| 9 at [2, 3], entries in [-9, 2.4]');
  assert.equal(describeTensor(tensor([2, 2], [1, 2, 3, 4])), '[[1, 2], [3, 4]]');
  const a = tensor([3], [1, 2, 3]), b = tensor([3], [1, 2.5, 0]);
  assert.deepEqual(largestDifferences(a, b), ['[2]: 3 vs 0', '[1]: 2 vs 2.5']);
});

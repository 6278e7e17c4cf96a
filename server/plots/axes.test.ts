// Axis arithmetic and the CSV writer: power-of-ten labels, data-fitted domains, label wrapping, and
// RFC 4180 quoting that survives a round trip through the reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fittedDomain, formatNumber, logTicks, powerOfTen, wrapLabel } from './axes';
import { parseCsv, rowsToCsv } from '../../protocol/csv';

test('powers of ten are written with superscript exponents', () => {
  assert.equal(powerOfTen(-3), '10⁻³');
  assert.equal(powerOfTen(0), '10⁰');
  assert.equal(powerOfTen(12), '10¹²');
});

test('numbers are shown to 4 significant digits without trailing zeros', () => {
  assert.equal(formatNumber(0.0024219), '0.002422');
  assert.equal(formatNumber(2), '2');
  assert.equal(formatNumber(123456.7), '123500');
  assert.equal(formatNumber(12345678), '1.235e7');
  assert.equal(formatNumber(1.2e-7), '1.2e-7');
});

test('a log domain fits the data with a 5% margin in log space, not whole decades', () => {
  const [lo, hi] = fittedDomain([15, 30, 60], true)!;
  const span = Math.log10(60 / 15);
  assert.ok(Math.abs(Math.log10(15 / lo) - 0.05 * span) < 1e-12, `lo ${lo}`);
  assert.ok(Math.abs(Math.log10(hi / 60) - 0.05 * span) < 1e-12, `hi ${hi}`);
  assert.ok(lo > 10 && hi < 100, 'data 15–60 no longer draws on 10–100');
  // values ≤ 0 cannot sit on a log axis and do not drag the domain
  const [lo4, hi140] = fittedDomain([0, -1, 4, 140], true)!;
  assert.ok(lo4 > 3 && lo4 < 4 && hi140 > 140 && hi140 < 170, `${lo4} ${hi140}`);
  const [a, b] = fittedDomain([-1, 1], false)!;
  assert.ok(Math.abs(a + 1.1) < 1e-12 && Math.abs(b - 1.1) < 1e-12);
  assert.equal(fittedDomain([], false), undefined);
});

test('log ticks: labelled powers of ten, unlabelled minors in between', () => {
  const t = logTicks(3.5e-4, 0.05);
  assert.deepEqual(t.major, [1e-3, 1e-2]);
  assert.equal(t.labels[String(1e-3)], '10⁻³');
  assert.equal(t.labels[String(1e-2)], '10⁻²');
  assert.ok(t.values.includes(4e-4) && t.values.includes(2e-3) && t.values.includes(5e-2));
  assert.equal(t.labels[String(2e-3)], undefined, 'minor ticks are not labelled');
  assert.ok(t.values.every((v) => v >= 3.5e-4 && v <= 0.05), 'no tick outside the domain');
});

test('a log domain inside one decade labels its minor ticks so the axis stays readable', () => {
  const t = logTicks(14, 64);
  assert.deepEqual(t.major, []);
  assert.deepEqual(Object.values(t.labels), ['20', '30', '40', '50', '60']);
});

test('long legend labels wrap at spaces', () => {
  assert.deepEqual(wrapLabel('Adam, width k_c'), ['Adam, width k_c']);
  assert.deepEqual(wrapLabel('Bayes-optimal error from the replica formula, beta = 1', 20), ['Bayes-optimal error', 'from the replica', 'formula, beta = 1']);
});

test('CSV fields with commas, quotes and newlines are quoted, and parse back into equal-length rows', () => {
  const rows = [
    { 'n / (k d)': 4, 'Adam, width k_c': 0.028, 'Adam, width k_c (std)': 0.004, note: 'say "hi"\nthere' },
    { 'n / (k d)': 6, 'Adam, width k_c': null, 'Adam, width k_c (std)': 0.003, note: 'plain' },
  ];
  const text = rowsToCsv(rows);
  assert.ok(text.startsWith('n / (k d),"Adam, width k_c","Adam, width k_c (std)",note\r\n'), text);
  const parsed = parseCsv(text);
  assert.equal(parsed.length, 3);
  assert.deepEqual(parsed.map((r) => r.length), [4, 4, 4]);
  assert.deepEqual(parsed[0], ['n / (k d)', 'Adam, width k_c', 'Adam, width k_c (std)', 'note']);
  assert.deepEqual(parsed[1], ['4', '0.028', '0.004', 'say "hi"\nthere']);
  assert.deepEqual(parsed[2], ['6', '', '0.003', 'plain']);
});

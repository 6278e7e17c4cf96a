// LSP protocol tests of the values shown next to the text after a run (server/tlab/serviceResults.ts,
// serviceHover.ts): one seed shows no "± 0", a literal gets no hint repeating it, expectations show their
// computed values inline whether they pass or fail, and a failed expectation's hover does not repeat the
// message that its diagnostic already shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cursor, type LspClient, startServer } from './harness';
import { runTarget } from '../../protocol';

const MARKED = `experiment one {
  let c = 1
  let d = c * 3
  simulate m = demo.noisy_mean(mu = 2, sigma = 0, n = 10, seeds = 1)
  expect m.mean ≈ 2 within 1%
  expect d == 3
  expect d ==<|> 4
  expect d < 2
}
`;
const { text: TEXT, position: FAILED } = cursor(MARKED);
const all = { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } };

describe('values after a run', () => {
  let c: LspClient;
  let hints: any[];
  before(async () => {
    c = await startServer({ 'h.tlab': TEXT }, { trusted: true, settings: { autoRunMaxSeconds: 0 } });
    await c.open('h.tlab', TEXT);
    const uri = c.uri('h.tlab');
    const failed = c.waitForDiagnostics(uri, (d) => d.filter((x) => x.code === 'expect').length === 2);
    await c.request(runTarget, { uri, target: 'one' });
    await failed;
    hints = await c.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: all });
  });
  after(async () => { await c.shutdown(); });
  const at = (line: number) => hints.filter((h) => h.position.line === line).map((h) => h.label);

  test('no hint repeats a literal; a computed let shows its value', () => {
    assert.deepEqual(at(1), []);
    assert.deepEqual(at(2), [' = 3']);
  });

  test('one seed shows no ± 0 in hints or hovers', async () => {
    assert.deepEqual(at(3), [' mean = 2, stderr = 0']);
    assert.deepEqual(at(4), [' ✓ 2 ≈ 2']);
    assert.ok(!hints.some((h) => /±/.test(h.label)), JSON.stringify(hints));
    const h = await c.at<any>('textDocument/hover', 'h.tlab', { line: 3, character: 12 });
    assert.doesNotMatch(h.contents.value, /±/);
  });

  test('passing and failing expectations show their values inline', () => {
    assert.deepEqual(at(5), [' ✓ 3 == 3']);
    assert.deepEqual(at(6), [' ✗ 3 ≠ 4']);
    assert.deepEqual(at(7), [' ✗ 3 ≥ 2']);
  });

  test('the hover of a failed expectation shows its values, not the diagnostic message again', async () => {
    const h = await c.at<any>('textDocument/hover', 'h.tlab', FAILED);
    assert.match(h.contents.value, /expectation failed: ✗ 3 ≠ 4/);
    assert.doesNotMatch(h.contents.value, /is false/);
  });
});

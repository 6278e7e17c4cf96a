// Stale results are marked, not silently removed: after an edit that changes a block's inputs, the
// inlay hints of statements that are still there say "(stale)" and a failed expectation of the last
// run stays as a greyed information diagnostic until the block runs again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness';
import { runTarget } from '../../protocol';

const TEXT = `experiment quad {
  let b = -3 * 2
  sweep a = [1, 2, 4]
  solve q = demo.quadratic(a = a, b = b)
  expect q.x_min[a = 4] > 1
}
`;

test('after an edit, hints are marked stale and the last failure stays greyed until the next run', async () => {
  const c = await startServer({ 's.tlab': TEXT }, { trusted: true, settings: { autoRunMaxSeconds: 0 } });
  try {
    await c.open('s.tlab', TEXT);
    const uri = c.uri('s.tlab');
    const failed = c.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'expect'));
    await c.request(runTarget, { uri, target: 'quad' });
    await failed;
    const all = { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } };
    const before = await c.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: all });
    assert.ok(before.some((h) => h.position.line === 1 && /= -6/.test(h.label) && !/stale/.test(h.label)), JSON.stringify(before));
    const d2 = await c.change('s.tlab', TEXT.replace('let b = -3 * 2', 'let b = -3 * 4'));
    assert.ok(!d2.some((x) => x.code === 'expect'), 'no longer an error');
    const stale = d2.find((x) => x.code === 'stale');
    assert.ok(stale, JSON.stringify(d2));
    assert.equal(stale!.severity, 3);
    assert.equal(stale!.range.start.line, 4);
    assert.match(stale!.message, /^stale .*0\.75 > 1 is false/);
    const after = await c.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: all });
    assert.ok(!after.some((h) => h.position.line === 1), 'the edited statement shows no old value');
    assert.ok(after.some((h) => h.position.line === 4 && /✗.*\(stale\)/.test(h.label)), JSON.stringify(after));
    const fresh = c.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'stale'));
    await c.request(runTarget, { uri, target: 'quad' });
    await fresh;
  } finally {
    await c.shutdown();
  }
});

// The lens texts of live and finished runs (queued, running with the solver's progress, several jobs,
// done with the cache note) and the throttle that keeps code-lens refreshes to ~4 a second.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { applyJobEvent, clearLive, liveOf, liveText, markQueued, markStarted, statusLens, throttle } from './runStatus';

test('a block goes queued → waiting for the host → running with progress → calls counted', () => {
  const s = {};
  markQueued(s, ['a', 'b']);
  assert.equal(statusLens({ running: true, live: liveOf(s, 'a'), errors: 0, stale: false }), '$(clock) queued');
  markStarted(s, 'a');
  assert.equal(liveText(liveOf(s, 'a')!), 'running…', 'started, no solver call yet');
  applyJobEvent(s, 'a', { id: 1, state: 'waiting' });
  applyJobEvent(s, 'a', { id: 2, state: 'waiting' });
  assert.equal(liveText(liveOf(s, 'a')!), 'queued (waiting for the solver host)');
  applyJobEvent(s, 'a', { id: 1, state: 'running' });
  applyJobEvent(s, 'a', { id: 1, state: 'running', fraction: 0.1298, message: 'epoch 649/5000' });
  assert.equal(statusLens({ running: true, live: liveOf(s, 'a'), errors: 0, stale: false }),
    '$(sync~spin) running: epoch 649/5000 · 12% — 0 of 2 solver calls done');
  applyJobEvent(s, 'a', { id: 1, state: 'done', cached: false });
  applyJobEvent(s, 'a', { id: 2, state: 'running', fraction: 0.5 });
  assert.equal(liveText(liveOf(s, 'a')!), 'running: 50% — 1 of 2 solver calls done');
  // b is still queued and keeps its own state
  assert.equal(liveText(liveOf(s, 'b')!), 'queued');
  // several jobs of one block (an in-process or cluster runner) each show theirs
  applyJobEvent(s, 'a', { id: 3, state: 'running', fraction: 0.25, message: 'seed 1/4' });
  assert.equal(liveText(liveOf(s, 'a')!), 'running 2 jobs: 50%; seed 1/4 · 25% — 1 of 3 solver calls done');
  clearLive(s, ['a']);
  assert.equal(liveOf(s, 'a'), undefined);
});

test('done lenses say when, how long and whether the cache answered', () => {
  const finishedAt = new Date(2024, 0, 1, 13, 5, 9);
  const done = (calls?: { total: number; cached: number }) => statusLens({ running: false, errors: 0, stale: false, outcome: { kind: 'done', finishedAt, seconds: 0.04, calls } });
  assert.equal(done({ total: 3, cached: 3 }), '$(check) done at 13:05:09 in 0.04 s (cached)');
  assert.equal(done({ total: 8, cached: 5 }), '$(check) done at 13:05:09 in 0.04 s (5 of 8 cached)');
  assert.equal(done({ total: 2, cached: 0 }), '$(check) done at 13:05:09 in 0.04 s');
  assert.equal(done(undefined), '$(check) done at 13:05:09 in 0.04 s');
  // a run whose expectations failed is done, but without a ✓ beside the ✗ of the Run lens
  assert.equal(statusLens({ running: false, errors: 0, stale: false, outcome: { kind: 'done', finishedAt, seconds: 0.04, passed: false } }), '$(circle-large-outline) done at 13:05:09 in 0.04 s');
  assert.equal(statusLens({ running: false, errors: 0, stale: false, outcome: { kind: 'failed', at: finishedAt, message: 'x'.repeat(100) } })!.length, '$(error) failed at 13:05:09: '.length + 80);
});

test('throttle: the first call at once, a burst folded into one trailing call per interval', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    let n = 0;
    const f = throttle(() => n++, 250);
    f();
    assert.equal(n, 1);
    for (let i = 0; i < 20; i++) { f(); mock.timers.tick(10); } // 20 calls over 200 ms
    assert.equal(n, 1, 'no call before the interval is over');
    mock.timers.tick(60);
    assert.equal(n, 2, 'one trailing call');
    for (let i = 0; i < 100; i++) { f(); mock.timers.tick(10); } // 1 s of 100 calls/s
    assert.ok(n >= 5 && n <= 7, `~4 a second, got ${n - 2} in 1 s`);
  } finally {
    mock.timers.reset();
  }
});

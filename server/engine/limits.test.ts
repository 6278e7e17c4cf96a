// Limits at the engine's boundary: huge, negative and malformed values never reach a timer as
// something Node would turn into "fire after 1 ms".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { jobLimitMs, MAX_TIMER_MS, memoryLimitMb, parseSeconds, timerMs } from './limits';

test('a time limit beyond what a timer can wait is the longest wait, not an immediate timeout', () => {
  assert.equal(jobLimitMs(2147484), MAX_TIMER_MS); // 2147484 s = 2147484000 ms > 2^31-1
  assert.equal(jobLimitMs(1e300), MAX_TIMER_MS);
  assert.equal(jobLimitMs(Infinity), MAX_TIMER_MS);
  assert.equal(jobLimitMs(2.5), 2500);
});

test('zero, negative and NaN limits mean none', () => {
  assert.equal(jobLimitMs(0), 0);
  assert.equal(jobLimitMs(-5), 0);
  assert.equal(jobLimitMs(NaN), 0);
  assert.equal(jobLimitMs(undefined), 0);
  assert.equal(timerMs(NaN, 2000), 2000);
  assert.equal(timerMs(-1, 2000), 2000);
  assert.equal(timerMs(3e9), MAX_TIMER_MS);
});

test('memory limits stay between 64 MiB and the machine', () => {
  const total = Math.floor(os.totalmem() / 2 ** 20);
  assert.equal(memoryLimitMb(undefined), Math.floor(0.75 * total));
  assert.equal(memoryLimitMb(NaN), Math.floor(0.75 * total));
  assert.equal(memoryLimitMb(1), 64);
  assert.equal(memoryLimitMb(1e12), total);
  assert.equal(memoryLimitMb(512.7), 512);
});

test('--timeout parses seconds and refuses what is not a number of seconds', () => {
  assert.equal(parseSeconds('2147484', '--timeout'), 2147484);
  assert.equal(parseSeconds('0.5', '--timeout'), 0.5);
  for (const bad of ['', 'abc', '-1', 'NaN', 'Infinity']) assert.throws(() => parseSeconds(bad, '--timeout'), /--timeout expects a number of seconds/);
});

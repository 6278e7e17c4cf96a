// Limits at the engine's boundary: every time and memory limit that reaches a timer or a process
// option passes through here, so a huge or malformed value (a setting of 2147484 s, `--timeout 1e99`,
// NaN) means "as long as a timer can wait" or the default, never "fire at once". Node's timers take
// a signed 32-bit millisecond count and fire after 1 ms for anything larger.
import os from 'node:os';

/** The longest delay setTimeout honours: 2^31 − 1 ms (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay for setTimeout: finite, ≥ 0, at most MAX_TIMER_MS (NaN and negatives give `fallback`). */
export function timerMs(ms: number | undefined, fallback = 0): number {
  if (ms === undefined || typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) return fallback;
  return Math.min(Math.round(ms), MAX_TIMER_MS);
}

/** A per-job time limit in ms from seconds; 0 means none. Larger than a timer can wait: the longest wait. */
export function jobLimitMs(seconds: number | undefined): number {
  if (seconds === undefined || typeof seconds !== 'number' || !(seconds > 0)) return 0;
  return timerMs(seconds * 1000);
}

/** A memory limit in MiB within [64 MiB, the machine's memory]; the default (75% of RAM) when missing or malformed. */
export function memoryLimitMb(mb: number | undefined): number {
  const total = Math.floor(os.totalmem() / 2 ** 20);
  if (mb === undefined || typeof mb !== 'number' || !Number.isFinite(mb) || mb <= 0) return Math.floor(0.75 * total);
  return Math.max(64, Math.min(Math.floor(mb), total));
}

/**
 * Parses a CLI number of seconds (`--timeout`): a finite number ≥ 0, else an error naming the option.
 * Values beyond what a timer can wait are accepted (and later clamped), not refused.
 */
export function parseSeconds(text: string, option: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new Error(`${option} expects a number of seconds ≥ 0, got '${text}'`);
  return v;
}

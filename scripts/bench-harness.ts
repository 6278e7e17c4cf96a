// Small helpers for bench/*.bench.ts (see bench/README.md): timing, the Python peers (NumPy, PyTorch CPU)
// run in the same process tree and on the same inputs, and the markdown each benchmark prints.
import { spawnSync } from 'node:child_process';

/** Median wall time in seconds of `fn` over repeats (after one warm-up), at least `minRepeats` runs
 *  and until `minSeconds` of total time. */
export async function timeit(fn: () => unknown | Promise<unknown>, { minRepeats = 3, minSeconds = 0.5 } = {}): Promise<number> {
  await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRepeats || (performance.now() - start) / 1000 < minSeconds) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
    if (times.length >= 1000) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const pythonCache = new Map<string, string | null>();
/** A python interpreter that imports all `modules` (BENCH_PYTHON first, then python3, then /usr/bin/python3). */
export function findPython(modules: string[]): string | null {
  const key = modules.join(',');
  if (pythonCache.has(key)) return pythonCache.get(key)!;
  const candidates = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  const found = candidates.find((py) => spawnSync(py, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0) ?? null;
  pythonCache.set(key, found);
  return found;
}

/**
 * Runs a Python peer. The script must print one JSON object on its last stdout line; returns it, or
 * null (with the reason) when no interpreter has the modules. Peers time themselves the same way:
 * median over repeats after a warm-up.
 */
export function runPython<T = Record<string, number>>(modules: string[], script: string, env: Record<string, string> = {}): { result: T | null; python: string | null; reason?: string } {
  const python = findPython(modules);
  if (!python) return { result: null, python: null, reason: `no python3 with ${modules.join(', ')} (sudo bash scripts/setup-bench.sh)` };
  const r = spawnSync(python, ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) return { result: null, python, reason: `${python} failed: ${(r.stderr ?? '').trim().split('\n').pop()}` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { result: JSON.parse(line) as T, python };
}

/** Python prelude defining `timeit(fn, min_repeats=3, min_seconds=0.5)` with the semantics of ours. */
export const pyTimeit = `
import time, json
def timeit(fn, min_repeats=3, min_seconds=0.5):
    fn()
    ts = []
    start = time.perf_counter()
    while len(ts) < min_repeats or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
        if len(ts) >= 1000: break
    ts.sort()
    return ts[len(ts) // 2]
`;

export function fmtSeconds(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s)) return '—';
  if (s < 1e-3) return `${(s * 1e6).toFixed(1)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(2)} s`;
}

export function mdTable(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// Result cache: key = SHA-256 of solver id + solver version + canonical (sorted-key) resolved
// parameters + seed + budget. Kept in memory and, when a directory is given (workspace storage from
// the client, `.theorylab/cache` for the CLI), as one JSON file per key with a SHA-256 of its result.
// Nothing read back is trusted: a file that cannot be read or parsed, whose checksum does not match,
// or whose result does not have the solver's declared outputs (resultShape.ts) is deleted and the
// result recomputed, with a warning, never an error. NaN and ±Inf survive the round trip. Temporary
// files of writes interrupted by a crash are removed when the cache opens.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Value } from '../solvers/registry';
import type { OutputSpec } from '../solvers/registry';
import { plainValues, resultProblem } from './resultShape';
import type { SolveResult } from './runner';

/** 2: the entry carries `sha256` of canonicalJson(result). Entries of format 1 (no checksum) are still read, shape-checked. */
const FORMAT = 2;
/** A `.tmp` file older than this is an orphan even if a process with its pid exists (pids are reused). */
const TMP_MAX_AGE_MS = 10 * 60 * 1000;

export function resultChecksum(r: SolveResult): string {
  return createHash('sha256').update(canonicalJson(r)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal inputs give equal text. */
export function canonicalJson(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export interface CacheKeyParts {
  solver: string;
  version: string;
  params: Record<string, Value>;
  seed: number;
  budget: 'full' | 'test';
}

export function cacheKey(k: CacheKeyParts): string {
  return createHash('sha256').update(canonicalJson({ s: k.solver, v: k.version, p: k.params, seed: k.seed, b: k.budget })).digest('hex');
}

// Non-finite numbers are written as tagged strings so a cached NaN is still a NaN.
const encode = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v);
const decode = (_k: string, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) && '$num' in (v as object) && Object.keys(v as object).length === 1
  ? Number((v as { $num: string }).$num) : v);

export class ResultCache {
  private readonly mem = new Map<string, SolveResult>();

  constructor(readonly dir?: string, private readonly maxEntries = 2000) {
    if (dir) removeOrphanTemps(dir);
  }

  private file(key: string): string { return path.join(this.dir!, `${key}.json`); }

  /**
   * The stored result (marked cached) or undefined; `warn` receives a note about a discarded file.
   * `outputs` (the solver's declaration) is what the stored outputs must match.
   */
  get(key: string, warn?: (m: string) => void, outputs?: readonly OutputSpec[]): SolveResult | undefined {
    const hit = this.mem.get(key);
    if (hit) return { ...hit, cached: true, warnings: [...hit.warnings] };
    if (!this.dir) return undefined;
    const f = this.file(key);
    let text: string;
    try { text = fs.readFileSync(f, 'utf8'); } catch { return undefined; }
    try {
      const entry = JSON.parse(text, decode) as { format: number; key: string; sha256?: string; result: SolveResult };
      if (!entry || typeof entry !== 'object' || (entry.format !== FORMAT && entry.format !== 1)) throw new Error(`unknown format ${String(entry?.format)}`);
      if (entry.key !== key) throw new Error('it is stored under another key');
      const problem = resultProblem(entry.result, outputs);
      if (problem) throw new Error(problem);
      if (entry.format === FORMAT && entry.sha256 !== resultChecksum(entry.result)) throw new Error('its checksum does not match its contents');
      const result: SolveResult = { ...entry.result, warnings: [...(entry.result.warnings ?? [])] };
      this.remember(key, result);
      return { ...result, cached: true, warnings: [...result.warnings] };
    } catch (e) {
      try { fs.rmSync(f, { force: true }); } catch { /* the next write replaces it */ }
      warn?.(`ignored a corrupt cache file ${f} (${(e as Error).message}); the result was recomputed`);
      return undefined;
    }
  }

  /** Stores a result (a copy with plain arrays); one that does not match `outputs` is not stored (returns why). */
  set(key: string, result: SolveResult, meta: { solver: string; version: string }, outputs?: readonly OutputSpec[]): string | undefined {
    const { cached: _c, ...rest } = result;
    const clean: SolveResult = plainValues(rest);
    const problem = resultProblem(clean, outputs);
    if (problem) return problem;
    this.remember(key, clean);
    if (!this.dir) return undefined;
    const tmp = `${this.file(key)}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // write then rename, so a crash never leaves a half-written file under the final name
      const entry = { format: FORMAT, key, ...meta, savedAt: new Date().toISOString(), sha256: resultChecksum(clean), result: clean };
      fs.writeFileSync(tmp, JSON.stringify(entry, encode));
      fs.renameSync(tmp, this.file(key));
    } catch {
      // a read-only or full disk only costs the disk copy; the memory copy stays
      try { fs.rmSync(tmp, { force: true }); } catch { /* nothing written */ }
    }
    return undefined;
  }

  private remember(key: string, r: SolveResult): void {
    this.mem.delete(key);
    this.mem.set(key, r);
    if (this.mem.size > this.maxEntries) this.mem.delete(this.mem.keys().next().value as string);
  }

  clearMemory(): void { this.mem.clear(); }

  // Call-site tags → the key of their last result (memory, and `tags/` next to the results on disk).
  private readonly tags = new Map<string, string>();
  private tagFile(tag: string): string {
    return path.join(this.dir!, 'tags', `${createHash('sha256').update(tag).digest('hex').slice(0, 32)}.json`);
  }
  setTag(tag: string, key: string): void {
    this.tags.set(tag, key);
    if (!this.dir) return;
    try {
      fs.mkdirSync(path.join(this.dir, 'tags'), { recursive: true });
      fs.writeFileSync(this.tagFile(tag), JSON.stringify({ tag, key }));
    } catch { /* memory copy stays */ }
  }
  getTag(tag: string): string | undefined {
    const hit = this.tags.get(tag);
    if (hit || !this.dir) return hit;
    try {
      const e = JSON.parse(fs.readFileSync(this.tagFile(tag), 'utf8')) as { tag: string; key: string };
      return e.tag === tag && typeof e.key === 'string' ? e.key : undefined;
    } catch { return undefined; }
  }
}

/**
 * Deletes `*.tmp` files left by writes a crash interrupted (here and in `tags/`): those of processes
 * that no longer exist, or older than TMP_MAX_AGE_MS. A live writer's file is left alone.
 */
export function removeOrphanTemps(dir: string): number {
  let removed = 0;
  for (const d of [dir, path.join(dir, 'tags')]) {
    let names: string[];
    try { names = fs.readdirSync(d); } catch { continue; }
    for (const n of names) {
      if (!n.endsWith('.tmp')) continue;
      const file = path.join(d, n);
      const pid = Number(/\.(\d+)(?:\.[a-z0-9]+)?\.tmp$/.exec(n)?.[1]);
      try {
        const age = Date.now() - fs.statSync(file).mtimeMs;
        if (pid && pid !== process.pid && age < TMP_MAX_AGE_MS && processExists(pid)) continue;
        if (pid === process.pid && age < TMP_MAX_AGE_MS) continue;
        fs.rmSync(file, { force: true });
        removed++;
      } catch { /* gone meanwhile */ }
    }
  }
  return removed;
}

function processExists(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

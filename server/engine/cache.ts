// Result cache: key = SHA-256 of solver id + solver version + canonical (sorted-key) resolved
// parameters + seed + budget. Kept in memory and, when a directory is given (workspace storage from
// the client, `.theorylab/cache` for the CLI), as one JSON file per key. A file that cannot be read
// or parsed is ignored with a warning, never an error. NaN and ±Inf survive the round trip.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Value } from '../solvers/registry';
import type { SolveResult } from './runner';

const FORMAT = 1;

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

  constructor(readonly dir?: string, private readonly maxEntries = 2000) {}

  private file(key: string): string { return path.join(this.dir!, `${key}.json`); }

  /** The stored result (marked cached) or undefined; `warn` receives a note about an unreadable file. */
  get(key: string, warn?: (m: string) => void): SolveResult | undefined {
    const hit = this.mem.get(key);
    if (hit) return { ...hit, cached: true, warnings: [...hit.warnings] };
    if (!this.dir) return undefined;
    const f = this.file(key);
    let text: string;
    try { text = fs.readFileSync(f, 'utf8'); } catch { return undefined; }
    try {
      const entry = JSON.parse(text, decode) as { format: number; key: string; result: SolveResult };
      if (entry.format !== FORMAT || entry.key !== key || !entry.result || typeof entry.result.outputs !== 'object') {
        throw new Error('unexpected content');
      }
      this.remember(key, entry.result);
      return { ...entry.result, cached: true, warnings: [...(entry.result.warnings ?? [])] };
    } catch (e) {
      warn?.(`ignored a corrupt cache file ${f} (${(e as Error).message}); the result was recomputed`);
      return undefined;
    }
  }

  set(key: string, result: SolveResult, meta: { solver: string; version: string }): void {
    const clean: SolveResult = { ...result, cached: undefined };
    this.remember(key, clean);
    if (!this.dir) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // write then rename, so a crash never leaves a half-written file under the final name
      const tmp = `${this.file(key)}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, key, ...meta, savedAt: new Date().toISOString(), result: clean }, encode));
      fs.renameSync(tmp, this.file(key));
    } catch {
      // a read-only or full disk only costs the disk copy; the memory copy stays
    }
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

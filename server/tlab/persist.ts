// Last block results of each .tlab document on disk, so reopening a file (or restarting the server /
// reloading the editor) shows them at once: hovers, inlay hints, code lens statuses, failed-expect
// diagnostics and plots. They keep the fingerprint of the text they were computed from, so the usual
// comparison in documents.ts marks them stale when that text changed since.
//
// One JSON file per document URI (named by a hash of the URI) in the server's storage directory
// (workspace storage from the client, else the user cache). Written atomically (temporary file +
// rename); the directory is kept under a size limit by deleting the least recently written files, and
// temporary files of writes a crash interrupted are removed when the store opens. Nothing read back is
// trusted: a file whose checksum does not match, or a block with any malformed part (an expectation
// that is null, a plot without a title, a non-string message) is dropped with a log line, so only
// well-formed results reach hovers, lenses, diagnostics and plots; the block then simply shows "not run".
//
// File format 2: one JSON object whose last member, `"sha256"`, is the SHA-256 of the object's text
// without it. Format 1 files (no checksum) are still read, with the same checks.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { removeOrphanTemps } from '../engine/cache';
import type { StoredResult } from './storedResult';
import type { BlockResult } from './blockRun';
import type { RV } from './values';

const FORMAT = 2;
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** Derivation hover values are tabulated at save time for blocks up to this many characters. */
const MAX_DERIVATION_PROBE = 20_000;

export interface PersistOptions {
  /** directory of the files; undefined = nothing is persisted */
  dir?: string;
  /** total size of the directory's result files before the oldest are deleted */
  maxBytes?: number;
  log?(message: string): void;
}

interface SavedBlock {
  name: string;
  fingerprint: string;
  /** index into `texts` (the document text of that run; blocks of one run share it) */
  text: number;
  result: Omit<BlockResult, 'values' | 'derivationValueAt'> & {
    values: [string, RV][];
    derivationValues?: { span: { start: number; end: number }; text: string; where?: string }[];
  };
}

interface SavedFile { format: number; uri: string; savedAt: string; texts: string[]; blocks: SavedBlock[] }

// Non-finite numbers become tagged objects (JSON has no NaN); functions (FnV.call) are dropped by
// JSON.stringify and replaced on load by one that explains the value is not callable any more.
const encode = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v);
const decode = (_k: string, v: unknown) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  if ('$num' in o && Object.keys(o).length === 1) return Number(o.$num);
  if (o.kind === 'fn' && typeof o.name === 'string' && Array.isArray(o.params) && !('call' in o)) {
    return { ...o, call: () => { throw new Error(`${o.name as string} comes from saved results: run the block again to call it`); } };
  }
  return v;
};

const tables = new WeakMap<BlockResult, SavedBlock['result']['derivationValues']>();
const wordChar = /[A-Za-z0-9_\u0370-\u03FF\u1F00-\u1FFF]/;
const charClass = (c: string | undefined) => (c === undefined ? 'x' : /\s/.test(c) ? ' ' : wordChar.test(c) ? 'w' : 'x');

/**
 * The smallest-span table of a derivation's hover values, so they can be answered without the run.
 * Expression spans start and end at token boundaries, so offsets inside a run of word characters or of
 * whitespace give the same answer as the previous offset and are not asked again.
 */
function derivationTable(r: BlockResult, text: string): SavedBlock['result']['derivationValues'] {
  if (r.kind !== 'derivation' || !r.derivationValueAt || r.span.end - r.span.start > MAX_DERIVATION_PROBE) return undefined;
  if (tables.has(r)) return tables.get(r);
  const seen = new Map<string, { span: { start: number; end: number }; text: string; where?: string }>();
  for (let off = r.span.start; off <= r.span.end; off++) {
    const c = charClass(text[off]);
    if (off - 2 >= r.span.start && c !== 'x' && charClass(text[off - 1]) === c && charClass(text[off - 2]) === c) continue;
    let v: { span: { start: number; end: number }; text: string; where?: string } | undefined;
    try { v = r.derivationValueAt(off); } catch { v = undefined; }
    if (v) seen.set(`${v.span.start}:${v.span.end}`, { span: { start: v.span.start, end: v.span.end }, text: v.text, ...(v.where ? { where: v.where } : {}) });
  }
  const table = [...seen.values()];
  tables.set(r, table);
  return table;
}

function lookupTable(table: { span: { start: number; end: number }; text: string; where?: string }[]): BlockResult['derivationValueAt'] {
  return (offset) => {
    let best: (typeof table)[number] | undefined;
    for (const e of table) {
      if (e.span.start <= offset && offset <= e.span.end && (!best || e.span.end - e.span.start < best.span.end - best.span.start)) best = e;
    }
    return best && { span: { ...best.span }, text: best.text, ...(typeof best.where === 'string' ? { where: best.where } : {}) };
  };
}

function toSaved(uri: string, results: Map<string, StoredResult>): SavedFile {
  const texts: string[] = [];
  const blocks: SavedBlock[] = [];
  for (const [name, stored] of results) {
    let ti = texts.indexOf(stored.text);
    if (ti < 0) { ti = texts.length; texts.push(stored.text); }
    const { values, derivationValueAt: _f, ...rest } = stored.result;
    const derivationValues = derivationTable(stored.result, stored.text);
    blocks.push({ name, fingerprint: stored.fingerprint, text: ti, result: { ...rest, values: [...values], ...(derivationValues ? { derivationValues } : {}) } });
  }
  return { format: FORMAT, uri, savedAt: new Date().toISOString(), texts, blocks };
}

const isSpan = (s: unknown): boolean => !!s && typeof (s as { start?: unknown }).start === 'number' && typeof (s as { end?: unknown }).end === 'number';
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const optional = (v: unknown, t: 'string' | 'boolean' | 'number') => v === undefined || typeof v === t;

/** Why one element of a saved block is malformed (`what[i]: …`), or undefined when every element is fine. */
function blockProblem(r: SavedBlock['result']): string | undefined {
  const each = <T>(what: string, list: T[], bad: (x: T) => string | false): string | undefined => {
    for (let i = 0; i < list.length; i++) { const p = bad(list[i]); if (p) return `${what}[${i}]: ${p}`; }
    return undefined;
  };
  return each('expects', r.expects as unknown[], (e) => !isObj(e) ? 'not an object' : !isSpan(e.span) ? 'no span'
      : typeof e.passed !== 'boolean' ? 'passed is not a boolean' : typeof e.message !== 'string' ? 'message is not a string'
        : !optional(e.left, 'string') || !optional(e.right, 'string') || !optional(e.error, 'boolean') ? 'malformed values' : false)
    ?? each('checks', r.checks as unknown[], (c) => !isObj(c) ? 'not an object' : !isSpan(c.span) ? 'no span'
      : typeof c.passed !== 'boolean' ? 'passed is not a boolean' : typeof c.message !== 'string' ? 'message is not a string'
        : typeof c.points !== 'number' || typeof c.worstRelError !== 'number' || !optional(c.inconclusive, 'boolean') ? 'malformed counts' : false)
    ?? each('plots', r.plots as unknown[], (p) => !isObj(p) ? 'not an object'
      : typeof p.title !== 'string' || typeof p.uri !== 'string' || typeof p.experiment !== 'string' || typeof p.createdAt !== 'string' ? 'missing title, uri, experiment or date'
        : !isObj(p.spec) ? 'no spec' : !Array.isArray(p.rows) || !p.rows.every(isObj) ? 'rows are not objects' : false)
    ?? each('issues', r.issues as unknown[], (i) => !isObj(i) ? 'not an object' : !isSpan(i.span) ? 'no span'
      : typeof i.message !== 'string' ? 'message is not a string' : i.severity !== 'error' && i.severity !== 'warning' ? 'unknown severity' : false)
    ?? each('defined', r.defined as unknown[], (d) => !isObj(d) ? 'not an object'
      : typeof d.name !== 'string' || !isSpan(d.span) || !isSpan(d.stmtSpan) || !('value' in d) ? 'malformed name' : false)
    ?? each('values', r.values as unknown[], (v) => !Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' ? 'not a [span, value] pair' : false)
    ?? (typeof r.seconds !== 'number' || typeof r.name !== 'string' || !optional(r.cancelled, 'boolean') ? 'malformed name, seconds or cancelled' : undefined);
}

function fromSaved(uri: string, f: SavedFile, log: (m: string) => void): Map<string, StoredResult> {
  if (!f || typeof f !== 'object' || (f.format !== FORMAT && f.format !== 1)) throw new Error(`unexpected format ${String((f as SavedFile | undefined)?.format)}`);
  if (f.uri !== uri) throw new Error('it belongs to another document');
  if (!Array.isArray(f.texts) || !Array.isArray(f.blocks)) throw new Error('missing texts or blocks');
  const out = new Map<string, StoredResult>();
  for (const b of f.blocks) {
    const r = b?.result;
    if (typeof b?.name !== 'string' || typeof b.fingerprint !== 'string' || typeof f.texts[b.text] !== 'string' || !r
      || (r.kind !== 'experiment' && r.kind !== 'derivation') || !isSpan(r.span)
      || ![r.expects, r.checks, r.plots, r.issues, r.values, r.defined].every(Array.isArray)) {
      throw new Error(`block ${JSON.stringify(b?.name)} has an unexpected shape`);
    }
    const problem = blockProblem(r);
    if (problem) { log(`dropped the saved results of block ${JSON.stringify(b.name)} of ${uri}: ${problem}`); continue; }
    const { values, derivationValues, ...rest } = r;
    const result: BlockResult = { ...rest, values: new Map(values) };
    if (Array.isArray(derivationValues)) result.derivationValueAt = lookupTable(derivationValues.filter((e) => isSpan(e?.span) && typeof e.text === 'string'));
    out.set(b.name, { result, fingerprint: b.fingerprint, text: f.texts[b.text] });
  }
  return out;
}

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

/** The text of a saved file, checked against its trailing `"sha256"` member (format 2 files must have one). */
function checkedText(text: string): string {
  const m = /,"sha256":"([0-9a-f]{64})"\}\s*$/.exec(text);
  if (!m) {
    if (/^\{"format":2,/.test(text)) throw new Error('it has no checksum');
    return text; // format 1
  }
  if (sha256(`${text.slice(0, m.index)}}`) !== m[1]) throw new Error('its checksum does not match its contents');
  return text;
}

export class BlockResultStore {
  readonly maxBytes: number;

  constructor(readonly dir: string, private readonly opts: Omit<PersistOptions, 'dir'> = {}) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    // a crash between write and rename leaves a .tmp file the size limit would never count
    const removed = removeOrphanTemps(dir);
    if (removed) this.log(`removed ${removed} temporary file${removed > 1 ? 's' : ''} of interrupted writes in ${dir}`);
  }

  private log(m: string): void { this.opts.log?.(`[results] ${m}`); }

  fileFor(uri: string): string {
    return path.join(this.dir, `${createHash('sha256').update(uri).digest('hex').slice(0, 32)}.json`);
  }

  /** Writes the results of a document (replacing its previous file); false when nothing was written. */
  save(uri: string, results: Map<string, StoredResult>): boolean {
    const file = this.fileFor(uri);
    let text: string;
    try {
      const core = JSON.stringify(toSaved(uri, results), encode);
      text = `${core.slice(0, -1)},"sha256":"${sha256(core)}"}`;
    } catch (e) {
      this.log(`could not serialise the results of ${uri}: ${(e as Error).message}`);
      return false;
    }
    if (Buffer.byteLength(text) > this.maxBytes) {
      this.log(`results of ${uri} not saved: ${Buffer.byteLength(text)} bytes exceed the limit of ${this.maxBytes}`);
      return false;
    }
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, file); // readers see the old file or the new one, never half of one
    } catch (e) {
      try { fs.rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
      this.log(`could not save the results of ${uri} to ${file}: ${(e as Error).message}`);
      return false;
    }
    this.prune(file);
    return true;
  }

  /** The saved results of a document, or undefined (none saved, or an unreadable file: logged). */
  load(uri: string): Map<string, StoredResult> | undefined {
    const file = this.fileFor(uri);
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`could not read ${file}: ${(e as Error).message}`);
      return undefined;
    }
    try {
      return fromSaved(uri, JSON.parse(checkedText(text), decode) as SavedFile, (m) => this.log(m));
    } catch (e) {
      this.log(`ignored the saved results in ${file} (${(e as Error).message})`);
      return undefined;
    }
  }

  /** Deletes the least recently written result files until the directory fits in maxBytes (`keep` stays). */
  prune(keep?: string): void {
    let entries: { file: string; size: number; mtime: number }[];
    try {
      entries = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json')).flatMap((n) => {
        const file = path.join(this.dir, n);
        try { const st = fs.statSync(file); return [{ file, size: st.size, mtime: st.mtimeMs }]; } catch { return []; }
      });
    } catch { return; }
    let total = entries.reduce((s, e) => s + e.size, 0);
    entries.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file));
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      if (e.file === keep) continue;
      try { fs.rmSync(e.file, { force: true }); total -= e.size; } catch { /* next one */ }
    }
  }
}

// ---- the server's store (configured once at initialize) -----------------------------------------------

let store: BlockResultStore | undefined;

/** Sets where results are persisted (server.ts, at initialize); no `dir` turns persistence off. */
export function configurePersistence(opts: PersistOptions): void {
  store = opts.dir ? new BlockResultStore(opts.dir, opts) : undefined;
}

export function persistedResults(uri: string): Map<string, StoredResult> | undefined {
  return store?.load(uri);
}

export function persistResults(uri: string, results: Map<string, StoredResult>): void {
  store?.save(uri, results);
}

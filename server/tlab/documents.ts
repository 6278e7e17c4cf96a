// Per-document state of the .tlab language service: the analysis of the current text (cached by
// version) and the last run results of each block, with the fingerprint of the text they were
// computed from so they can be marked stale the moment that text changes.
import type { Confined } from '../workspace/confine';
import type { Span } from './ast';
import { Analysis, checkTlab } from './checker';
import type { StoredResult } from './storedResult';
import { persistedResults } from './persist';
import { solverGeneration } from '../solvers/index';

export type { StoredResult } from './storedResult';

export interface DocState {
  uri: string;
  version: number;
  analysis: Analysis;
  results: Map<string, StoredResult>;
  running: Map<string, AbortController>;
  /** Seed last used per block ("Re-check with new seed" moves to the next one). */
  seeds: Map<string, number>;
}

const states = new Map<string, DocState>();

export type FileReader = (fromUri: string, rel: string) => { uri: string; text: string };
export type FileLocator = (fromUri: string, rel: string) => Confined;

const checkedGeneration = new Map<string, number>();

export function getState(uri: string, version: number, text: string, readFile?: FileReader, locateFile?: FileLocator): DocState {
  let s = states.get(uri);
  // a changed workspace solver declaration (solverGeneration) re-checks unchanged text too
  if (s && s.version === version && s.analysis.text === text && checkedGeneration.get(uri) === solverGeneration()) return s;
  checkedGeneration.set(uri, solverGeneration());
  const analysis = checkTlab(text, { uri, readFile, locateFile });
  if (!s) {
    // results saved by an earlier session (or before the file was closed): shown at once, stale if the text changed
    s = { uri, version, analysis, results: persistedResults(uri) ?? new Map(), running: new Map(), seeds: new Map() };
    states.set(uri, s);
  }
  else { s.version = version; s.analysis = analysis; }
  return s;
}

export function peekState(uri: string): DocState | undefined { return states.get(uri); }

export function dropState(uri: string): void {
  const s = states.get(uri);
  if (s) for (const c of s.running.values()) c.abort();
  states.delete(uri);
}

/**
 * What a block's results depend on: its own text and every top-level statement outside blocks
 * (lets and imports), whitespace-insensitive so re-indenting does not invalidate results.
 */
export function blockFingerprint(a: Analysis, name: string): string | undefined {
  const block = a.parse.file.items.find((i) => (i.kind === 'experiment' || i.kind === 'derivation') && i.name.name === name);
  if (!block) return undefined;
  const parts: string[] = [];
  for (const item of a.parse.file.items) {
    if (item.kind === 'let' || item.kind === 'import') parts.push(slice(a.text, item.span));
  }
  parts.push(slice(a.text, block.span));
  return parts.join('\u0000');
}

function slice(text: string, s: Span): string { return text.slice(s.start, s.end).replace(/\s+/g, ' '); }

/** Results that still match the current text (not stale), by block name. */
export function freshResults(s: DocState): Map<string, StoredResult> {
  const out = new Map<string, StoredResult>();
  for (const [name, r] of s.results) if (blockFingerprint(s.analysis, name) === r.fingerprint) out.set(name, r);
  return out;
}

/**
 * Where a statement of a (possibly stale) run stands in the current text: at the shifted offset when it
 * is unchanged there, else at the one place in its block where the same statement text still occurs;
 * undefined when the statement itself was edited (its old result then has no place to show).
 */
export function mapStaleSpan(s: DocState, name: string, sp: Span): Span | undefined {
  const r = s.results.get(name);
  if (!r) return undefined;
  const snippet = r.text.slice(sp.start, sp.end);
  if (!snippet) return undefined;
  const shift = shiftFor(s, name);
  const cur = s.analysis.text;
  if (cur.slice(sp.start + shift, sp.end + shift) === snippet) return { start: sp.start + shift, end: sp.end + shift };
  const block = s.analysis.parse.file.items.find((i) => (i.kind === 'experiment' || i.kind === 'derivation') && i.name.name === name);
  if (!block) return undefined;
  const body = cur.slice(block.span.start, block.span.end);
  const at = body.indexOf(snippet);
  if (at < 0 || body.indexOf(snippet, at + 1) >= 0) return undefined;
  return { start: block.span.start + at, end: block.span.start + at + snippet.length };
}

/**
 * Maps a span of the run's text to the current text when the block moved but did not change (an edit
 * above it): offsets shift by the difference of the block starts.
 */
export function shiftFor(s: DocState, name: string): number {
  const r = s.results.get(name);
  if (!r) return 0;
  const block = s.analysis.parse.file.items.find((i) => (i.kind === 'experiment' || i.kind === 'derivation') && i.name.name === name);
  if (!block) return 0;
  return block.span.start - r.result.span.start;
}

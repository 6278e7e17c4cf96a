// Types shared by the .tlab checker and its consumers: diagnostics with quick fixes, symbols,
// references, blocks and the Analysis of a file; the Scope chain; walking expressions.
import type { Expr, ExperimentDecl, DerivationDecl, LetStmt, Span } from './ast';
import type { ParseResult } from './parser';
import type { Grid } from './evaluator';
import type { RV } from './values';
import type { SType } from './types';
import type { SolverDef } from '../solvers/registry';
import type { Confined } from '../workspace/confine';

export type Severity = 'error' | 'warning' | 'info';

export interface QuickFix { title: string; span: Span; newText: string }

export interface TlabDiagnostic {
  span: Span;
  message: string;
  severity: Severity;
  /** Replacement proposals (quick fixes for misspellings). */
  fixes?: QuickFix[];
  /** Where it came from: 'syntax' | 'check' | 'derive' | 'run' */
  source?: string;
}

export type SymKind = 'let' | 'function' | 'param' | 'sweep' | 'result' | 'given' | 'experiment' | 'derivation';

export interface Sym {
  name: string;
  kind: SymKind;
  /** span of the defining name */
  span: Span;
  /** the whole defining statement */
  declSpan: Span;
  uri: string;
  type: SType;
  /** the block it is visible in (undefined = the whole file) */
  block?: string;
  doc?: string;
  solver?: SolverDef;
  params?: string[];
  /** a plain let's expression: `within tol` reads it to warn that a % written there does not make it relative */
  letValue?: Expr;
  /** statically known value (constants, sweep values) */
  value?: RV;
}

export interface Ref { span: Span; sym: Sym }

export interface BlockInfo {
  kind: 'experiment' | 'derivation';
  name: string;
  decl: ExperimentDecl | DerivationDecl;
  /** static grid, when every sweep folds to constants */
  grid?: Grid;
  sweeps: string[];
}

export interface Analysis {
  uri: string;
  text: string;
  parse: ParseResult;
  diagnostics: TlabDiagnostic[];
  symbols: Sym[];
  refs: Ref[];
  blocks: BlockInfo[];
  /** top-level lets of the file and of its imports, in evaluation order (imports first) */
  fileLets: { stmt: LetStmt; uri: string }[];
  /** Statically known values by span (key: `staticKey(span)`), for hovers before any run. */
  staticValues: Map<number | string, RV>;
  /** Analyses of imported files (transitively), by uri: their text serves navigation. */
  imported: Map<string, Analysis>;
  /** Data files named by solver arguments, by the string's span key: the confined absolute path. */
  dataFiles: Map<string, string>;
}

export interface CheckOptions {
  uri: string;
  /** Reads a workspace file relative to `fromUri` (throws a clear error when it cannot). */
  readFile?(fromUri: string, relativePath: string): { uri: string; text: string };
  /** Where a file named by `fromUri` (a solver's `data = "…"`) is, confined to its workspace folder. */
  locateFile?(fromUri: string, relativePath: string): Confined;
  /** Files being imported above this one (cycle detection). */
  importStack?: string[];
  /** Parsed imports shared across one check (a file imported twice is analysed once). */
  importCache?: Map<string, Analysis>;
}

export const spanKey = (s: Span) => `${s.start}:${s.end}`;

/**
 * The key of a span in `Analysis.staticValues`: one number (the checker sets thousands per file, and
 * building and hashing a `start:end` string each time was a visible part of checking). Offsets past
 * 2^26 (files over 64 MB) fall back to the string key, so two spans never share a key.
 */
export const staticKey = (s: Span): number | string => (s.end < 0x4000000 && s.start >= 0 ? s.start * 0x4000000 + s.end : spanKey(s));

/** Sweep grids larger than this are not expanded statically. */
export const MAX_STATIC_GRID = 20000;
/** Names visible in a block, a function body or the file, with the enclosing scope as parent. */
export class Scope {
  private names = new Map<string, Sym>();
  constructor(public readonly parent?: Scope) {}
  lookup(name: string): Sym | undefined { return this.names.get(name) ?? this.parent?.lookup(name); }
  local(name: string): Sym | undefined { return this.names.get(name); }
  define(s: Sym): void { this.names.set(s.name, s); }
  all(): Sym[] {
    const out = new Map<string, Sym>();
    for (let sc: Scope | undefined = this; sc; sc = sc.parent) for (const [k, v] of sc.names) if (!out.has(k)) out.set(k, v);
    return [...out.values()];
  }
}
export const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', '≈']);

/** `a.b.c` as a dotted name, or undefined. */
export function dotted(e: Expr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'member') { const o = dotted(e.object); return o ? `${o}.${e.name}` : undefined; }
  return undefined;
}

/** Visits every sub-expression. */
export function walk(e: Expr, f: (x: Expr) => void): void {
  f(e);
  switch (e.kind) {
    case 'list': e.items.forEach((x) => walk(x, f)); break;
    case 'call': walk(e.callee, f); e.args.forEach((a) => walk(a.value, f)); break;
    case 'member': walk(e.object, f); break;
    case 'index': walk(e.object, f); walk(e.index, f); break;
    case 'select': walk(e.object, f); walk(e.value, f); break;
    case 'binary': walk(e.left, f); walk(e.right, f); break;
    case 'unary': walk(e.operand, f); break;
    case 'transpose': walk(e.operand, f); break;
  }
}

/**
 * A diagnostic message with quoted source shortened: names and tokens the user typed can be
 * megabytes long, and a message repeats them (`unknown name \`…\``); the whole is capped as well.
 */
export function clipMessage(message: string, quoted = 60, total = 1000): string {
  // Most messages are short: nothing quoted can be longer than `quoted` then.
  if (message.length <= Math.min(quoted + 2, total)) return message;
  let m = message.replace(/(`|')([^`'\n]{1,})\1/g, (all, q: string, body: string) => (body.length > quoted ? `${q}${body.slice(0, quoted)}…${q}` : all));
  if (m.length > total) m = m.slice(0, total) + '…';
  return m;
}

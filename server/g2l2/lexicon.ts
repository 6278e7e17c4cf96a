// Lexicons: entries (surface words, CCG category, semantic program, weight) checked against their
// category, weights normalised per surface word (w / Σw), and sentence tokenisation with greedy
// multi-word entries.
import type { CatAst, EntryDecl, Expr, Span } from '../clevr/ast';
import { exprToString } from '../clevr/ast';
import { checkProgram } from '../clevr/checker';
import { base, fnType, typeToString } from '../clevr/types';
import { catString, Category, categoryType, fromAst, isAtom, unknownAtoms } from './category';

export interface LexEntry {
  id: number;
  surface: string;          // normalised: lower case, single spaces
  words: string[];
  category: Category;
  program?: Expr;           // absent for NONE (empty word)
  weight: number;
  /** log(w / Σw) over the entries of the same surface word. */
  logProb: number;
  span: Span;
  decl?: EntryDecl;
}

export interface LexIssue {
  message: string; span: Span; severity: 'error' | 'warning';
  /** An incomplete category: the entry's span, so that a syntax error inside it is reworded, not repeated. */
  incompleteIn?: Span;
}

export interface Lexicon {
  name: string;
  entries: LexEntry[];
  bySurface: Map<string, LexEntry[]>;
  /** Longest entry length in words (greedy tokenisation). */
  maxWords: number;
  /** Surface words whose only entries have errors: a sentence says so instead of "no entry". */
  broken: Map<string, { span: Span; message: string }>;
}

export function normaliseWords(s: string): string[] {
  return s.toLowerCase().replace(/[?!.,;]+/g, ' ').split(/\s+/).filter(Boolean);
}

/**
 * `hasSyntaxError(span)`: whether the parser reported an error inside that span; such an entry is
 * only marked broken (the parser's diagnostic is the one the user sees), never checked further.
 */
export function buildLexicon(name: string, decls: EntryDecl[], hasSyntaxError: (span: Span) => boolean = () => false): { lexicon: Lexicon; issues: LexIssue[] } {
  const issues: LexIssue[] = [];
  const entries: LexEntry[] = [];
  const seen = new Map<string, LexEntry>();
  const broken = new Map<string, { span: Span; message: string }>();
  for (const d of decls) {
    const words = normaliseWords(d.words.value);
    if (!words.length) { if (d.words.span.start >= 0) issues.push({ message: 'an entry needs at least one word', span: d.words.span, severity: 'error' }); continue; }
    const surface0 = words.join(' ');
    const fail = (message: string, span: Span, report = true, incompleteIn?: Span) => {
      if (report) issues.push({ message, span, severity: 'error', incompleteIn });
      if (!broken.has(surface0)) broken.set(surface0, { span, message });
    };
    // A half-typed category (`/N`, `\N`, `(/N)`) is normal while typing: one diagnostic at it.
    const problem = categoryProblem(d.category, d.span);
    if (problem) { fail(problem.message, problem.span, problem.report, d.span); continue; }
    if (hasSyntaxError(d.span)) { fail('the entry has a syntax error', d.span, false); continue; }
    const category = fromAst(d.category!);
    const bad = unknownAtoms(category);
    if (bad.length) {
      fail(`unknown category atom${bad.length > 1 ? 's' : ''} ${bad.map((b) => `'${b}'`).join(', ')} (atoms: S, N, NP, CONJ, NONE)`, d.category!.span);
      continue;
    }
    const before = issues.length;
    let ok = true;
    if (isAtom(category, 'NONE')) {
      if (d.program) issues.push({ message: 'an empty word (NONE) has no program; it is ignored', span: d.program.span, severity: 'warning' });
    } else if (!d.program) {
      issues.push({ message: `entry '${d.words.value}' : ${catString(category)} needs a program (:= …)`, span: d.span, severity: 'error' });
      ok = false;
    } else if (isAtom(category, 'CONJ')) {
      // A CONJ entry is a binary function on object sets: λa. λb. c(a, b).
      const r = checkProgram(d.program, fnType(base('ObjectSet'), fnType(base('ObjectSet'), base('ObjectSet'))));
      for (const i of r.issues) issues.push(i);
      ok = !r.issues.some((i) => i.severity === 'error');
    } else {
      const expected = categoryType(category)!;
      const r = checkProgram(d.program, expected);
      for (const i of r.issues) {
        issues.push(i.message.startsWith('expected ') && i.span === d.program.span
          ? { ...i, message: `the program of '${d.words.value}' does not fit its category ${catString(category)}: ${i.message} (${catString(category)} means ${typeToString(expected)})` }
          : i);
      }
      ok = !r.issues.some((i) => i.severity === 'error');
    }
    const w = d.weight ? d.weight.value : 1;
    if (d.weight && (!Number.isFinite(w) || w < 0)) {
      issues.push({ message: `weights are non-negative numbers, found ${d.weight.value}`, span: d.weight.span, severity: 'error' });
      ok = false;
    }
    if (!ok) {
      const first = issues.slice(before).find((i) => i.severity === 'error');
      if (!broken.has(surface0)) broken.set(surface0, { span: first?.span ?? d.span, message: first?.message ?? 'the entry has an error' });
      continue;
    }
    const surface = surface0;
    const key = `${surface}|${catString(category)}|${d.program ? exprToString(d.program) : ''}`;
    const dup = seen.get(key);
    if (dup) {
      issues.push({ message: `duplicate entry: '${surface}' : ${catString(category)} with the same program is already defined`, span: d.span, severity: 'warning' });
    }
    const e: LexEntry = { id: entries.length, surface, words, category, program: d.program, weight: w, logProb: 0, span: d.span, decl: d };
    seen.set(key, e);
    entries.push(e);
  }
  const bySurface = new Map<string, LexEntry[]>();
  for (const e of entries) {
    const list = bySurface.get(e.surface) ?? [];
    list.push(e);
    bySurface.set(e.surface, list);
  }
  for (const [surface, list] of bySurface) {
    const total = list.reduce((s, e) => s + e.weight, 0);
    for (const e of list) e.logProb = total > 0 ? Math.log(e.weight / total) : -Infinity;
    if (total === 0) issues.push({ message: `every entry of '${surface}' has weight 0: the word can never be used`, span: list[0].span, severity: 'warning' });
  }
  for (const k of bySurface.keys()) broken.delete(k);
  let maxWords = 1;
  for (const e of entries) maxWords = Math.max(maxWords, e.words.length);
  for (const k of broken.keys()) maxWords = Math.max(maxWords, k.split(' ').length);
  return { lexicon: { name, entries, bySurface, maxWords, broken }, issues };
}

/** Depth beyond which a category is refused (a category is typed by hand: real ones nest 2–4 deep). */
export const MAX_CATEGORY_DEPTH = 64;

/**
 * The first incomplete part of a category as the parser's error recovery leaves it (a missing
 * operand of `/` or `\`, an empty atom), or a category nested too deeply; iterative, so any depth
 * the user types is safe. `report` is false when the parser has already said so at that place.
 */
export function categoryProblem(c: CatAst | undefined, entrySpan: Span): { message: string; span: Span; report: boolean } | undefined {
  if (!c) return { message: 'the entry needs a category (S, N, NP, CONJ, NONE, X/Y or X\\Y)', span: entrySpan, report: false };
  const stack: { c: CatAst | undefined; depth: number; parent: CatAst }[] = [{ c, depth: 0, parent: c }];
  while (stack.length) {
    const { c: x, depth, parent } = stack.pop()!;
    const at = parent.span.start >= 0 ? parent.span : entrySpan;
    if (!x || typeof x !== 'object') return { message: `incomplete category: '${parent.kind === 'slash' ? parent.dir : '?'}' needs a category on both sides (e.g. N/N)`, span: at, report: true };
    if (depth > MAX_CATEGORY_DEPTH) return { message: `category nested deeper than ${MAX_CATEGORY_DEPTH}`, span: at, report: true };
    if (x.kind === 'atom') {
      if (!x.name) return { message: 'incomplete category: a category atom (S, N, NP, CONJ, NONE) is missing here', span: x.span.start >= 0 ? x.span : at, report: true };
      continue;
    }
    stack.push({ c: x.result, depth: depth + 1, parent: x }, { c: x.arg, depth: depth + 1, parent: x });
  }
  return undefined;
}

export interface Token { text: string; start: number; end: number; entries: LexEntry[] }

/** Greedy longest-match tokenisation: multi-word entries become single tokens. */
export function tokenize(sentence: string, lex: Lexicon): Token[] {
  const words = normaliseWords(sentence);
  const tokens: Token[] = [];
  let i = 0;
  while (i < words.length) {
    let matched: Token | undefined;
    for (let len = Math.min(lex.maxWords, words.length - i); len >= 1 && !matched; len--) {
      const s = words.slice(i, i + len).join(' ');
      const entries = lex.bySurface.get(s) ?? (lex.broken?.has(s) ? [] : undefined);
      if (entries) matched = { text: s, start: i, end: i + len, entries };
    }
    matched ??= { text: words[i], start: i, end: i + 1, entries: [] };
    tokens.push(matched);
    i = matched.end;
  }
  return tokens;
}

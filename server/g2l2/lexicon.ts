// Lexicons: entries (surface words, CCG category, semantic program, weight) checked against their
// category, weights normalised per surface word (w / Σw), and sentence tokenisation with greedy
// multi-word entries.
import type { EntryDecl, Expr, Span } from '../clevr/ast';
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

export interface LexIssue { message: string; span: Span; severity: 'error' | 'warning' }

export interface Lexicon {
  name: string;
  entries: LexEntry[];
  bySurface: Map<string, LexEntry[]>;
  /** Longest entry length in words (greedy tokenisation). */
  maxWords: number;
}

export function normaliseWords(s: string): string[] {
  return s.toLowerCase().replace(/[?!.,;]+/g, ' ').split(/\s+/).filter(Boolean);
}

export function buildLexicon(name: string, decls: EntryDecl[]): { lexicon: Lexicon; issues: LexIssue[] } {
  const issues: LexIssue[] = [];
  const entries: LexEntry[] = [];
  const seen = new Map<string, LexEntry>();
  for (const d of decls) {
    if (!d.category) continue;
    const words = normaliseWords(d.words.value);
    if (!words.length) { issues.push({ message: 'an entry needs at least one word', span: d.words.span, severity: 'error' }); continue; }
    const category = fromAst(d.category);
    const bad = unknownAtoms(category);
    if (bad.length) {
      issues.push({ message: `unknown category atom${bad.length > 1 ? 's' : ''} ${bad.map((b) => `'${b}'`).join(', ')} (atoms: S, N, NP, CONJ, NONE)`, span: d.category.span, severity: 'error' });
      continue;
    }
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
    if (!ok) continue;
    const surface = words.join(' ');
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
  return { lexicon: { name, entries, bySurface, maxWords: Math.max(1, ...entries.map((e) => e.words.length)) }, issues };
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
      const entries = lex.bySurface.get(s);
      if (entries) matched = { text: s, start: i, end: i + len, entries };
    }
    matched ??= { text: words[i], start: i, end: i + 1, entries: [] };
    tokens.push(matched);
    i = matched.end;
  }
  return tokens;
}

// Parses one sentence with a lexicon on a scene: tokens, every full parse (exhaustive CKY, best
// first) with its program, log-weight and symbolic answer, the brute-force expectation over those
// parses, CKY-E2 (merged chart, expected answer), node counts with and without merging, and the
// diagnostics of a sentence that does not parse.
import { exprToString } from '../clevr/ast';
import { checkProgram } from '../clevr/checker';
import { ExecError, isClosure } from '../clevr/evaluate';
import type { Scene } from '../clevr/scene';
import { describeSoft, runSoft, softAnswer, SoftValue } from '../clevr/soft';
import { runSymbolic, symAnswer } from '../clevr/symbolic';
import { typeToString } from '../clevr/types';
import { catString } from './category';
import type { ChartCellData, ChartData, ChartNodeData } from '../../protocol/chart';
import { countDerivationNodes, derivationTree, DNode, exhaustiveChart, fullParses } from './cky';
import { ckyE2, e2Roots, ENode, expectedAnswer, Expected } from './ckye2';
import { Lexicon, Token, tokenize } from './lexicon';

export interface Derivation {
  category: string;
  program: string;
  logWeight: number;
  answer: string | null;
  /** Why the answer is null (INVALID execution). */
  error?: string;
  softAnswer: string | null;
  softValue?: SoftValue;
  tree: string;
  node: DNode;
}

export interface SentenceResult {
  tokens: Token[];
  derivations: Derivation[];
  /** More parses than the enumeration cap: the list is incomplete. */
  truncated: boolean;
  best: string | null;
  expected: Expected;
  /** L7 expectation by brute force over the enumerated derivations (no merging). */
  bruteForce: Expected;
  stats: { cells: number; nodesWithoutMerging: number; nodesWithMerging: number };
  e2: ReturnType<typeof ckyE2>;
  unknownWords: string[];
  /** When there is no full parse: the largest spans that do parse, as "tokens i..j: categories". */
  largestSpans: { start: number; end: number; text: string; categories: string[] }[];
  diagnostics: string[];
  /** The time or chart budget ran out (the diagnostic says so): no answer, and derivations only if some were enumerated in time. */
  budgetExceeded?: boolean;
}

export interface ParseOptions {
  k?: number; maxPerCell?: number;
  /** Time for the whole sentence (all passes) and the CKY-E2 chart-size budget: past either, no answer. */
  timeBudgetMs?: number; maxChartNodes?: number;
  /** Where a lexicon span is, for messages ("line 3"). */
  where?: (span: { start: number; end: number }) => string;
  /** The clock every pass reads the one deadline on (Date.now; tests pass a deterministic one). */
  now?: () => number;
}

/** Default budgets of one sentence: time for the whole parse, and nodes of the CKY-E2 chart. */
export const SENTENCE_BUDGET = { timeMs: 2000, chartNodes: 200_000 };

export function parseSentence(sentence: string, lex: Lexicon, scene: Scene, opts: ParseOptions = {}): SentenceResult {
  const tokens = tokenize(sentence, lex);
  const n = tokens.length;
  const budgetMs = opts.timeBudgetMs ?? SENTENCE_BUDGET.timeMs;
  const now = opts.now ?? Date.now;
  const t0 = now();
  // One deadline for the whole parse: every pass stops at it, so a sentence never takes more than its budget.
  const deadline = t0 + budgetMs;
  const maxChartNodes = opts.maxChartNodes ?? SENTENCE_BUDGET.chartNodes;
  if (n > MAX_SENTENCE_TOKENS) return tooLong(tokens);
  // Counting (by category signature) is the cheapest pass: it gives N for the budget message.
  const counted = countDerivationNodes(tokens, t0 + budgetMs / 4, now);
  const e2 = ckyE2(tokens, scene, { merge: true, deadline, maxChartNodes, now });
  if (e2.budgetExceeded) return overBudget(sentence, tokens, e2, counted, budgetMs, now() - t0);
  // Enumeration gets what is left of the budget (at most half of it); it is allowed to stop early.
  const ex = exhaustiveChart(tokens, opts.maxPerCell ?? 4000, { deadline: Math.min(deadline, now() + budgetMs / 2), now });
  const parses = fullParses(ex, n);
  /** Set when the enumeration stopped early and the Viterbi pass could not finish either: the best derivation is unknown. */
  let bestUnknown: string | undefined;
  if (ex.truncated) {
    // The enumeration stopped early: the Viterbi chart still finds the exact best derivation (in what is left of the budget).
    const vit = ckyE2(tokens, scene, { merge: 'viterbi', deadline, maxChartNodes, now });
    if (vit.budgetExceeded) {
      bestUnknown = vit.budgetExceeded === 'time' ? `parse budget of ${budgetMs} ms exceeded after ${now() - t0} ms` : `chart budget of ${maxChartNodes} nodes exceeded`;
      // Nothing enumerated and no best derivation: the whole sentence is over budget (never "no full parse").
      if (!parses.length) return overBudget(sentence, tokens, { ...e2, budgetExceeded: vit.budgetExceeded }, counted, budgetMs, now() - t0, maxChartNodes);
    } else {
      const best = e2Roots(vit, n).filter((r) => r.term).sort((x, y) => y.logw - x.logw)[0];
      if (best && !parses.some((p) => exprToString(p.term!) === exprToString(best.term!) && Math.abs(p.logw - best.logw) < 1e-12)) {
        parses.unshift(toDNode(best));
      }
    }
  }
  const derivations: Derivation[] = parses.map((d) => {
    const term = d.term!;
    let answer: string | null = null, error: string | undefined;
    let softValue: SoftValue | undefined, soft: string | null = null;
    const checked = checkProgram(term);
    if (checked.issues.some((i) => i.severity === 'error')) error = checked.issues[0].message;
    else {
      try { answer = symAnswer(runSymbolic(term, scene)) ?? null; } catch (e) { if (e instanceof ExecError) error = e.message; else throw e; }
      try { softValue = runSoft(term, scene); soft = softAnswer(softValue) ?? null; } catch (e) { if (!(e instanceof ExecError)) throw e; }
    }
    return { category: catString(d.cat), program: exprToString(term), logWeight: d.logw, answer, error, softAnswer: soft, softValue, tree: derivationTree(d, tokens), node: d };
  });
  const roots = e2Roots(e2, n);
  const expected = expectedAnswer(roots.map((r) => ({ logw: r.logw, value: (r.val as { value: SoftValue }).value })));
  const bruteForce = expectedAnswer(derivations.filter((d) => d.softValue).map((d) => ({ logw: d.logWeight, value: d.softValue! })));
  const unknownWords = tokens.filter((t) => t.entries.length === 0).map((t) => t.text);
  const diagnostics: string[] = [];
  const largestSpans: SentenceResult['largestSpans'] = [];
  if (n === 0) diagnostics.push('the sentence is empty');
  // A word whose entries all have errors is not "unknown": point at the entry's error instead.
  const brokenWords = unknownWords.filter((w) => lex.broken?.has(w));
  const missing = unknownWords.filter((w) => !lex.broken?.has(w));
  if (missing.length) diagnostics.push(`no lexicon entry for ${missing.map((w) => `'${w}'`).join(', ')}`);
  for (const w of brokenWords) {
    const b = lex.broken.get(w)!;
    diagnostics.push(`the lexicon entry for '${w}' has an error${opts.where ? ` (${opts.where(b.span)})` : ''}: ${b.message}`);
  }
  if (n > 0 && derivations.length === 0) {
    // Largest spans that parse, for the "no full parse" diagnostic.
    for (let span = n; span >= 1 && !largestSpans.length; span--) {
      for (let i = 0; i + span <= n; i++) {
        const cell = e2.cells[i][i + span];
        if (cell.length) {
          largestSpans.push({ start: i, end: i + span, text: tokens.slice(i, i + span).map((t) => t.text).join(' '),
            categories: [...new Set(cell.map((c) => `${catString(c.cat)}${c.conj ? '[conj]' : ''}`))] });
        }
      }
    }
    diagnostics.push(`no full parse of "${sentence}"` + (largestSpans.length
      ? `; largest parsed spans: ${largestSpans.map((s) => `"${s.text}" (${s.categories.join(', ')})`).join('; ')}` : ''));
  }
  if (bestUnknown) diagnostics.push(`${bestUnknown} before the best derivation was found: the ${derivations.length} derivation(s) listed are incomplete and give no answer (CKY-E2's expected answer is complete)`);
  else if (ex.truncated) diagnostics.push(`more derivations than the enumeration limit: the derivation list is incomplete (CKY-E2 is complete)`);
  const k = opts.k ?? derivations.length;
  return {
    tokens, derivations: derivations.slice(0, Math.max(0, k)), truncated: ex.truncated,
    best: bestUnknown ? null : derivations[0]?.answer ?? null, expected, bruteForce,
    stats: { cells: (n * (n + 1)) / 2, nodesWithoutMerging: counted.total, nodesWithMerging: e2.nodesWithMerging },
    e2, unknownWords, largestSpans, diagnostics, budgetExceeded: bestUnknown ? true : undefined,
  };
}

/** Most tokens a sentence may have: every chart has n² cells, allocated up front. */
export const MAX_SENTENCE_TOKENS = 400;

function tooLong(tokens: Token[]): SentenceResult {
  const none: Expected = { value: null, distribution: {} };
  return {
    tokens, derivations: [], truncated: true, best: null, expected: none, bruteForce: none,
    stats: { cells: 0, nodesWithoutMerging: 0, nodesWithMerging: 0 },
    e2: { cells: [], nodesWithMerging: 0, nodesBeforeCollect: 0, truncated: true, budgetExceeded: 'size' },
    unknownWords: [], largestSpans: [], budgetExceeded: true,
    diagnostics: [`sentence too long: ${tokens.length} tokens (at most ${MAX_SENTENCE_TOKENS}); split it`],
  };
}

/** The result of a sentence whose chart ran out of budget: one diagnostic, no answer, nothing guessed. */
function overBudget(sentence: string, tokens: Token[], e2: ReturnType<typeof ckyE2>, counted: ReturnType<typeof countDerivationNodes>, budgetMs: number, tookMs: number, chartNodes = SENTENCE_BUDGET.chartNodes): SentenceResult {
  const n = tokens.length;
  const N = counted.complete ? `${formatCount(counted.fullParses)} derivations`
    : counted.prefix ? `too many derivations to count (its first ${counted.prefix.tokens} tokens alone have ${formatCount(counted.prefix.count)})` : 'too many derivations to count';
  const why = e2.budgetExceeded === 'time' ? `parse budget of ${budgetMs} ms exceeded after ${tookMs} ms` : `chart budget of ${chartNodes} nodes exceeded`;
  const none: Expected = { value: null, distribution: {} };
  void sentence;
  return {
    tokens, derivations: [], truncated: true, best: null, expected: none, bruteForce: none,
    stats: { cells: (n * (n + 1)) / 2, nodesWithoutMerging: counted.total, nodesWithMerging: e2.nodesWithMerging },
    e2, unknownWords: tokens.filter((t) => t.entries.length === 0).map((t) => t.text), largestSpans: [],
    diagnostics: [`sentence too ambiguous: ${N}, budget exceeded (${why}); split the sentence or make the lexicon less ambiguous`],
    budgetExceeded: true,
  };
}

function formatCount(x: number): string {
  return x < 1e6 ? String(x) : x.toExponential(2).replace('e+', 'e');
}

/** A CKY-E2 node's representative derivation as an exhaustive-CKY node (for trees and programs). */
function toDNode(x: ENode): DNode {
  return { cat: x.cat, conj: x.conj, lexical: x.lexical, term: x.term, logw: x.logw, rule: x.rule, children: x.children.map(toDNode), entry: x.entry, token: x.token };
}

/** The chart view's data (see chart.ts). */
export function chartData(r: SentenceResult, meta: { uri: string; line: number; sentence: string; scene: Scene; lexicon: string; lineOf?: (offset: number) => number }): ChartData {
  const cells: ChartCellData[] = [];
  const n = r.e2.cells.length ? r.tokens.length : 0; // a sentence refused as too long has no chart
  const toData = (x: ENode): ChartNodeData => {
    const v = x.val;
    let value = '', type = '';
    if (v && !isClosure(v)) { value = describeSoft(v.value, meta.scene); type = softType(v.value); }
    else if (v) type = 'function';
    else type = 'none';
    return {
      id: x.id, category: `${catString(x.cat)}${x.conj ? '[conj]' : ''}`, type,
      program: x.term ? exprToString(x.term) : '(empty word)', logWeight: x.logw, value, rule: x.rule,
      children: x.children.map((c) => c.id), merged: x.merged,
      word: x.rule === 'lex' ? r.tokens[x.token!]?.text : undefined,
      entryLine: x.rule === 'lex' && x.entry && meta.lineOf && x.entry.span.start >= 0 ? meta.lineOf(x.entry.span.start) : undefined,
    };
  };
  // Children of representative derivations may have been merged away; include them under their span.
  const seen = new Set<number>();
  const extra = new Map<string, ChartNodeData[]>();
  const visit = (x: ENode, i: number, j: number, inCell: boolean) => {
    if (seen.has(x.id)) return;
    seen.add(x.id);
    if (!inCell) { const key = `${i},${j}`; const l = extra.get(key) ?? []; l.push(toData(x)); extra.set(key, l); }
  };
  for (let span = 1; span <= n; span++) for (let i = 0; i + span <= n; i++) for (const x of r.e2.cells[i][i + span]) visit(x, i, i + span, true);
  const spanOf = new Map<number, [number, number]>();
  const walk = (x: ENode, i: number, j: number) => {
    spanOf.set(x.id, [i, j]);
    if (x.children.length === 2) {
      const [a, b] = x.children;
      const la = leafCount(a);
      walk(a, i, i + la); walk(b, i + la, j);
    }
  };
  const leafCount = (x: ENode): number => (x.children.length ? x.children.reduce((s, c) => s + leafCount(c), 0) : 1);
  for (let span = 1; span <= n; span++) for (let i = 0; i + span <= n; i++) for (const x of r.e2.cells[i][i + span]) walk(x, i, i + span);
  const collectChildren = (x: ENode) => {
    for (const c of x.children) {
      const sp = spanOf.get(c.id);
      if (sp) visit(c, sp[0], sp[1], false);
      collectChildren(c);
    }
  };
  for (let span = 1; span <= n; span++) for (let i = 0; i + span <= n; i++) for (const x of r.e2.cells[i][i + span]) collectChildren(x);
  for (let span = 1; span <= n; span++) {
    for (let i = 0; i + span <= n; i++) {
      const nodes = [...r.e2.cells[i][i + span].map(toData), ...(extra.get(`${i},${i + span}`) ?? [])];
      if (nodes.length) cells.push({ start: i, end: i + span, nodes });
    }
  }
  const roots = e2Roots(r.e2, n).map((x) => x.id);
  return {
    uri: meta.uri, line: meta.line, sentence: meta.sentence, scene: meta.scene.name, lexicon: meta.lexicon,
    tokens: r.tokens.map((t) => t.text), cells, roots,
    derivations: r.derivations.map((d) => ({ category: d.category, program: d.program, logWeight: d.logWeight, answer: d.answer, tree: d.tree })),
    best: r.best, expected: r.expected.value, stats: r.stats, diagnostics: r.diagnostics,
  };
}

export function softType(v: SoftValue): string {
  switch (v.t) {
    case 'set': return 'ObjectSet';
    case 'object': return 'Object';
    case 'concept': return 'Concept';
    case 'concepts': return 'Concept list';
    case 'attr': return 'Attribute';
    case 'rel': return 'Relation';
    case 'bool': return 'Bool';
    case 'int': return 'Integer';
  }
}

export { typeToString };

// Exhaustive CKY: every derivation as its own chart node (no merging), with its program term built by
// β-reduction and its log-weight (sum of the entries' log-probabilities). Used for the derivation list,
// k-best, the brute-force expectation and as the reference for CKY-E2. The number of derivations can
// grow exponentially, so enumeration stops at a per-cell cap (reported), while `countDerivationNodes`
// counts the unmerged chart exactly without building it.
import type { Expr } from '../clevr/ast';
import { exprToString } from '../clevr/ast';
import { arity, catEqual, catString, Category, isAtom } from './category';
import type { LexEntry, Token } from './lexicon';
import { applicableRules, CatInfo, RuleName } from './rules';
import { applyTerm, conjTerm } from './term';

export interface DNode {
  cat: Category;
  conj: boolean;
  lexical: boolean;
  term?: Expr;              // absent for an empty word (NONE)
  logw: number;
  rule: RuleName;
  children: DNode[];
  entry?: LexEntry;
  token?: number;
}

export interface ExhaustiveChart {
  cells: DNode[][][];       // cells[i][j] for 0 ≤ i < j ≤ n
  truncated: boolean;
}

const NAME = (n: string): Expr => ({ kind: 'name', name: n, span: { start: -1, end: -1 } });

export function lexicalNodes(tokens: Token[], i: number): DNode[] {
  return tokens[i].entries.filter((e) => e.logProb > -Infinity).map((e) => ({
    cat: e.category, conj: false, lexical: true, term: e.program, logw: e.logProb, rule: 'lex' as const, children: [], entry: e, token: i,
  }));
}

/** The term of a rule's result (shared with CKY-E2 for the representative program). */
export function combineTerms(rule: RuleName, a: { term?: Expr }, b: { term?: Expr }, resultCat: Category): Expr | undefined {
  switch (rule) {
    case '>': return a.term && b.term && applyTerm(a.term, b.term);
    case '<': case '<conj': return a.term && b.term && applyTerm(b.term, a.term);
    case 'emptyL': return b.term;
    case 'emptyR': return a.term;
    case 'lex': return a.term;
    case 'conj': {
      if (!a.term || !b.term) return undefined;
      const x = resultCat.kind === 'slash' ? resultCat.arg : resultCat;
      const body = conjTerm(a.term, NAME('_l'), b.term, arity(x));
      return { kind: 'lambda', param: { name: '_l', span: { start: -1, end: -1 } }, body, span: { start: -1, end: -1 } };
    }
  }
}

export function exhaustiveChart(tokens: Token[], maxPerCell = 4000, signal?: { deadline: number; now?: () => number }): ExhaustiveChart {
  const n = tokens.length;
  const now = signal?.now ?? Date.now;
  const cells: DNode[][][] = Array.from({ length: n + 1 }, () => Array.from({ length: n + 1 }, () => []));
  let truncated = false;
  for (let i = 0; i < n; i++) cells[i][i + 1] = lexicalNodes(tokens, i);
  let timedOut = false;
  spans: for (let span = 2; span <= n; span++) {
    for (let i = 0; i + span <= n; i++) {
      const j = i + span;
      const out: DNode[] = [];
      outer: for (let k = i + 1; k < j; k++) {
        for (const a of cells[i][k]) for (const b of cells[k][j]) {
          for (const r of applicableRules(a, b)) {
            if (out.length >= maxPerCell) { truncated = true; break outer; }
            if (signal && now() > signal.deadline) { truncated = timedOut = true; break outer; }
            out.push({ cat: r.cat, conj: r.conj, lexical: false, term: combineTerms(r.rule, a, b, r.cat), logw: a.logw + b.logw, rule: r.rule, children: [a, b] });
          }
        }
      }
      cells[i][j] = out;
      // Out of time: the other cells stay empty (a cell cap only truncates its own cell).
      if (timedOut) break spans;
    }
  }
  return { cells, truncated };
}

/** Full parses: nodes over the whole sentence with category S, best first. */
export function fullParses(chart: ExhaustiveChart, n: number): DNode[] {
  if (n === 0) return [];
  return chart.cells[0][n].filter((d) => isAtom(d.cat, 'S') && d.term)
    .sort((x, y) => y.logw - x.logw || exprToString(x.term!).localeCompare(exprToString(y.term!)));
}

/**
 * Number of nodes of the unmerged chart (every derivation of every cell), counted by category
 * signature instead of enumerated, so it is exact for long sentences.
 */
export function countDerivationNodes(tokens: Token[], deadline = Infinity, now: () => number = Date.now): { total: number; perCell: number[][]; fullParses: number; complete: boolean; prefix?: { tokens: number; count: number } } {
  const n = tokens.length;
  type Group = { info: CatInfo; count: number };
  const cells: Map<string, Group>[][] = Array.from({ length: n + 1 }, () => Array.from({ length: n + 1 }, () => new Map()));
  const key = (c: CatInfo) => `${catString(c.cat)}|${c.lexical ? 1 : 0}|${c.conj ? 1 : 0}`;
  const perCell: number[][] = Array.from({ length: n + 1 }, () => new Array(n + 1).fill(0));
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (const e of tokens[i].entries) {
      if (e.logProb === -Infinity) continue;
      const info = { cat: e.category, lexical: true, conj: false };
      const g = cells[i][i + 1].get(key(info)) ?? { info, count: 0 };
      g.count++;
      cells[i][i + 1].set(key(info), g);
    }
  }
  let complete = true, doneSpan = n;
  const ruleCache = new Map<string, { info: CatInfo; key: string }[]>();
  spans: for (let span = 2; span <= n; span++) {
    for (let i = 0; i + span <= n; i++) {
      if (now() > deadline) { complete = false; doneSpan = span - 1; break spans; }
      const j = i + span;
      const out = cells[i][j];
      for (let k = i + 1; k < j; k++) {
        for (const [ka, a] of cells[i][k]) for (const [kb, b] of cells[k][j]) {
          // Signatures recur across cells: the rules of a pair of signatures are computed once.
          const pair = `${ka}#${kb}`;
          let rs = ruleCache.get(pair);
          if (!rs) {
            rs = applicableRules(a.info, b.info).map((r) => { const info = { cat: r.cat, lexical: false, conj: r.conj }; return { info, key: key(info) }; });
            ruleCache.set(pair, rs);
          }
          for (const r of rs) {
            const g = out.get(r.key) ?? { info: r.info, count: 0 };
            g.count += a.count * b.count;
            out.set(r.key, g);
          }
        }
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j <= n; j++) {
    let c = 0;
    for (const g of cells[i][j].values()) c += g.count;
    perCell[i][j] = c;
    total += c;
  }
  let full = 0;
  if (n > 0) for (const g of cells[0][n].values()) if (isAtom(g.info.cat, 'S')) full += g.count;
  let prefix: { tokens: number; count: number } | undefined;
  for (let j = doneSpan; !complete && j >= 1 && !prefix; j--) {
    let c = 0;
    for (const g of cells[0][j].values()) c += g.count;
    if (c > 0) prefix = { tokens: j, count: c };
  }
  return { total, perCell, fullParses: full, complete, prefix };
}

export function derivationTree(d: DNode, tokens: Token[], indent = ''): string {
  const prog = d.term ? exprToString(d.term) : '(empty)';
  const cat = `${catString(d.cat)}${d.conj ? '[conj]' : ''}`;
  if (d.rule === 'lex') {
    return `${indent}${cat} : ${prog}   ← "${tokens[d.token!]?.text ?? ''}" (p = ${Math.exp(d.logw).toFixed(3)})`;
  }
  const lines = [`${indent}${cat} : ${prog}   (${d.rule})`];
  for (const c of d.children) lines.push(derivationTree(c, tokens, indent + '  '));
  return lines.join('\n');
}

export { catEqual };

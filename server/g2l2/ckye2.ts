// CKY-E2 (math spec A2): CKY whose cells hold soft values executed eagerly on the scene, with local
// marginalisation after every cell (COLLECT): value nodes of the same (category, type) merge into
// their expected value (L5); 0- and 1-bound functors from the same lexical node (word position +
// entry) and category merge, the bound argument replaced by its expectation (L6); functors with two
// or more bound arguments, and coordination functors, are kept as they are.
import type { Expr } from '../clevr/ast';
import { Evaluator, ExecError, isClosure, Val } from '../clevr/evaluate';
import * as K from '../clevr/kernels';
import type { Scene } from '../clevr/scene';
import { SoftPrims, SoftValue } from '../clevr/soft';
import { CONCEPTS } from '../clevr/vocab';
import { arity, catString, Category, isAtom } from './category';
import { combineTerms } from './cky';
import type { LexEntry, Token } from './lexicon';
import { mergeSoftValues, softmaxWeights } from './merge';
import { applicableRules, RuleName } from './rules';
import { conjTerm } from './term';

export interface ENode {
  id: number;
  cat: Category;
  conj: boolean;
  lexical: boolean;
  /** Soft value or closure; absent for an empty word. */
  val?: Val<SoftValue>;
  logw: number;
  rule: RuleName;
  /** Children of the representative (highest-weight) derivation. */
  children: ENode[];
  /** Representative program term. */
  term?: Expr;
  /** The lexical node a functor comes from, and the arguments it has bound so far. */
  lex?: { token: number; entry: LexEntry; base: Val<SoftValue> };
  bound: Val<SoftValue>[];
  merged: number;
  token?: number;
  entry?: LexEntry;
}

export interface E2Options {
  /** true: CKY-E2 merges; 'viterbi': keep the highest-weight node per key (exact best derivation); false: no merging. */
  merge: boolean | 'viterbi';
  maxNodesPerCell?: number;
  /** Time budget (Date.now() deadline) and chart-size budget (nodes over all cells): past either, stop. */
  deadline?: number;
  maxChartNodes?: number;
  /** The clock the deadline is read on (Date.now; tests pass a deterministic one). */
  now?: () => number;
}

export interface E2Chart {
  cells: ENode[][][];
  nodesWithMerging: number;
  /** Nodes produced before COLLECT (what the cells would hold without merging at that cell). */
  nodesBeforeCollect: number;
  truncated: boolean;
  /** The time or chart-size budget ran out: the chart is incomplete and has no answer. */
  budgetExceeded?: 'time' | 'size';
}

const NAME = (n: string): Expr => ({ kind: 'name', name: n, span: { start: -1, end: -1 } });

function valueTypeKey(v: Val<SoftValue> | undefined): string {
  if (!v) return 'none';
  return isClosure(v) ? 'fn' : v.value.t;
}

export function ckyE2(tokens: Token[], scene: Scene, opts: E2Options): E2Chart {
  const ev = new Evaluator(new SoftPrims(scene), undefined, { steps: 50_000_000 });
  const n = tokens.length;
  let nextId = 0;
  let truncated = false;
  const cap = opts.maxNodesPerCell ?? 20000;
  const cells: ENode[][][] = Array.from({ length: n + 1 }, () => Array.from({ length: n + 1 }, () => []));
  let before = 0;

  const lexNode = (e: LexEntry, i: number): ENode | undefined => {
    let val: Val<SoftValue> | undefined;
    try { val = e.program ? ev.eval(e.program) : undefined; } catch (err) { if (err instanceof ExecError) return undefined; throw err; }
    return {
      id: nextId++, cat: e.category, conj: false, lexical: true, val, logw: e.logProb, rule: 'lex', children: [], term: e.program,
      lex: val && isClosure(val) ? { token: i, entry: e, base: val } : undefined, bound: [], merged: 1, token: i, entry: e,
    };
  };

  const combine = (rule: RuleName, a: ENode, b: ENode, cat: Category, conj: boolean): ENode | undefined => {
    let val: Val<SoftValue> | undefined;
    let lex: ENode['lex'];
    let bound: Val<SoftValue>[] = [];
    try {
      switch (rule) {
        case '>': val = ev.apply(a.val!, b.val!); lex = a.lex; bound = [...a.bound, b.val!]; break;
        case '<': case '<conj': val = ev.apply(b.val!, a.val!); lex = b.lex; bound = [...b.bound, a.val!]; break;
        case 'emptyL': val = b.val; lex = b.lex; bound = b.bound; break;
        case 'emptyR': val = a.val; lex = a.lex; bound = a.bound; break;
        case 'conj': {
          const x = cat.kind === 'slash' ? cat.arg : cat;
          const body = conjTerm(NAME('_k'), NAME('_l'), NAME('_r'), arity(x));
          val = { kind: 'lambda', param: '_l', body, env: new Map([['_k', a.val!], ['_r', b.val!]]) };
          lex = undefined;
          break;
        }
        default: return undefined;
      }
    } catch (err) {
      if (err instanceof ExecError) return undefined; // a type clash inside a derivation: no node
      throw err;
    }
    if (rule === '<conj') { lex = undefined; bound = []; }
    if (val && !isClosure(val)) { lex = undefined; bound = []; }
    return {
      id: nextId++, cat, conj, lexical: false, val, logw: a.logw + b.logw, rule, children: [a, b],
      term: combineTerms(rule, a, b, cat), lex, bound, merged: 1,
    };
  };

  for (let i = 0; i < n; i++) {
    const nodes = tokens[i].entries.filter((e) => e.logProb > -Infinity).map((e) => lexNode(e, i)).filter((x): x is ENode => !!x);
    before += nodes.length;
    cells[i][i + 1] = opts.merge ? collect(nodes) : nodes;
  }
  const deadline = opts.deadline ?? Infinity, maxChart = opts.maxChartNodes ?? Infinity, now = opts.now ?? Date.now;
  let budgetExceeded: E2Chart['budgetExceeded'];
  let steps = 0;
  spans: for (let span = 2; span <= n; span++) {
    for (let i = 0; i + span <= n; i++) {
      const j = i + span;
      const out: ENode[] = [];
      outer: for (let k = i + 1; k < j; k++) {
        for (const a of cells[i][k]) for (const b of cells[k][j]) {
          // Checked every few combinations: Date.now() per pair would dominate small charts.
          if ((++steps & 255) === 0 && now() > deadline) { budgetExceeded = 'time'; break spans; }
          for (const r of applicableRules(a, b)) {
            if (out.length >= cap) { truncated = true; break outer; }
            const node = combine(r.rule, a, b, r.cat, r.conj);
            if (node) out.push(node);
          }
        }
      }
      before += out.length;
      cells[i][j] = opts.merge ? collect(out) : out;
      if (before > maxChart) { budgetExceeded = 'size'; break spans; }
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j <= n; j++) total += cells[i][j].length;
  if (budgetExceeded && n > 0) cells[0][n] = []; // an incomplete chart has no root: never a wrong answer
  return { cells, nodesWithMerging: total, nodesBeforeCollect: before, truncated, budgetExceeded };

  /** COLLECT: merge value nodes per (category, type) and 0/1-bound functors per (lexical node, category). */
  function collect(nodes: ENode[]): ENode[] {
    const groups = new Map<string, ENode[]>();
    const kept: ENode[] = [];
    for (const nd of nodes) {
      const cat = `${catString(nd.cat)}${nd.conj ? '[conj]' : ''}`;
      const vt = valueTypeKey(nd.val);
      let key: string | undefined;
      if (vt !== 'fn') key = `v|${cat}|${vt}`;
      else if (nd.lex && nd.bound.length <= 1) key = `f|${nd.lex.token}|${nd.lex.entry.id}|${cat}|${nd.bound.length}`;
      if (!key) { kept.push(nd); continue; }
      const g = groups.get(key);
      if (g) g.push(nd); else groups.set(key, [nd]);
    }
    const out: ENode[] = [];
    for (const [key, g] of groups) {
      if (g.length === 1) { out.push(g[0]); continue; }
      const ws = g.map((x) => x.logw);
      const W = K.logsumexp(ws);
      const best = g.reduce((x, y) => (y.logw > x.logw ? y : x));
      const mergedCount = g.reduce((s, x) => s + x.merged, 0);
      if (opts.merge === 'viterbi') { out.push({ ...best, merged: mergedCount }); continue; }
      if (key.startsWith('v|')) {
        let val: Val<SoftValue> | undefined = best.val;
        if (best.val) {
          const m = mergeSoftValues(g.map((x) => (x.val as { value: SoftValue }).value), ws);
          if (!m) { out.push(...g); continue; }
          val = { value: m };
        }
        out.push({ ...best, id: nextId++, val, logw: W, merged: mergedCount });
      } else if (best.bound.length === 0) {
        out.push({ ...best, id: nextId++, logw: W, merged: mergedCount });
      } else {
        const args = g.map((x) => x.bound[0]);
        if (args.some((a) => isClosure(a))) { out.push(...g); continue; }
        const m = mergeSoftValues(args.map((a) => (a as { value: SoftValue }).value), ws);
        if (!m) { out.push(...g); continue; }
        let val: Val<SoftValue>;
        try { val = ev.apply(best.lex!.base, { value: m }); } catch (err) { if (err instanceof ExecError) { out.push(...g); continue; } throw err; }
        out.push({ ...best, id: nextId++, val, logw: W, bound: [{ value: m }], merged: mergedCount });
      }
    }
    return [...out, ...kept];
  }
}

export interface Expected {
  /** A number when every root is a count, else a distribution over answers. */
  value: number | Record<string, number> | null;
  /** P(answer) per answer, always (counts as the L7 Gaussian over 0..10). */
  distribution: Record<string, number>;
}

/** L7: expected answer over the root value nodes (category S) of the whole sentence. */
export function expectedAnswer(roots: { logw: number; value: SoftValue }[]): Expected {
  const ok = roots.filter((r) => r.value.t === 'bool' || r.value.t === 'int' || r.value.t === 'concept');
  if (!ok.length) return { value: null, distribution: {} };
  const P = softmaxWeights(ok.map((r) => r.logw));
  const dist: Record<string, number> = {};
  const add = (k: string, p: number) => { dist[k] = (dist[k] ?? 0) + p; };
  ok.forEach((r, k) => {
    const v = r.value;
    if (v.t === 'bool') { const p = K.sigmoid(v.logit); add('yes', P[k] * p); add('no', P[k] * (1 - p)); }
    else if (v.t === 'concept') v.dist.forEach((p, i) => { if (p > 0) add(CONCEPTS[i], P[k] * p); });
    else if (v.t === 'int') {
      const g = Array.from({ length: 11 }, (_, c) => Math.exp(-((c - v.n) ** 2) / (2 * 0.25)));
      const z = g.reduce((s, x) => s + x, 0);
      g.forEach((x, c) => add(String(c), P[k] * x / z));
    }
  });
  if (ok.every((r) => r.value.t === 'int')) {
    return { value: ok.reduce((s, r, k) => s + P[k] * (r.value as { n: number }).n, 0), distribution: dist };
  }
  return { value: dist, distribution: dist };
}

export function e2Roots(chart: E2Chart, n: number): ENode[] {
  if (n === 0) return [];
  return chart.cells[0][n].filter((x) => isAtom(x.cat, 'S') && x.val && !isClosure(x.val));
}

// Registry entry of the associative-memory paper: `memory.capacity` (math spec
// shared/math/associative-memory.md; see README.md in this folder for the method).
import { SolverInputError, type ParamIssue, type SolverDef, type Value } from '../contract';
import { withKernels } from './bmm';
import { runCapacity, type Rule, type Summary } from './capacity';
import type { MemoryModel } from './instance';

/** Largest decoupled competitor store we accept (p(p−1)d doubles). */
const MAX_DECOUPLED_ENTRIES = 3e7;

/** JSON has no NaN: an empty pool (e.g. no stored trial) reports null. */
function num(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function stat(s: Summary): Value {
  return { mean: num(s.mean), std: num(s.std), n: s.n };
}

function sizeIssues(p: Record<string, Value>): ParamIssue[] {
  const d = p.d as number, n = p.p as number;
  const issues: ParamIssue[] = [];
  if (p.model === 'decoupled' && n * (n - 1) * d > MAX_DECOUPLED_ENTRIES) {
    issues.push({ param: 'p', message: `decoupled model with p = ${n}, d = ${d} needs ${(n * (n - 1) * d / 1e6).toFixed(0)}M stored competitors (limit ${MAX_DECOUPLED_ENTRIES / 1e6}M); lower p or d` });
  }
  if (p.rule === 'optimal' && n * (n - 1) > 4e6) {
    issues.push({ param: 'p', message: `the optimal rule with p = ${n} has ${n * (n - 1)} margin constraints (limit 4,000,000)` });
  }
  return issues;
}

const capacity: SolverDef = {
  id: 'memory.capacity',
  title: 'Storage probability of p random pairs in a d×d linear associative memory (optimal LP rule or Hebbian)',
  doc:
    'Monte Carlo estimate of P_d(p) = Pr[all p pairs (e_i → u_i) are recalled], embeddings uniform on the unit sphere. ' +
    'Recall of pair i: s_ii > max_{j≠i} s_ij with s_ij = u_jᵀ W e_i. ' +
    '`rule = optimal` decides for each trial whether *some* W stores every pair (math spec M3: max t s.t. margins ≥ t, |W_ab| ≤ 1; stored iff t* > `margin`) ' +
    'with a finite Newton method on the squared hinge that ends in a certificate: a verified separating W ("stored, certificate") ' +
    'or dual multipliers λ ≥ 0 whose bound ‖Aᵀλ‖₁ ≤ `margin` proves t* ≤ `margin` ("not stored, proven"); ' +
    'a trial where neither is reached within `budget_s` is counted as "undecided" and widens the interval. ' +
    '`rule = hebbian` uses W = Σ u_k e_kᵀ and checks recall exactly. ' +
    '`model = decoupled` gives every input its own fresh competitors v_ij instead of the other targets.',
  paper: 'Giorlandino, Goldt & Maillard, "Factual recall in linear associative memories: sharp asymptotics and mechanistic insights", arXiv:2605.10795 (2026)',
  mathSpec: 'associative-memory.md',
  version: '4',
  params: [
    { name: 'd', kind: 'integer', doc: 'embedding dimension (W is d×d)', default: 16, min: 2, max: 512 },
    { name: 'p', kind: 'integer', doc: 'number of stored pairs', default: 32, min: 2, max: 20000 },
    { name: 'rule', kind: 'enum', doc: 'optimal (best possible W, decided exactly) or hebbian (W = Σ u_k e_kᵀ)', default: 'optimal', values: ['optimal', 'hebbian'] },
    { name: 'model', kind: 'enum', doc: 'coupled (competitors are the other targets) or decoupled (fresh competitors per input)', default: 'coupled', values: ['coupled', 'decoupled'] },
    {
      name: 'margin', kind: 'number', default: 1e-9, min: 0, max: 1,
      doc: 'storage counts when the achieved (M3) margin min_{i≠j}(s_ii − s_ij), with W scaled to max|W_ab| = 1, exceeds this; 1e-9 is the spec convention (≈ strict recall)',
    },
    { name: 'trials', kind: 'integer', doc: 'independent random instances (trial t uses the stream (seed, t))', default: 100, min: 1, max: 1000000 },
    { name: 'budget_s', kind: 'number', doc: 'wall-clock budget per optimal-rule instance; a trial not decided within it is reported as undecided', default: 120, min: 0, exclusiveMin: true, unit: 's' },
  ],
  outputs: [
    { name: 'p_success', kind: 'number', doc: 'fraction of trials stored (optimal: with a verified certificate; undecided trials count as not stored here)' },
    { name: 'p_success_ci', kind: 'vector', doc: '95% Wilson interval [lo, hi]; undecided trials are counted as failures for lo and as successes for hi' },
    { name: 'margin', kind: 'number', doc: 'mean over trials of the achieved (M3) minimum margin of the rule\'s W (max|W_ab| = 1); optimal: the certified lower bound of the W found (not t* itself), 0 for proven failures; Hebbian: negative when recall fails' },
    { name: 'p_log_p_over_d2', kind: 'number', doc: 'p ln p / d² (the capacity ratio κ; the optimal capacity tends to ½, Hebbian to ⅛)' },
    { name: 'n_stored', kind: 'integer', doc: 'trials stored — optimal: feasible with a verified W certificate; Hebbian: every pair recalled' },
    { name: 'n_not_stored', kind: 'integer', doc: 'trials not stored — optimal: infeasibility proven by a verified dual certificate; Hebbian: some pair not recalled' },
    { name: 'n_undecided', kind: 'integer', doc: 'optimal rule only: neither certificate found within budget_s (0 for Hebbian)' },
    { name: 'correct_score', kind: 'stat', doc: 'correct scores s_ii pooled over inputs (Hebbian: raw W; optimal: stored trials, W rescaled to minimum margin 1)' },
    { name: 'competitor_score', kind: 'stat', doc: 'largest competitor score max_{j≠i} s_ij, same pooling and scale' },
    { name: 'score_gap', kind: 'stat', doc: 's_ii − max_{j≠i} s_ij, same pooling and scale (C4 of the math spec)' },
    { name: 'score_quantiles', kind: 'object', doc: '{correct, competitor, gap}: each [q05, q50, q95] of the pooled distributions above' },
    { name: 'gap_q05', kind: 'number', doc: '5% quantile of the pooled gap s_ii − max_{j≠i} s_ij (optimal: 1 when many rows bind; Hebbian: negative when recall fails)' },
    { name: 'gap_median', kind: 'number', doc: 'median of the pooled gap s_ii − max_{j≠i} s_ij' },
    { name: 'newton_steps', kind: 'number', doc: 'mean Newton steps per optimal-rule trial' },
    { name: 'seconds_per_trial', kind: 'number', doc: 'wall-clock seconds per trial', unit: 's' },
  ],
  cost(p) {
    const d = p.d as number, n = p.p as number, T = p.trials as number;
    const perMatmul = n * n * d + 2 * n * d * d;
    return p.rule === 'hebbian' ? (T * perMatmul) / 2e8 : (T * 400 * perMatmul) / 2e8;
  },
  memoryEstimate(p) {
    const d = p.d as number, n = p.p as number, T = p.trials as number;
    const K = n * (n - 1);
    // Pooled score summaries keep three numbers per input and trial (JS arrays: ~16 bytes each).
    const pooled = 3 * 16 * T * n;
    if (p.rule === 'hebbian') {
      const chunk = Math.max(1, Math.min(64, Math.floor(4e6 / (n * n + 2 * n * d))));
      return 8 * chunk * (2 * n * n + 4 * n * d + d * d) + pooled;
    }
    // One instance at a time: ~8 row-length work arrays, a few p×p score matrices, stored decoupled
    // competitors, and d×d iterates.
    return 8 * (8 * K + 4 * n * n + (p.model === 'decoupled' ? 2 * K * d : 0) + 12 * d * d + 6 * n * d) + pooled;
  },
  validate: sizeIssues,
  async run(params, ctx) {
    const issues = sizeIssues(params);
    if (issues.length) throw new SolverInputError(issues[0].message, issues[0].param);
    const d = params.d as number, p = params.p as number;
    const rule = params.rule as Rule, model = params.model as MemoryModel;
    let trials = params.trials as number;
    if (!(Number.isInteger(d) && d >= 2)) throw new SolverInputError('`d` must be an integer ≥ 2', 'd');
    if (!(Number.isInteger(p) && p >= 2)) throw new SolverInputError('`p` must be an integer ≥ 2', 'p');
    if (!(Number.isInteger(trials) && trials >= 1)) throw new SolverInputError('`trials` must be an integer ≥ 1', 'trials');
    const margin = params.margin as number;
    if (!(margin >= 0 && Number.isFinite(margin))) throw new SolverInputError('`margin` must be a finite number ≥ 0', 'margin');
    if (ctx.budget === 'test') {
      // Hebbian trials are cheap, so cap them by work (≈ 1e9 flops) rather than count; optimal-rule
      // trials each run a Newton solve and are capped at a dozen.
      const cap = rule === 'hebbian' ? Math.max(400, Math.floor(1e9 / (p * p * d + 2 * p * d * d))) : 12;
      if (trials > cap) { ctx.warn(`test budget: ${trials} trials reduced to ${cap}`); trials = cap; }
    }
    const r = withKernels(ctx.kernels, () => runCapacity({
      d, p, rule, model, threshold: margin, trials, seed: ctx.seed,
      budgetMs: (params.budget_s as number) * 1000,
      checkCancelled: () => ctx.checkCancelled(), progress: (f, m) => ctx.progress(f, m),
    }));
    if (r.undecided > 0) ctx.warn(`${r.undecided} of ${trials} trials undecided within budget_s (neither certificate found)`);
    const q = (s: Summary) => [num(s.q05), num(s.q50), num(s.q95)];
    return {
      p_success: r.pSuccess,
      p_success_ci: r.ci,
      margin: r.meanMargin,
      p_log_p_over_d2: (p * Math.log(p)) / (d * d),
      n_stored: r.stored,
      n_not_stored: r.notStored,
      n_undecided: r.undecided,
      correct_score: stat(r.correct),
      competitor_score: stat(r.competitor),
      score_gap: stat(r.gap),
      score_quantiles: { correct: q(r.correct), competitor: q(r.competitor), gap: q(r.gap) },
      gap_q05: num(r.gap.q05),
      gap_median: num(r.gap.q50),
      newton_steps: r.meanNewtonSteps,
      seconds_per_trial: r.seconds / trials,
    };
  },
};

export const solvers: SolverDef[] = [capacity];

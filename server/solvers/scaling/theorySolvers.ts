// Registry entries of the two theory solvers: scaling.thresholds (one scalar channel) and
// scaling.bayes_optimal (the coupled fixed point for ε^BO, k_c and the overlaps).
import { SolverDef, SolverInputError, SolverContext, ParamIssue, ParamSpec, Value } from '../contract';
import { activationModel, ActivationModel, Quadrature } from './activation';
import { scalarChannel } from './channel';
import { NoConvergenceError, prepareReadouts, readoutSquares, ReadoutProfile, solveBayesOptimal } from './bayesOptimal';
import { measureLaws } from './laws';

const PAPER = 'J. Barbier and M.-T. Nguyen, "Sharp feature-learning transitions and Bayes-optimal neural scaling laws in extensive-width networks", arXiv:2605.10395 (2026)';
const MATH = 'scaling-laws.md';

export const activationParam: ParamSpec = {
  name: 'activation', kind: 'expr', default: 'tanh(2*x)',
  doc: 'odd activation σ(x) as an expression in x (numbers, + - * / ^, tanh sinh cosh exp log sqrt abs erf sign relu max min sin cos). ' +
    'Its linear part μ1·x is removed automatically (reported as a warning); activations with μ0 ≠ 0 or μ2 ≠ 0 are refused.',
};

/** Builds (or fetches) the activation model and reports the linear-part removal to the user. */
export const quadratureParam: ParamSpec = {
  name: 'quadrature', kind: 'enum', default: 'trapezoid', values: ['trapezoid', 'gauss_hermite'],
  doc: 'rule for the Hermite coefficients: trapezoid on [−14, 14] with step 0.005 (math-spec convention; fastest convergence for smooth σ) or 400-node Gauss–Hermite (agrees to ~1e-11 for tanh)',
};

export function preparedActivation(source: string, ctx: SolverContext, quadrature: Quadrature = 'trapezoid'): ActivationModel {
  const act = activationModel(source, quadrature);
  if (act.mu1 !== 0) ctx.warn(`linear part removed: σ(x) = ${act.source} − (${act.mu1.toPrecision(7)})·x (μ1 = ${act.mu1.toPrecision(7)})`);
  for (const n of act.notes) ctx.warn(n);
  return act;
}

const thresholds: SolverDef = {
  id: 'scaling.thresholds',
  title: 'Scalar channel of one feature: Hermite coefficients, g(q), λ_s, λ_e and the jump overlap',
  doc: 'For an odd activation σ, computes the Hermite coefficients μ_l = E[σ He_l] (trapezoid quadrature on [−14, 14], ' +
    'step 0.005, series to l = 200), removes the linear part, and solves the scalar channel T_λ(q) = r/(1+r), r = λ g′(q): ' +
    'the spinodal λ_s (a non-zero fixed point appears), the information-theoretic threshold λ_e (the non-zero branch wins, ' +
    'Φ_λ(q*) > 0) and the overlap q*(λ_e) a feature jumps to. With `lambda`, also q*(λ), m_e(λ) and Φ_λ(q*). ' +
    'Reference for tanh(2x): λ_e = 19.27408, λ_s = 17.67977, q_jump = 0.7508.',
  paper: PAPER, mathSpec: MATH, version: '1',
  params: [
    activationParam,
    quadratureParam,
    { name: 'lambda', kind: 'number', optional: true, min: 0, exclusiveMin: true, max: 1e300, doc: 'SNR λ at which to report q*(λ), m_e(λ) and Φ_λ (optional)' },
    { name: 'n_mu', kind: 'integer', default: 8, min: 1, max: 200, doc: 'how many Hermite coefficients μ_0..μ_{n_mu−1} to report' },
  ],
  outputs: [
    { name: 'lambda_e', kind: 'number', doc: 'information-theoretic threshold λ_e (E8): features with λ > λ_e are learned' },
    { name: 'lambda_s', kind: 'number', doc: 'spinodal λ_s (E8): smallest λ with a non-zero fixed point' },
    { name: 'q_jump', kind: 'number', doc: 'q*(λ_e): the overlap a feature jumps to at λ_e (R3)' },
    { name: 'mu', kind: 'vector', doc: 'μ_l = E[σ_u(z) He_l(z)] of the activation as given (before removing the linear part), l = 0..n_mu−1' },
    { name: 'mu1_removed', kind: 'number', doc: 'linear part removed: σ = σ_u − mu1_removed·x' },
    { name: 'c', kind: 'vector', doc: 'normalised coefficients c_l = μ_l/√(l!) of σ after removal (c_0 = c_1 = c_2 = 0), l = 0..n_mu−1' },
    { name: 'g1', kind: 'number', doc: 'g(1) = E[σ²] = Σ c_l² (error when nothing is learned)' },
    { name: 'g_prime_1', kind: 'number', doc: 'g′(1) = E[σ′²]' },
    { name: 'hermite_order', kind: 'integer', doc: 'series length L (200, or 400 when the tail check needs it)' },
    { name: 'hermite_tail', kind: 'number', doc: 'E[σ²] − Σ_{l≤L} c_l² (should be < 1e-8)' },
    { name: 'q_grid', kind: 'vector', doc: 'q = 0, 0.05, …, 1 (for plotting g)' },
    { name: 'g', kind: 'vector', doc: 'g(q) on q_grid (E2)' },
    { name: 'g_prime', kind: 'vector', doc: 'g′(q) on q_grid (E3)' },
    { name: 'q_star', kind: 'number', doc: 'q*(λ): largest fixed point of T_λ (null without `lambda`)' },
    { name: 'm_e', kind: 'number', doc: 'm_e(λ): equilibrium overlap, 0 for λ ≤ λ_e (null without `lambda`)' },
    { name: 'phi', kind: 'number', doc: 'Φ_λ(q*(λ)) = λ g(q*) + q* + ln(1 − q*) (null without `lambda`)' },
  ],
  cost: () => 0.05,
  async run(p, ctx) {
    const act = preparedActivation(p.activation as string, ctx, p.quadrature as Quadrature);
    const ch = scalarChannel(act);
    const nMu = Math.min(p.n_mu as number, act.L + 1);
    const qGrid = Array.from({ length: 21 }, (_, i) => i / 20);
    let qStar: Value = null, mE: Value = null, phi: Value = null;
    if (p.lambda !== undefined) {
      const lam = p.lambda as number;
      const o = ch.qStar(lam);
      qStar = o.q;
      mE = ch.mE(lam).q;
      phi = ch.phi(lam, o);
    }
    return {
      lambda_e: ch.lambdaE, lambda_s: ch.lambdaS, q_jump: ch.qJump,
      mu: Array.from(act.muUser.subarray(0, nMu)),
      mu1_removed: act.mu1,
      c: Array.from(act.c.subarray(0, nMu)),
      g1: act.g1, g_prime_1: act.gp(1),
      hermite_order: act.L, hermite_tail: act.tail,
      q_grid: qGrid, g: qGrid.map((q) => act.g(q)), g_prime: qGrid.map((q) => act.gp(q)),
      q_star: qStar, m_e: mE, phi,
    };
  },
};

function nOverDOf(p: Record<string, Value>): number {
  const d = p.d as number;
  return p.alpha !== undefined ? (p.alpha as number) * d : (p.n as number) / d;
}

/** Exactly one of alpha or n (shared with scaling.adam_student). */
export function validateAlphaOrN(p: Record<string, Value>): ParamIssue[] {
  const hasA = p.alpha !== undefined, hasN = p.n !== undefined;
  if (hasA && hasN) return [{ param: 'n', message: 'give either `alpha` (n = alpha·d²) or `n`, not both', exclusive: ['alpha', 'n'] }];
  if (!hasA && !hasN) return [{ message: 'give the sample size as `alpha` (n = alpha·d²) or as `n`' }];
  return [];
}

const bayesOptimal: SolverDef = {
  id: 'scaling.bayes_optimal',
  title: 'Bayes-optimal error ε^BO, overlaps q_i and effective width k_c of an extensive-width two-layer teacher',
  doc: 'Solves ε = F(ε), F(ε) = Σ_i v_i² [g(1) − g(m_e(λ_i(ε)))], λ_i = (n/d) v_i²/(Δ+ε), by monotone iteration from ε = 0 ' +
    '(the smallest root; relative tolerance `tol`). Readouts v_i ∝ i^{−β} (or the `dense`/`exp2` profiles), Σ v_i² = 1. ' +
    'The theory depends on n and d only through n/d. Outputs ε^BO, the overlap of every feature (a staircase: each feature ' +
    'is either unlearned, q = 0, or above q_jump), k_c = #{q_i > 0}, and the collapse ratio ε/(k_c d (Δ+ε)/n) next to the ' +
    'leading-order constant of the math spec (E17). With `laws = true` it also sweeps n internally and reports the measured ' +
    'exponents of ε vs n in the feature-learning regime (10 ≤ k_c ≤ k/10; theory 1/(2β) − 1) and the refinement regime (theory −1).',
  paper: PAPER, mathSpec: MATH, version: '1',
  params: [
    { name: 'd', kind: 'integer', default: 200, min: 1, max: 1e9, doc: 'input dimension' },
    { name: 'k', kind: 'integer', default: 100, min: 1, max: 1e6, doc: 'teacher width (number of features)' },
    { name: 'beta', kind: 'number', default: 1, min: 0, max: 20, doc: 'readout decay exponent: v_i ∝ i^{−β} (profile `power`)' },
    { name: 'delta', kind: 'number', default: 0.01, min: 0, exclusiveMin: true, max: 1e6, doc: 'label noise variance Δ' },
    { name: 'alpha', kind: 'number', optional: true, min: 0, exclusiveMin: true, max: 1e15, doc: 'samples per d²: n = alpha·d² (give alpha or n)' },
    { name: 'n', kind: 'number', optional: true, min: 0, exclusiveMin: true, max: 1e30, doc: 'number of samples (give alpha or n)' },
    activationParam,
    quadratureParam,
    { name: 'readouts', kind: 'enum', default: 'power', values: ['power', 'dense', 'exp2'], doc: 'readout profile: power v_i ∝ i^{−β}; dense v ∝ linspace(2.5, 1, k); exp2 v_i ∝ exp(−i/5); normalised to Σ v² = 1' },
    { name: 'tol', kind: 'number', default: 1e-12, min: 1e-15, max: 1e-3, doc: 'relative tolerance of the fixed-point iteration' },
    { name: 'laws', kind: 'boolean', default: false, doc: 'also sweep n internally and report the measured exponents (slower: ~10 solves per decade of n)' },
  ],
  outputs: [
    { name: 'eps', kind: 'number', doc: 'Bayes-optimal test error ε^BO (E11), no ½; half the Gibbs error' },
    { name: 'q', kind: 'vector', doc: 'overlap q_i of every teacher feature i = 1..k (E12)' },
    { name: 'k_c', kind: 'integer', doc: 'effective width: number of learned features #{q_i > 0} (E13)' },
    { name: 'q_min_learned', kind: 'number', doc: 'smallest non-zero overlap (≥ q_jump: features jump, R3); null when k_c = 0' },
    { name: 'lambda', kind: 'vector', doc: 'per-feature SNR λ_i(ε^BO) (E9)' },
    { name: 'feature_index', kind: 'vector', doc: '1, 2, …, k (x axis for plotting q against the feature index)' },
    { name: 'gibbs_error', kind: 'number', doc: '2 ε^BO' },
    { name: 'n_over_d', kind: 'number', doc: 'n/d, the only combination of n and d the theory depends on' },
    { name: 'alpha', kind: 'number', doc: 'n/d²' },
    { name: 'n', kind: 'number', doc: 'number of samples' },
    { name: 'lambda_e', kind: 'number', doc: 'threshold λ_e of the activation' },
    { name: 'q_jump', kind: 'number', doc: 'overlap a feature jumps to at λ_e' },
    { name: 'g1', kind: 'number', doc: 'g(1): the error when nothing is learned' },
    { name: 'regime', kind: 'string', doc: "'none' (k_c = 0), 'feature_learning' (0 < k_c < k) or 'refinement' (k_c = k)" },
    { name: 'eps_law', kind: 'number', doc: 'k_c d (Δ+ε)/n: the Θ(k_c d/n) law of E16' },
    { name: 'ratio_to_law', kind: 'number', doc: 'eps / eps_law (null when k_c = 0); compare with law_constant' },
    { name: 'law_constant', kind: 'number', doc: 'E17 leading-order constant: 1 + g(1) λ_e/(2β − 1) in the feature-learning regime (power readouts, β > 1/2), 1 in the refinement regime; null otherwise. Asymptotic: 1 ≪ k_c ≪ k, ε ≪ Δ' },
    { name: 'kc_closed_form', kind: 'integer', doc: 'E14: min(k, ⌊(n/(d λ_e Z_k (Δ+ε)))^{1/(2β)}⌋) (power readouts, β > 0; else null)' },
    { name: 'kc_closed_form_real', kind: 'number', doc: 'the real number inside the floor of E14 (null when not applicable)' },
    { name: 'n_over_d_onset', kind: 'number', doc: 'E15: nothing is learned while n/d ≤ λ_e (Δ + g(1))/v_1²' },
    { name: 'eps_one_shot_effective', kind: 'number', doc: 'E18: one-shot error of the width-k_c effective model' },
    { name: 'iterations', kind: 'integer', doc: 'fixed-point iterations used' },
    { name: 'slope_feature_learning', kind: 'number', doc: 'with laws: measured d log ε / d log n over 10 ≤ k_c ≤ k/10 (null if the range is empty)' },
    { name: 'slope_feature_learning_predicted', kind: 'number', doc: '1/(2β) − 1 (E16, β > 1/2)' },
    { name: 'slope_refinement', kind: 'number', doc: 'with laws: measured slope for n/d ≥ 10× the onset of k_c = k (theory −1)' },
    { name: 'law_sweep', kind: 'object', doc: 'with laws: {n_over_d: [...], eps: [...], k_c: [...]} of the internal sweep (null without laws)' },
  ],
  cost: (p) => 0.02 + (p.k as number) * 2e-6 * (p.laws ? 60 : 1),
  // k-long Float64Arrays (readouts, log-table, suffix sums, q, λ, the E18 sum) and the k-long output lists
  // (also serialised as JSON), over the activation/channel tables (~12,000 points each) and the process.
  memoryEstimate: (p) => 4 * 2 ** 20 + (p.k as number) * (8 * 8 + 3 * (8 + 24)),
  validate: validateAlphaOrN,
  async run(p, ctx) {
    const d = p.d as number, k = p.k as number, beta = p.beta as number, delta = p.delta as number;
    const profile = p.readouts as ReadoutProfile;
    const nOverD = nOverDOf(p);
    const n = nOverD * d;
    if (!Number.isFinite(nOverD) || !(nOverD > 0)) throw new SolverInputError(`n/d = ${nOverD} is not a positive finite number`, p.alpha !== undefined ? 'alpha' : 'n');
    const act = preparedActivation(p.activation as string, ctx, p.quadrature as Quadrature);
    const ch = scalarChannel(act);
    const { v2, Zk } = readoutSquares(k, beta, profile);
    ctx.progress(0.1, 'fixed point');
    let sol;
    try {
      sol = solveBayesOptimal(act, ch, { nOverD, delta, readouts: prepareReadouts(v2), rtol: p.tol as number, maxIter: 10000 }, () => ctx.checkCancelled());
    } catch (e) {
      if (e instanceof NoConvergenceError) throw new Error(`scaling.bayes_optimal: ${e.message}`);
      throw e;
    }
    const { eps, kc } = sol;
    const epsLaw = kc * (delta + eps) / nOverD;
    const isPower = profile === 'power';
    let lawConstant: number | null = null;
    if (kc === k) lawConstant = 1;
    else if (kc > 0 && isPower && beta > 0.5) lawConstant = 1 + act.g1 * ch.lambdaE / (2 * beta - 1);
    let kcReal: number | null = null, kcClosed: number | null = null;
    if (isPower && beta > 0) {
      kcReal = Math.pow(nOverD / (ch.lambdaE * Zk * (delta + eps)), 1 / (2 * beta));
      kcClosed = Math.min(k, Math.floor(kcReal));
    }
    // E18: effective width-k_c model, one posterior sample.
    let oneShot = 0;
    for (let i = 0; i < k; i++) oneShot += (i < kc ? 2 : 1) * v2[i] * act.gap(1 - sol.q[i]);

    let slopeFL: number | null = null, slopeRef: number | null = null, sweep: Value = null;
    if (p.laws) {
      ctx.progress(0.3, 'law sweep');
      const fit = measureLaws(act, ch, v2, delta, () => ctx.checkCancelled());
      slopeFL = fit.featureLearning; slopeRef = fit.refinement;
      sweep = { n_over_d: fit.nOverD, eps: fit.eps, k_c: fit.kc };
    }
    ctx.progress(1);
    return {
      eps, q: Array.from(sol.q), k_c: kc, lambda: Array.from(sol.lambda), gibbs_error: 2 * eps,
      feature_index: Array.from({ length: k }, (_, i) => i + 1),
      q_min_learned: kc > 0 ? sol.q.subarray(0, k).reduce((m, x) => (x > 0 && x < m ? x : m), Infinity) : null,
      n_over_d: nOverD, alpha: nOverD / d, n,
      lambda_e: ch.lambdaE, q_jump: ch.qJump, g1: act.g1,
      regime: kc === 0 ? 'none' : kc === k ? 'refinement' : 'feature_learning',
      eps_law: epsLaw, ratio_to_law: kc > 0 ? eps / epsLaw : null, law_constant: lawConstant,
      kc_closed_form: kcClosed, kc_closed_form_real: kcReal,
      n_over_d_onset: ch.lambdaE * (delta + act.g1) / v2[0],
      eps_one_shot_effective: oneShot,
      iterations: sol.iterations,
      slope_feature_learning: slopeFL,
      slope_feature_learning_predicted: isPower && beta > 0.5 ? 1 / (2 * beta) - 1 : null,
      slope_refinement: slopeRef,
      law_sweep: sweep,
    };
  },
};

export const theorySolvers: SolverDef[] = [thresholds, bayesOptimal];

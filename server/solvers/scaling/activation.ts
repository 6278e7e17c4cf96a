// Activation preprocessing (math spec A1): Hermite coefficients of the user's σ_u, the refusal of even
// components, removal of the linear part, and fast evaluation of g(q) = Σ c_l² q^l and its derivatives.
// Results are cached per activation text, because every grid point of a sweep is a separate call.
// A text the expression compiler refuses (syntax, more than MAX_EXPR_TERMS terms, nesting deeper than
// MAX_EXPR_DEPTH) becomes a SolverInputError on `activation`: an ordinary solver error, never a crash.
import { compileScalarExpr, ExprError } from '../../numeric/scalarExpr';
import { gaussianSecondMoment, gaussianTrapezoid, GaussianRule, hermiteCoefficients, polyEval, sqrtFactorial } from '../../numeric/hermite';
import { gaussHermite } from '../../numeric/gaussHermite';
import { SolverInputError } from '../contract';

export interface ActivationModel {
  source: string;
  /** μ_l = E[σ_u He_l] of the user's activation (before removing the linear part), l = 0..L. */
  muUser: Float64Array;
  /** Linear part removed: σ(x) = σ_u(x) − mu1·x. */
  mu1: number;
  /** Normalised coefficients c_l of σ (c_0 = c_1 = c_2 = 0), l = 0..L. */
  c: Float64Array;
  L: number;
  /** E[σ²] − Σ_{l≤L} c_l² (truncation error of the series). */
  tail: number;
  /** g(1) = Σ c_l². */
  g1: number;
  g(q: number): number;
  gp(q: number): number;
  gpp(q: number): number;
  /** g(1) − g(q), accurate also when q is within 1e-15 of 1 (pass p = 1 − q). */
  gap(p: number): number;
  /** Remarks for the user (truncation warnings). */
  notes: string[];
}

export type Quadrature = 'trapezoid' | 'gauss_hermite';

const rules = new Map<Quadrature, GaussianRule>();
const cache = new Map<string, ActivationModel>();
const CACHE_LIMIT = 32;

/** A1.1: the trapezoid rule on [−14, 14] with h = 0.005 (project convention) or 400-node Gauss–Hermite. */
function ruleFor(q: Quadrature): GaussianRule {
  let r = rules.get(q);
  if (!r) { r = q === 'gauss_hermite' ? gaussHermite(400) : gaussianTrapezoid(14, 0.005); rules.set(q, r); }
  return r;
}

/** The activation model for `source`, from the cache when this text was seen before. */
export function activationModel(source: string, quadrature: Quadrature = 'trapezoid'): ActivationModel {
  const text = source.trim();
  const key = `${quadrature}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const model = buildActivation(text, ruleFor(quadrature));
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, model);
  return model;
}

/** The activation as quoted in messages: long (possibly hostile) texts are cut, so errors stay readable. */
export function quoteActivation(source: string): string {
  return source.length <= 80 ? `\`${source}\`` : `\`${source.slice(0, 60)}…\` (${source.length} characters)`;
}

function buildActivation(source: string, rule: GaussianRule): ActivationModel {
  const shown = quoteActivation(source);
  let f: (x: number) => number;
  try {
    f = compileScalarExpr(source, 'x').evaluate;
  } catch (e) {
    if (e instanceof ExprError) throw new SolverInputError(`activation ${shown}: ${e.message}`, 'activation');
    throw e;
  }
  const vals = new Float64Array(rule.z.length);
  for (let j = 0; j < vals.length; j++) {
    const v = f(rule.z[j]);
    // Points where the Gaussian weight underflows cannot matter, but a NaN/Inf anywhere signals a
    // function that is undefined on part of the real line (log, sqrt of negatives, 1/x…).
    if (!Number.isFinite(v)) {
      throw new SolverInputError(`activation ${shown} is not finite at x = ${rule.z[j].toFixed(3)} (got ${v}); it must be defined on the whole real line`, 'activation');
    }
    vals[j] = v;
  }
  const second = gaussianSecondMoment(rule, vals);
  if (!Number.isFinite(second)) throw new SolverInputError(`activation ${shown} has an infinite second moment`, 'activation');

  let L = 200;
  let cu = hermiteCoefficients(rule, vals, L);
  const mu0 = cu[0], mu1 = cu[1], mu2 = cu[2] * Math.SQRT2;
  const scale = 1e-8 * Math.max(1, Math.sqrt(second));
  if (Math.abs(mu0) > scale || Math.abs(mu2) > scale) {
    throw new SolverInputError(
      `activation ${shown} has even Hermite components μ0 = ${mu0.toPrecision(6)}, μ2 = ${mu2.toPrecision(6)}; ` +
      'the extensive-width equations need μ0 = μ2 = 0 (use an odd activation such as tanh(2*x))', 'activation');
  }
  // E[σ²] for σ = σ_u − μ1 x: subtract the linear component's energy.
  const secondNonlinear = second - mu1 * mu1;
  const notes: string[] = [];
  const tailOf = (c: Float64Array) => {
    let s = 0;
    for (let l = 3; l < c.length; l++) s += c[l] * c[l];
    return secondNonlinear - s;
  };
  let tail = tailOf(cu);
  if (tail >= 1e-8) {
    L = 400;
    cu = hermiteCoefficients(rule, vals, L);
    tail = tailOf(cu);
    if (tail >= 1e-8) {
      notes.push(`the Hermite series of ${shown} converges slowly: E[σ²] − Σ_{l≤${L}} c_l² = ${tail.toExponential(2)} (results near q = 1 are approximate)`);
    }
  }
  const c = new Float64Array(L + 1);
  for (let l = 3; l <= L; l++) c[l] = cu[l];
  let g1 = 0;
  for (let l = 3; l <= L; l++) g1 += c[l] * c[l];
  if (!(g1 > 1e-12 * Math.max(1, second))) {
    throw new SolverInputError(`activation ${shown} has no non-linear part (Σ_{l≥3} c_l² = ${g1.toExponential(2)}): nothing can be learned`, 'activation');
  }
  const muUser = new Float64Array(L + 1);
  for (let l = 0; l <= L; l++) muUser[l] = cu[l] * sqrtFactorial(l);

  // Coefficient arrays for Horner: g, g′, g″, and the tail sums T_j = Σ_{l>j} c_l² for
  // (g(1) − g(q))/(1 − q) = Σ_j T_j q^j (avoids cancellation when q → 1).
  const a0 = new Float64Array(L + 1), a1 = new Float64Array(L), a2 = new Float64Array(Math.max(L - 1, 1)), tails = new Float64Array(L);
  for (let l = 0; l <= L; l++) a0[l] = c[l] * c[l];
  for (let l = 1; l <= L; l++) a1[l - 1] = l * a0[l];
  for (let l = 2; l <= L; l++) a2[l - 2] = l * (l - 1) * a0[l];
  let acc = 0;
  for (let j = L - 1; j >= 0; j--) { acc += a0[j + 1]; tails[j] = acc; }

  return {
    source, muUser, mu1, c, L, tail, g1, notes,
    g: (q) => polyEval(a0, q),
    gp: (q) => polyEval(a1, q),
    gpp: (q) => polyEval(a2, q),
    gap: (p) => p * polyEval(tails, 1 - p),
  };
}

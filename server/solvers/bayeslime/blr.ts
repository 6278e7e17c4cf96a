// Bayesian weighted linear regression of BayesLIME/BayesSHAP (bayeslime.md B1–B10), closed form.
// Coefficients are ordered (intercept, φ_1..φ_d); the intercept is part of the prior and of V_φ.
import { choleskyInPlace, choleskyInverse, choleskySolve, dense, Dense } from '../../numeric/linalg';
import { Rng } from '../../numeric/rng';
import { sampleScaledInvChi2, studentTQuantile } from '../../numeric/distributions';

/** The spec fixes z_{0.975} = 1.96 for PTG (bayeslime.md §2). */
export const Z975 = 1.96;

export interface BlrFit {
  d: number;
  n: number;
  /** φ̂ (length d+1, intercept first). */
  phi: Float64Array;
  /** V_φ = (Z̃ᵀΠZ̃ + I)⁻¹ (without +I when l2 = false). */
  V: Dense;
  /** Lower Cholesky factor of V_φ (for MC draws). */
  cholV: Dense;
  /** The data's s² of (B5): weighted residuals plus φ̂ᵀφ̂, over N. What PTG (B10) uses. */
  s2: number;
  /**
   * Scale of the σ² posterior (B6): (n₀σ₀² + N s²)/(n₀ + N); equal to s2 unless prior_dof > 0. What the
   * intervals (B7, B9) and the predictive (B8) use.
   */
  s2Post: number;
  /** Degrees of freedom of the σ² posterior: N, or n₀ + N with an informative prior. */
  dof: number;
  /** Mean proximity weight π̄. */
  piMean: number;
  /** φ̂ᵀφ̂ as it enters s² (0 when l2 = false). */
  priorTerm: number;
  /** The data precision Z̃ᵀΠZ̃ (without the prior's +I). */
  precision: Dense;
  /** Z̃ᵀΠY and YᵀΠY: with `precision`, the sufficient statistics of the weighted fit. */
  moment: Float64Array;
  yPy: number;
  l2: boolean;
}

/**
 * Fits on N perturbations: Z row-major N×d in {0,1}, black-box outputs y, weights π. The normal
 * equations are solved by Cholesky; V_φ is formed only because its diagonal and quadratic forms are
 * needed for intervals and predictive scales.
 */
export function fitBlr(
  Z: ArrayLike<number>, y: ArrayLike<number>, pi: ArrayLike<number>, d: number, l2 = true,
  prior: { dof: number; scale: number } = { dof: 0, scale: 0 },
): BlrFit {
  const n = y.length;
  const k = d + 1;
  const A = dense(k, k);
  const b = new Float64Array(k);
  const zt = new Float64Array(k);
  let piSum = 0, yPy = 0;
  for (let r = 0; r < n; r++) {
    yPy += pi[r] * y[r] * y[r];
    zt[0] = 1;
    for (let j = 0; j < d; j++) zt[j + 1] = Z[r * d + j];
    const w = pi[r];
    piSum += w;
    for (let i = 0; i < k; i++) {
      const wi = w * zt[i];
      if (wi === 0) continue;
      b[i] += wi * y[r];
      for (let j = i; j < k; j++) A.data[i * k + j] += wi * zt[j];
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) A.data[i * k + j] = A.data[j * k + i];
  const precision = dense(k, k, A.data.slice());
  if (l2) for (let i = 0; i < k; i++) A.data[i * k + i] += 1;
  const moment = b.slice();
  const L = choleskyInPlace(A);
  const phi = choleskySolve(L, b);
  const V = choleskyInverse(L);
  let rss = 0;
  for (let r = 0; r < n; r++) {
    let f = phi[0];
    for (let j = 0; j < d; j++) f += phi[j + 1] * Z[r * d + j];
    rss += pi[r] * (y[r] - f) ** 2;
  }
  // (B5): the prior term φ̂ᵀφ̂ is part of s² (dropped with the flat prior of l2 = false).
  let pp = 0;
  if (l2) for (let i = 0; i < k; i++) pp += phi[i] * phi[i];
  // (B6) with a Scaled-Inv-χ²(n₀, σ₀²) prior: dof n₀ + N, scale (n₀σ₀² + N s²)/(n₀ + N); n₀ = 0 by default.
  const dof = prior.dof + n;
  const s2 = (rss + pp) / n;
  const s2Post = (prior.dof * prior.scale + n * s2) / dof;
  const cholV = choleskyInPlace(dense(k, k, V.data.slice()));
  return { d, n, phi, V, cholV, s2, s2Post, dof, piMean: piSum / n, priorTerm: pp, precision, moment, yPy, l2 };
}

/** (B9) analytic half-widths t_{ν, 1−a/2} √(s² V_jj), ν = N (+ n₀), for every coefficient (intercept first). */
export function halfWidthsAnalytic(fit: BlrFit, level = 0.95): Float64Array {
  const t = studentTQuantile(1 - (1 - level) / 2, fit.dof);
  const k = fit.d + 1;
  return Float64Array.from({ length: k }, (_, j) => t * Math.sqrt(fit.s2Post * fit.V.data[j * k + j]));
}

/**
 * (B9) Monte Carlo half-widths: the `level` quantile of |φ_j − φ̂_j| over S joint draws, drawing σ²
 * from its posterior first and then φ | σ² (drawing φ from N(φ̂, s²V) would give normal, too-narrow
 * intervals).
 */
export function halfWidthsMc(fit: BlrFit, samples: number, rng: Rng, level = 0.95): Float64Array {
  const k = fit.d + 1;
  const dev: Float64Array[] = Array.from({ length: k }, () => new Float64Array(samples));
  const e = new Float64Array(k);
  for (let s = 0; s < samples; s++) {
    const sigma = Math.sqrt(sampleScaledInvChi2(rng, fit.dof, fit.s2Post));
    for (let i = 0; i < k; i++) e[i] = rng.normal();
    for (let i = 0; i < k; i++) {
      let v = 0;
      for (let j = 0; j <= i; j++) v += fit.cholV.data[i * k + j] * e[j];
      dev[i][s] = Math.abs(sigma * v);
    }
  }
  return Float64Array.from(dev, (a) => quantile(a, level));
}

/** Empirical quantile with linear interpolation (sorts a copy). */
export function quantile(a: Float64Array, q: number): number {
  const s = Float64Array.from(a).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos), hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

/**
 * (B8) posterior predictive at z: mean φ̂ᵀz̃ and t scale √(s²(1 + z̃ᵀVz̃)). The noise term is 1, not
 * 1/π(z), for parity with the reference code; the scale is not the std (that is larger by √(N/(N−2))).
 */
export function predictive(fit: BlrFit, z: ArrayLike<number>, zOffset = 0): { mean: number; scale: number } {
  const k = fit.d + 1;
  const zt = new Float64Array(k);
  zt[0] = 1;
  for (let j = 0; j < fit.d; j++) zt[j + 1] = z[zOffset + j];
  let mean = 0, q = 0;
  for (let i = 0; i < k; i++) {
    mean += fit.phi[i] * zt[i];
    if (zt[i] === 0) continue;
    let vi = 0;
    for (let j = 0; j < k; j++) vi += fit.V.data[i * k + j] * zt[j];
    q += zt[i] * vi;
  }
  return { mean, scale: Math.sqrt(fit.s2Post * (1 + q)) };
}

/**
 * (B10) perturbations-to-go for a desired half-width W: 4 s² z² / (π̄ W²), with z = 1.96 and s² the
 * data's (B5) value, not the posterior scale: B10 is defined with B5's s², and an informative σ² prior
 * weighs n₀/(n₀ + S) at the seed's S perturbations but only n₀/(n₀ + G) at the G that PTG predicts, so
 * the seed's posterior scale would carry the prior into a count where it has faded.
 */
export function ptgCount(fit: BlrFit, halfWidth: number, z = Z975): number {
  return (4 * fit.s2 * z * z) / (fit.piMean * halfWidth * halfWidth);
}

/** Inverse of (B10): the half-width PTG predicts after N perturbations, 1.96 √(4 s² / (π̄ N)), s² from B5. */
export function ptgHalfWidth(fit: BlrFit, n: number, z = Z975): number {
  return z * Math.sqrt((4 * fit.s2) / (fit.piMean * n));
}

/**
 * A refined PTG (project addition, not the paper's B10). For a deterministic black box s² behaves
 * like r + q/N (r the weighted mean squared residual, q = φ̂ᵀφ̂, the prior term of B5), and the data
 * precision Z̃ᵀΠZ̃ grows like N/S₀ times the seed's. The predicted median feature half-width at N,
 *   h(N) = t_N · √( (r + q/N) · median_j [((N/S₀) A_seed + I)⁻¹]_jj ),
 * decreases in N, so the N with h(N) = W is found by bisection. B10 instead freezes s² at its seed
 * value, which the q/S₀ term inflates, and ignores the prior in V, so it over-counts
 * (bayeslime.md C4 reports 0.5–0.9 W after G(W) draws).
 */
export function refinedHalfWidthPredictor(fit: BlrFit, level = 0.95): (N: number) => number {
  const k = fit.d + 1;
  // The seed's φ̂ is shrunk by the prior when the weights are small (SHAP), which inflates its
  // residuals; the unregularised weighted least-squares fit estimates the large-N residual level r
  // (with N − k degrees of freedom) and the large-N prior term q = φᵀφ.
  let q = fit.priorTerm;
  let r = Math.max(fit.s2 - q / fit.n, 0);
  if (fit.n > k) {
    try {
      const Lp = choleskyInPlace(dense(k, k, fit.precision.data.slice()));
      const phiLs = choleskySolve(Lp, fit.moment);
      let bphi = 0, pp = 0;
      for (let i = 0; i < k; i++) { bphi += fit.moment[i] * phiLs[i]; pp += phiLs[i] * phiLs[i]; }
      r = Math.max(fit.yPy - bphi, 0) / (fit.n - k);
      if (fit.l2) q = pp;
    } catch { /* singular seed design: keep the regularised estimates */ }
  }
  return (N: number) => {
    const A = dense(k, k);
    for (let i = 0; i < k * k; i++) A.data[i] = (N / fit.n) * fit.precision.data[i];
    if (fit.l2) for (let i = 0; i < k; i++) A.data[i * k + i] += 1;
    const V = choleskyInverse(choleskyInPlace(A));
    const diag = Array.from({ length: fit.d }, (_, j) => V.data[(j + 1) * k + (j + 1)]).sort((a, b) => a - b);
    const mid = diag.length >> 1;
    const m = diag.length % 2 ? diag[mid] : 0.5 * (diag[mid - 1] + diag[mid]);
    const t = studentTQuantile(1 - (1 - level) / 2, N);
    return t * Math.sqrt((r + q / N) * m);
  };
}

export function ptgCountRefined(fit: BlrFit, halfWidth: number, level = 0.95, maxN = 1e8): number {
  const predicted = refinedHalfWidthPredictor(fit, level);
  let lo = 1, hi = Math.max(2, fit.n);
  if (predicted(lo) <= halfWidth) return lo;
  while (predicted(hi) > halfWidth) { lo = hi; hi *= 2; if (hi > maxN) return Infinity; }
  while (hi - lo > 0.5) {
    const mid = Math.sqrt(lo * hi) > lo + 0.5 ? Math.sqrt(lo * hi) : 0.5 * (lo + hi);
    if (predicted(mid) > halfWidth) lo = mid; else hi = mid;
  }
  return hi;
}

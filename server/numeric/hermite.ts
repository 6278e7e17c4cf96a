// Hermite expansion of a function of a standard Gaussian variable: f(z) = Σ_l c_l h_l(z), where
// h_l = He_l / √(l!) are the orthonormal probabilists' Hermite polynomials and c_l = E[f(z) h_l(z)].
// The expectation uses the trapezoid rule on a wide symmetric grid: for analytic integrands times a
// Gaussian it converges faster than any power of the step, so h = 0.005 is exact to rounding for
// smooth activations, and it needs no node computation (Gauss–Hermite with the ~300 nodes that
// l = 200 requires would be the alternative).

export interface GaussianRule {
  /** Nodes z_j. */
  z: Float64Array;
  /** Weights w_j ≈ h φ(z_j), normalised so that Σ w_j = 1 exactly. */
  w: Float64Array;
}

/** Trapezoid rule for E[f(z)], z ~ N(0, 1), on [−zmax, zmax] with step h. */
export function gaussianTrapezoid(zmax = 14, h = 0.005): GaussianRule {
  const m = Math.round(zmax / h);
  const n = 2 * m + 1;
  const z = new Float64Array(n), w = new Float64Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    const x = (j - m) * h;
    z[j] = x;
    w[j] = h * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    total += w[j];
  }
  // The truncated Gaussian mass differs from 1 by ~1e-44 here; the normalisation only removes rounding.
  for (let j = 0; j < n; j++) w[j] /= total;
  return { z, w };
}

/**
 * Normalised Hermite coefficients c_0..c_L of the sampled function values f_j = f(z_j), using the
 * stable recurrence h_{l+1} = (z h_l − √l h_{l−1}) / √(l+1).
 */
export function hermiteCoefficients(rule: GaussianRule, f: Float64Array, L: number): Float64Array {
  const c = new Float64Array(L + 1);
  const sq = new Float64Array(L + 2);
  for (let l = 0; l <= L + 1; l++) sq[l] = Math.sqrt(l);
  const { z, w } = rule;
  for (let j = 0; j < z.length; j++) {
    const wf = w[j] * f[j];
    if (wf === 0) continue;
    const x = z[j];
    let hPrev = 1, h = x;
    c[0] += wf;
    if (L >= 1) c[1] += wf * x;
    for (let l = 1; l < L; l++) {
      const hNext = (x * h - sq[l] * hPrev) / sq[l + 1];
      hPrev = h; h = hNext;
      c[l + 1] += wf * h;
    }
  }
  return c;
}

/** E[f(z)^2] with the same rule. */
export function gaussianSecondMoment(rule: GaussianRule, f: Float64Array): number {
  let s = 0;
  for (let j = 0; j < f.length; j++) s += rule.w[j] * f[j] * f[j];
  return s;
}

/** √(l!) for converting normalised coefficients c_l into μ_l = E[f He_l] = c_l √(l!). */
export function sqrtFactorial(l: number): number {
  let r = 1;
  for (let i = 2; i <= l; i++) r *= Math.sqrt(i);
  return r;
}

/** Σ a_l x^l by Horner's rule. */
export function polyEval(a: Float64Array, x: number): number {
  let s = 0;
  for (let l = a.length - 1; l >= 0; l--) s = s * x + a[l];
  return s;
}

// Confidence intervals for a binomial proportion. Wilson's score interval keeps its coverage near
// 0 and 1 (where Monte Carlo success probabilities often sit) and never leaves [0, 1], unlike the
// normal-approximation interval.

/** Two-sided standard-normal quantile for the usual levels (0.95 → 1.96). */
export function normalQuantileTwoSided(level: number): number {
  if (!(level > 0 && level < 1)) throw new Error(`confidence level must lie in (0, 1), got ${level}`);
  // Bisection on the CDF: a CI needs one quantile, so simplicity beats a rational approximation.
  const target = 0.5 + level / 2;
  let lo = 0, hi = 10;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (normalCdf(mid) < target) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Standard normal CDF, by Simpson's rule on the density over [0, |x|] (smooth integrand: ~1e-12). */
export function normalCdf(x: number): number {
  const ax = Math.abs(x);
  const n = 2000;
  const h = ax / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * Math.exp(-0.5 * t * t);
  }
  const half = (s * h) / 3 / Math.sqrt(2 * Math.PI);
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

/** Wilson score interval [lo, hi] for `successes` out of `n` at the given two-sided level. */
export function wilsonInterval(successes: number, n: number, level = 0.95): [number, number] {
  if (!(n > 0)) return [0, 1];
  if (successes < 0 || successes > n) throw new Error(`wilsonInterval: ${successes} successes out of ${n}`);
  const z = normalQuantileTwoSided(level);
  const ph = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (ph + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((ph * (1 - ph)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Binomial standard error √(P(1−P)/n). */
export function binomialStdError(p: number, n: number): number {
  return Math.sqrt(Math.max(0, p * (1 - p)) / n);
}

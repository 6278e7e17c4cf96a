// Gauss–Hermite quadrature for E[f(z)], z ~ N(0, 1): nodes are the eigenvalues of the Jacobi matrix of
// the probabilists' Hermite polynomials (zero diagonal, off-diagonal √j), found one by one with Sturm
// bisection (robust for any n, no starting guesses), then polished by Newton on He_n. Weights are the
// Christoffel numbers 1 / Σ_{j<n} h_j(x)² with the orthonormal h_j, accumulated with rescaling so that
// n in the hundreds does not overflow. Exact for polynomials of degree ≤ 2n − 1.
import type { GaussianRule } from './hermite';

/** Number of Jacobi-matrix eigenvalues below x (a Sturm count over the LDLᵀ pivots). */
function countBelow(x: number, n: number): number {
  let count = 0, q = -x;
  if (q < 0) count++;
  for (let j = 1; j < n; j++) {
    const prev = q === 0 ? 1e-300 : q;
    q = -x - j / prev;
    if (q < 0) count++;
  }
  return count;
}

/** Orthonormal h_n(x) and h_{n−1}(x), with a common scale factor exp(logScale) removed. */
function hermitePair(x: number, n: number): { hn: number; hn1: number } {
  let hPrev = 0, h = 1;
  for (let j = 0; j < n; j++) {
    const next = (x * h - Math.sqrt(j) * hPrev) / Math.sqrt(j + 1);
    hPrev = h; h = next;
    if (Math.abs(h) > 1e150) { h *= 1e-150; hPrev *= 1e-150; }
  }
  return { hn: h, hn1: hPrev };
}

/** log of Σ_{j<n} h_j(x)². */
function logChristoffelSum(x: number, n: number): number {
  let hPrev = 0, h = 1, sum = 1, logScale = 0; // true values = stored · exp(logScale)
  for (let j = 0; j < n - 1; j++) {
    const next = (x * h - Math.sqrt(j) * hPrev) / Math.sqrt(j + 1);
    hPrev = h; h = next;
    sum += h * h;
    if (Math.abs(h) > 1e100) {
      h *= 1e-100; hPrev *= 1e-100; sum *= 1e-200; logScale += 100 * Math.LN10;
    }
  }
  return Math.log(sum) + 2 * logScale;
}

/** n-point Gauss–Hermite rule for the standard normal measure (weights sum to 1). */
export function gaussHermite(n: number): GaussianRule {
  if (!Number.isInteger(n) || n < 1) throw new Error(`gaussHermite: n must be a positive integer, got ${n}`);
  const z = new Float64Array(n), w = new Float64Array(n);
  const bound = 2 * Math.sqrt(n) + 2; // all eigenvalues lie within ±2√n (Gershgorin)
  for (let i = 0; i < n; i++) {
    // The i-th smallest eigenvalue: the x where the count passes i.
    let lo = -bound, hi = bound;
    for (let it = 0; it < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); it++) {
      const mid = 0.5 * (lo + hi);
      if (countBelow(mid, n) > i) hi = mid; else lo = mid;
    }
    let x = 0.5 * (lo + hi);
    // Newton on h_n (h_n′ = √n h_{n−1}); both share the scale factor, so the ratio is exact.
    for (let it = 0; it < 3; it++) {
      const { hn, hn1 } = hermitePair(x, n);
      if (hn1 === 0) break;
      const step = hn / (Math.sqrt(n) * hn1);
      if (!(Math.abs(step) < 1e-6)) break;
      x -= step;
    }
    z[i] = x;
    w[i] = Math.exp(-logChristoffelSum(x, n));
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i];
  for (let i = 0; i < n; i++) w[i] /= total;
  return { z, w };
}

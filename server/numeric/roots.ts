// Scalar root finding and minimisation on a bracket (no derivatives needed).

/**
 * Brent's method for f(x) = 0 on [a, b] with f(a), f(b) of opposite signs (or one of them zero).
 * Stops when the bracket is below `xtol` (absolute) or after `maxIter` steps.
 */
export function brentRoot(f: (x: number) => number, a: number, b: number, xtol = 1e-14, maxIter = 200,
  fa = f(a), fb = f(b)): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) throw new Error(`brentRoot: f does not change sign on [${a}, ${b}] (f = ${fa}, ${fb})`);
  let c = a, fc = fa, d = b - a, e = d;
  for (let it = 0; it < maxIter; it++) {
    if (fb * fc > 0) { c = a; fc = fa; d = b - a; e = d; }
    if (Math.abs(fc) < Math.abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * xtol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      // Inverse quadratic interpolation (secant when only two points are distinct).
      let p: number, q: number;
      const s = fb / fa;
      if (a === c) { p = 2 * m * s; q = 1 - s; }
      else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q; else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) { e = d; d = p / q; }
      else { d = m; e = d; }
    } else { d = m; e = d; }
    a = b; fa = fb;
    b += Math.abs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = f(b);
  }
  return b;
}

/** Golden-section search for a minimum of a unimodal f on [a, b]; returns the abscissa. */
export function goldenMin(f: (x: number) => number, a: number, b: number, xtol = 1e-10): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a), x2 = a + g * (b - a);
  let f1 = f(x1), f2 = f(x2);
  while (b - a > xtol) {
    if (f1 <= f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = f(x1); }
    else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = f(x2); }
  }
  return f1 <= f2 ? x1 : x2;
}

/** Bisection on a monotone predicate: returns x in [lo, hi] with pred(lo) false, pred(hi) true, to relative `rtol`. */
export function bisectPredicate(pred: (x: number) => boolean, lo: number, hi: number, rtol = 1e-12, maxIter = 400): number {
  for (let it = 0; it < maxIter && hi - lo > rtol * Math.abs(hi); it++) {
    const mid = 0.5 * (lo + hi);
    if (pred(mid)) hi = mid; else lo = mid;
  }
  return 0.5 * (lo + hi);
}

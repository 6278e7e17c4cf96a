// Special functions needed to full double precision (the Hermite coefficients of an activation are
// computed by quadrature, so a 1e-7 approximation of erf would leak into every downstream number).

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** Error function, relative accuracy ~1e-15. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 3) {
    // erf(x) = 2/√π e^{−x²} Σ 2^n x^{2n+1} / (1·3·…·(2n+1)): every term is positive, so no cancellation.
    let term = a, s = a;
    const x2 = a * a;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      s += term;
      if (term < 1e-17 * s) break;
    }
    const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * s;
    return x < 0 ? -r : r;
  }
  const r = 1 - erfcLarge(a);
  return x < 0 ? -r : r;
}

/** Complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 3) return erfcLarge(x);
  return 1 - erf(x);
}

/** erfc(x) for x ≥ 3 by its continued fraction (modified Lentz), which converges fast there. */
function erfcLarge(x: number): number {
  if (x > 27) return 0;
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  const tiny = 1e-300;
  let f = x, C = x, D = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    D = x + an * D; if (Math.abs(D) < tiny) D = tiny; D = 1 / D;
    C = x + an / C; if (Math.abs(C) < tiny) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

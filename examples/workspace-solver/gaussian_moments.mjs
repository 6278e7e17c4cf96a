// Monte Carlo absolute moments of a standard Gaussian (a JavaScript workspace solver for Theory Lab):
// estimates E|g|^p from `samples` draws and returns the exact value 2^{p/2} Γ((p+1)/2) / √π next to it.
// Types: ../../solver-runtime/theorylab-solver.d.ts.

/** Mulberry32: a small seeded generator, so a seed always gives the same estimate. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients: ~1e-15 relative). */
function logGamma(x) {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** @type {import('../../solver-runtime/theorylab-solver').Solver} */
export async function moments(params, ctx) {
  const p = Number(params.p);
  const samples = ctx.budget === 'test' ? Math.min(Number(params.samples), 20000) : Number(params.samples);
  const u = rng(ctx.seed * 2654435761 + 1);
  let sum = 0, sumSq = 0;
  for (let i = 0; i < samples; i += 2) {
    // Box–Muller: two independent standard normals per pair of uniforms
    const r = Math.sqrt(-2 * Math.log(1 - u())), th = 2 * Math.PI * u();
    for (const g of [r * Math.cos(th), r * Math.sin(th)]) {
      const v = Math.abs(g) ** p;
      sum += v; sumSq += v * v;
    }
    if (i % 100000 === 0) ctx.progress(i / samples, `${i} of ${samples} samples`);
  }
  const m = 2 * Math.ceil(samples / 2);
  const estimate = sum / m;
  return {
    estimate,
    stderr: Math.sqrt(Math.max(0, sumSq / m - estimate * estimate) / m),
    exact: Math.exp((p / 2) * Math.log(2) + logGamma((p + 1) / 2) - 0.5 * Math.log(Math.PI)),
  };
}

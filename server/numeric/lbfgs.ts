// Limited-memory BFGS with a backtracking (Armijo) line search, for smooth unconstrained
// minimisation where only values and gradients are available (e.g. training a small network to a
// tight gradient tolerance so that optimality-based identities can be checked).

export interface LbfgsOptions {
  /** Stop when ‖∇f‖ ≤ gradTol. */
  gradTol?: number;
  maxIter?: number;
  /** History length m. */
  memory?: number;
  onIteration?(iter: number, f: number, gradNorm: number): void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  gradNorm: number;
  iterations: number;
  converged: boolean;
}

export function lbfgs(
  fg: (x: Float64Array) => { f: number; g: Float64Array },
  x0: ArrayLike<number>,
  opts: LbfgsOptions = {},
): LbfgsResult {
  const n = x0.length;
  const gradTol = opts.gradTol ?? 1e-8;
  const maxIter = opts.maxIter ?? 1000;
  const m = opts.memory ?? 10;
  let x = Float64Array.from(x0);
  let { f, g } = fg(x);
  const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
  const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < n; i++) s += a[i] * b[i]; return s; };
  let gn = Math.sqrt(dot(g, g));
  let it = 0;
  for (; it < maxIter && gn > gradTol; it++) {
    // Two-loop recursion for the direction −H g.
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k] * dot(S[k], q);
      alpha[k] = a;
      for (let i = 0; i < n; i++) q[i] -= a * Y[k][i];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(gn, 1);
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = rho[k] * dot(Y[k], q);
      for (let i = 0; i < n; i++) q[i] += S[k][i] * (alpha[k] - b);
    }
    let dir = q.map((v) => -v);
    let slope = dot(g, dir);
    if (!(slope < 0)) { dir = g.map((v) => -v); slope = -gn * gn; S.length = 0; Y.length = 0; rho.length = 0; }
    let t = 1, xn = x, fn = f, gnew = g;
    let ok = false;
    for (let ls = 0; ls < 60; ls++) {
      xn = x.map((v, i) => v + t * dir[i]);
      const r = fg(xn);
      fn = r.f; gnew = r.g;
      if (Number.isFinite(fn) && fn <= f + 1e-4 * t * slope) { ok = true; break; }
      t *= 0.5;
    }
    if (!ok) break; // no decrease representable: at the precision limit
    const s = xn.map((v, i) => v - x[i]);
    const y = gnew.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    if (sy > 1e-300) {
      S.push(s); Y.push(y); rho.push(1 / sy);
      if (S.length > m) { S.shift(); Y.shift(); rho.shift(); }
    }
    x = xn; f = fn; g = gnew;
    gn = Math.sqrt(dot(g, g));
    opts.onIteration?.(it, f, gn);
  }
  return { x, f, gradNorm: gn, iterations: it, converged: gn <= gradTol };
}

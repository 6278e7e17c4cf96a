// Conjugate gradients for symmetric positive (semi-)definite operators given only as matrix-vector
// products. For a consistent singular PSD system started at zero, CG stays in the operator's range
// and converges to the minimum-norm solution, which is why the influence duals may use it when the
// Gram matrix is rank deficient.

export interface CgOptions {
  /** Stop when ‖r‖ ≤ tol · ‖b‖. */
  tol?: number;
  maxIter?: number;
  /** Called once per iteration (e.g. for cancellation). */
  onIteration?(iter: number, relResidual: number): void;
}

export interface CgResult {
  x: Float64Array;
  iterations: number;
  relResidual: number;
  converged: boolean;
}

export function conjugateGradient(
  apply: (v: Float64Array) => Float64Array,
  b: ArrayLike<number>,
  opts: CgOptions = {},
): CgResult {
  const n = b.length;
  const tol = opts.tol ?? 1e-8;
  const maxIter = opts.maxIter ?? 500;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = 0;
  for (let i = 0; i < n; i++) rr += r[i] * r[i];
  const bnorm = Math.sqrt(rr);
  if (bnorm === 0) return { x, iterations: 0, relResidual: 0, converged: true };
  let iter = 0;
  let rel = 1;
  while (iter < maxIter && rel > tol) {
    const Ap = apply(p);
    let pAp = 0;
    for (let i = 0; i < n; i++) pAp += p[i] * Ap[i];
    if (!(pAp > 0)) break; // direction in the null space or numerical breakdown: x is as good as it gets
    const a = rr / pAp;
    let rrNew = 0;
    for (let i = 0; i < n; i++) {
      x[i] += a * p[i];
      r[i] -= a * Ap[i];
      rrNew += r[i] * r[i];
    }
    const beta = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    iter++;
    rel = Math.sqrt(rr) / bnorm;
    opts.onIteration?.(iter, rel);
  }
  return { x, iterations: iter, relResidual: rel, converged: rel <= tol };
}

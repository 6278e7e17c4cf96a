// Per-point losses on one output row f ∈ R^{d_out} (influence.md §2): value, gradient ∂ℓ/∂f and the
// d_out×d_out Hessian block ∂²ℓ/∂f². Rows of the stacked output F are sample-major (i·d_out + a).

export type LossName = 'rls' | 'softmax_ce';

export interface Loss {
  name: LossName;
  /** ℓ(f, y) for the row at offset o of F and Y (d_out entries each). */
  value(F: ArrayLike<number>, Y: ArrayLike<number>, o: number, dOut: number): number;
  /** Writes ∂ℓ/∂f into g[go..go+d_out). */
  grad(F: ArrayLike<number>, Y: ArrayLike<number>, o: number, dOut: number, g: Float64Array, go: number): void;
  /** Writes the row-major Hessian block into h[0..d_out²). */
  hess(F: ArrayLike<number>, Y: ArrayLike<number>, o: number, dOut: number, h: Float64Array): void;
  /** True when the Hessian is (1/d_out)·I everywhere, so operators can skip the block products. */
  constantHessian: boolean;
}

/** Regularised least squares: ‖f − y‖²/(2 d_out), i.e. half the mean over outputs (§7 pitfall). */
export const rls: Loss = {
  name: 'rls',
  constantHessian: true,
  value(F, Y, o, d) {
    let s = 0;
    for (let a = 0; a < d; a++) s += (F[o + a] - Y[o + a]) ** 2;
    return s / (2 * d);
  },
  grad(F, Y, o, d, g, go) {
    for (let a = 0; a < d; a++) g[go + a] = (F[o + a] - Y[o + a]) / d;
  },
  hess(_F, _Y, _o, d, h) {
    h.fill(0, 0, d * d);
    for (let a = 0; a < d; a++) h[a * d + a] = 1 / d;
  },
};

function softmaxRow(F: ArrayLike<number>, o: number, d: number, p: Float64Array): number {
  let m = -Infinity;
  for (let a = 0; a < d; a++) m = Math.max(m, F[o + a]);
  let z = 0;
  for (let a = 0; a < d; a++) { p[a] = Math.exp(F[o + a] - m); z += p[a]; }
  for (let a = 0; a < d; a++) p[a] /= z;
  return m + Math.log(z); // log-sum-exp
}

function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Softmax cross-entropy on one-hot (or probability) labels. With d_out = 1 it is the binary logistic
 * loss log(1 + e^{−y f}) on labels ±1 (the spec's binary convention).
 */
export const softmaxCe: Loss = {
  name: 'softmax_ce',
  constantHessian: false,
  value(F, Y, o, d) {
    if (d === 1) return log1pExp(-Y[o] * F[o]);
    const p = new Float64Array(d);
    const lse = softmaxRow(F, o, d, p);
    let s = 0;
    for (let a = 0; a < d; a++) s += Y[o + a] * (lse - F[o + a]);
    return s;
  },
  grad(F, Y, o, d, g, go) {
    if (d === 1) { g[go] = -Y[o] * sigmoid(-Y[o] * F[o]); return; }
    const p = new Float64Array(d);
    softmaxRow(F, o, d, p);
    let ysum = 0;
    for (let a = 0; a < d; a++) ysum += Y[o + a];
    for (let a = 0; a < d; a++) g[go + a] = ysum * p[a] - Y[o + a];
  },
  hess(F, Y, o, d, h) {
    if (d === 1) { const s = sigmoid(F[o]); h[0] = s * (1 - s); return; }
    const p = new Float64Array(d);
    softmaxRow(F, o, d, p);
    let ysum = 0;
    for (let a = 0; a < d; a++) ysum += Y[o + a];
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) h[a * d + b] = ysum * ((a === b ? p[a] : 0) - p[a] * p[b]);
  },
};

export function lossByName(name: LossName): Loss {
  return name === 'rls' ? rls : softmaxCe;
}

/** Stacked gradients ∇_f ℓ(F_i, Y_i) for the listed points (rows in sample-major order). */
export function stackedGrads(loss: Loss, F: ArrayLike<number>, Y: ArrayLike<number>, pts: ArrayLike<number>, dOut: number): Float64Array {
  const g = new Float64Array(pts.length * dOut);
  for (let k = 0; k < pts.length; k++) loss.grad(F, Y, pts[k] * dOut, dOut, g, k * dOut);
  return g;
}

/** Block-diagonal Hessians ∂²ℓ/∂f² for the listed points, d_out² entries per point. */
export function stackedHessians(loss: Loss, F: ArrayLike<number>, Y: ArrayLike<number>, pts: ArrayLike<number>, dOut: number): Float64Array {
  const H = new Float64Array(pts.length * dOut * dOut);
  const h = new Float64Array(dOut * dOut);
  for (let k = 0; k < pts.length; k++) {
    loss.hess(F, Y, pts[k] * dOut, dOut, h);
    H.set(h, k * dOut * dOut);
  }
  return H;
}

/** out = blockdiag(H) v, with d×d blocks. */
export function applyBlocks(H: Float64Array, v: ArrayLike<number>, d: number, out = new Float64Array(v.length)): Float64Array {
  const n = v.length / d;
  for (let k = 0; k < n; k++) {
    const o = k * d, ho = k * d * d;
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += H[ho + a * d + b] * v[o + b];
      out[o + a] = s;
    }
  }
  return out;
}

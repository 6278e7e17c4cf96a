// The conjugate Gaussian check model of ByPE-VAE (bype-vae.md §4 A5): z ~ N(0, I_K), x | z ~ N(A z, s² I_D).
// Both the full-data posterior and the weighted pseudocoreset posterior are Gaussian, so the KL
// objective (G2), its exact gradients (G4, G5) and the Monte Carlo estimator (A1, exact samples) can
// be compared directly.
import { Matrix } from 'ml-matrix';
import { choleskyInPlace, choleskyInverse, choleskySolve, dense, NotPositiveDefiniteError } from '../../numeric/linalg';
import { Rng } from '../../numeric/rng';

export interface ConjugateModel {
  A: Matrix;        // D × K
  s2: number;       // observation noise variance
  X: Matrix;        // N × D data
}

export interface Pseudocoreset {
  U: Matrix;        // M × D points
  w: number[];      // M non-negative weights
}

export interface GaussianPosterior {
  mean: Matrix /* K × 1 */; cov: Matrix; precision: Matrix; logdetPrecision: number;
  /** Lower Cholesky factor L of the precision (row-major K×K): z = m + L⁻ᵀe samples the posterior. */
  cholPrecision: Float64Array;
}

/** (G1): posterior of z given points Y (rows) with weights c: Λ = I + (Σc)/s² AᵀA, m = Λ⁻¹ Aᵀ(Σ c_n y_n)/s². */
export function posterior(model: ConjugateModel, Y: Matrix, c: number[]): GaussianPosterior {
  const { A, s2 } = model;
  const K = A.columns;
  const sumC = c.reduce((a, b) => a + b, 0);
  const AtA = A.transpose().mmul(A);
  const precision = Matrix.eye(K).add(AtA.mul(sumC / s2));
  const weighted = new Matrix(1, Y.columns);
  for (let n = 0; n < Y.rows; n++) for (let j = 0; j < Y.columns; j++) weighted.set(0, j, weighted.get(0, j) + c[n] * Y.get(n, j));
  const rhs = A.transpose().mmul(weighted.transpose()).div(s2);
  // one Cholesky of the K×K precision (the project's linalg), reused for the mean, the covariance and log det
  let L;
  try {
    L = choleskyInPlace(dense(K, K, Float64Array.from(precision.to1DArray())));
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) throw new Error('posterior precision is not positive definite');
    throw e;
  }
  const mean = Matrix.columnVector(Array.from(choleskySolve(L, rhs.to1DArray())));
  const raw = choleskyInverse(L);
  const cov = new Matrix(K, K);
  // exact symmetry for the sampler's Cholesky
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) cov.set(i, j, 0.5 * (raw.data[i * K + j] + raw.data[j * K + i]));
  let logdet = 0;
  for (let i = 0; i < K; i++) logdet += 2 * Math.log(L.data[i * K + i]);
  return { mean, cov, precision, logdetPrecision: logdet, cholPrecision: L.data };
}

/** (G2): KL(π_{U,w} ‖ π_X) between the two Gaussian posteriors. */
export function conjugateKl(model: ConjugateModel, pc: Pseudocoreset): number {
  const px = posterior(model, model.X, new Array(model.X.rows).fill(1));
  const pw = posterior(model, pc.U, pc.w);
  const K = model.A.columns;
  const diff = px.mean.clone().sub(pw.mean);
  const trace = px.precision.mmul(pw.cov).trace();
  const quad = diff.transpose().mmul(px.precision).mmul(diff).get(0, 0);
  return 0.5 * (trace + quad - K + pw.logdetPrecision - px.logdetPrecision);
}

export interface KlGradient { w: number[]; U: Matrix }

/** Exact gradients (G4) for w and (G5) for U, with the project's sign convention (V7, V8). */
export function exactGradient(model: ConjugateModel, pc: Pseudocoreset): KlGradient {
  const { A, s2, X } = model;
  const N = X.rows, M = pc.U.rows, D = A.rows;
  const pw = posterior(model, pc.U, pc.w);
  const S = pw.cov, m = pw.mean;
  const AtA = A.transpose().mmul(A);
  const sumW = pc.w.reduce((a, b) => a + b, 0);
  const P = AtA.clone().mul(-1 / (2 * s2));
  const Q = AtA.clone().mul(-(N - sumW) / (2 * s2));
  const resid = new Matrix(D, 1);
  for (let n = 0; n < N; n++) for (let j = 0; j < D; j++) resid.set(j, 0, resid.get(j, 0) + X.get(n, j));
  for (let k = 0; k < M; k++) for (let j = 0; j < D; j++) resid.set(j, 0, resid.get(j, 0) - pc.w[k] * pc.U.get(k, j));
  const b = A.transpose().mmul(resid).div(s2);
  const qTerm = Q.mmul(m).mul(2).add(b);              // 2Q m + b
  const SqTerm = S.mmul(qTerm);                          // S (2Q m + b)
  const trPSQS = P.mmul(S).mmul(Q).mmul(S).trace();
  const gw: number[] = [];
  const gU = new Matrix(M, D);
  const pm2 = P.mmul(m).mul(2);
  const AS = A.clone().div(s2).mmul(SqTerm);             // (A/s²) S (2Q m + b): D × 1
  for (let k = 0; k < M; k++) {
    const a = A.transpose().mmul(Matrix.columnVector(pc.U.getRow(k))).div(s2);
    const lin = pm2.clone().add(a);
    gw.push(-(2 * trPSQS + lin.transpose().mmul(SqTerm).get(0, 0)));
    for (let j = 0; j < D; j++) gU.set(k, j, -pc.w[k] * AS.get(j, 0));
  }
  return { w: gw, U: gU };
}

export interface McGradient extends KlGradient {
  /** Standard errors of the w-gradient entries. */
  seW: number[];
}

/**
 * The Monte Carlo estimator A1 with exact samples z_s ~ π_{U,w} (conjugate mode): centred residual R,
 * centred log-likelihoods of the pseudopoints, covariance forms of (V7) and (V8). `batch` < N uses a
 * random minibatch of the data with the N/B scale on the data term only.
 */
export function mcGradient(model: ConjugateModel, pc: Pseudocoreset, S: number, rng: Rng, batch?: number): McGradient {
  const { A, s2, X } = model;
  const N = X.rows, M = pc.U.rows, D = A.rows, K = A.columns;
  const pw = posterior(model, pc.U, pc.w);
  // the precision's factor from `posterior` serves the sampler too: Λ = L Lᵀ ⇒ L⁻ᵀe ~ N(0, Λ⁻¹)
  const Lp = pw.cholPrecision;
  const B = batch && batch < N ? batch : N;
  const rows: number[] = [];
  if (B < N) { const idx = Array.from({ length: N }, (_, i) => i); rng.shuffle(idx); rows.push(...idx.slice(0, B)); }
  else for (let i = 0; i < N; i++) rows.push(i);
  const z = new Float64Array(K), Az = new Float64Array(D), e = new Float64Array(K);
  const R = new Float64Array(S);
  const LU = new Float64Array(M * S);
  const AzAll = new Float64Array(D * S);
  const logLik = (y: number[], az: Float64Array) => { let q = 0; for (let j = 0; j < D; j++) { const d = y[j] - az[j]; q += d * d; } return -q / (2 * s2); };
  const Xrows = rows.map((r) => X.getRow(r));
  const Urows = Array.from({ length: M }, (_, k) => pc.U.getRow(k));
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < K; i++) e[i] = rng.normal();
    // back substitution Lᵀ u = e, then z = m + u
    for (let i = K - 1; i >= 0; i--) { let acc = e[i]; for (let j = i + 1; j < K; j++) acc -= Lp[j * K + i] * z[j]; z[i] = acc / Lp[i * K + i]; }
    for (let i = 0; i < K; i++) z[i] += pw.mean.get(i, 0);
    for (let j = 0; j < D; j++) { let acc = 0; for (let i = 0; i < K; i++) acc += A.get(j, i) * z[i]; Az[j] = acc; AzAll[j * S + s] = acc; }
    let data = 0;
    for (const y of Xrows) data += logLik(y, Az);
    let pseudo = 0;
    for (let k = 0; k < M; k++) { const l = logLik(Urows[k], Az); LU[k * S + s] = l; pseudo += pc.w[k] * l; }
    R[s] = (N / B) * data - pseudo;
  }
  centre(R);
  const gw: number[] = [], seW: number[] = [];
  const gU = new Matrix(M, D);
  for (let k = 0; k < M; k++) {
    const row = LU.subarray(k * S, (k + 1) * S);
    centre(row);
    let acc = 0, acc2 = 0;
    for (let s = 0; s < S; s++) { const t = row[s] * R[s]; acc += t; acc2 += t * t; }
    const mean = acc / S;
    gw.push(-mean);
    seW.push(Math.sqrt(Math.max(0, acc2 / S - mean * mean) / S));
    for (let j = 0; j < D; j++) {
      // G[m, s] = −(u_m − A z_s)/s²; R is centred, so G needs no centring
      let g = 0;
      for (let s = 0; s < S; s++) g += (-(Urows[k][j] - AzAll[j * S + s]) / s2) * R[s];
      gU.set(k, j, -pc.w[k] * (g / S));
    }
  }
  return { w: gw, U: gU, seW };
}

function centre(v: Float64Array): void {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  for (let i = 0; i < v.length; i++) v[i] -= m;
}

/**
 * Projected Adam-like step A2 on x = [w; vec(U)] with γ_j = c/(j+1); the step counter j is global
 * (project convention). The first `nonNegative` entries (the weights) are projected onto ≥ 0.
 */
export class ProjectedAdam {
  private m1: Float64Array;
  private m2: Float64Array;
  private j = 0;
  constructor(private readonly size: number, private readonly c: number) {
    this.m1 = new Float64Array(size);
    this.m2 = new Float64Array(size);
  }
  /** Updates the flat vector `x` in place from the gradient `g`. */
  update(x: Float64Array, g: Float64Array, nonNegative: number): void {
    const gamma = this.c / (this.j + 1);
    const b1 = 1 - Math.pow(0.9, this.j + 1), b2 = 1 - Math.pow(0.999, this.j + 1);
    for (let i = 0; i < this.size; i++) {
      this.m1[i] = 0.9 * this.m1[i] + 0.1 * g[i];
      this.m2[i] = 0.999 * this.m2[i] + 0.001 * g[i] * g[i];
      x[i] -= (gamma * (this.m1[i] / b1)) / (1e-8 + Math.sqrt(this.m2[i] / b2));
      if (i < nonNegative && x[i] < 0) x[i] = 0;
    }
    this.j++;
  }
  /** One step on a pseudocoreset held as (w, U matrix). */
  step(pc: Pseudocoreset, g: KlGradient): void {
    const M = pc.w.length, D = pc.U.columns;
    const x = new Float64Array(M + M * D), gx = new Float64Array(M + M * D);
    for (let k = 0; k < M; k++) { x[k] = pc.w[k]; gx[k] = g.w[k]; }
    for (let k = 0; k < M; k++) for (let j = 0; j < D; j++) { x[M + k * D + j] = pc.U.get(k, j); gx[M + k * D + j] = g.U.get(k, j); }
    this.update(x, gx, M);
    for (let k = 0; k < M; k++) pc.w[k] = x[k];
    for (let k = 0; k < M; k++) for (let j = 0; j < D; j++) pc.U.set(k, j, x[M + k * D + j]);
  }
}

// A small VAE whose prior is a weighted mixture of exemplar kernels (bype-vae.md §2–§4): either the
// whole training set (Exemplar VAE, w = 1) or a learned pseudocoreset (U, w) of M ≪ N points updated
// every few epochs by the Monte Carlo KL gradient A1 (VAE mode) and the projected Adam step A2.
// Loss per example: Σ(x − x̂)² + β KL_x with KL_x = log q(z|x) − log p(z|U,w), one reparameterised
// sample, β = min(1, epoch / warm-up); the exemplar kernel N(z; μ_φ(u), σ²I) shares one learned log σ².
import { Rng } from '../../numeric/rng';
import { Dense, relu, reluBackward } from './dense';
import { ProjectedAdam } from './conjugate';

const LOG2PI = Math.log(2 * Math.PI);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export interface VaeShape { D: number; H: number; K: number }

export class ExemplarVae {
  readonly enc1: Dense; readonly encMu: Dense; readonly encLv: Dense; readonly dec1: Dense; readonly dec2: Dense;
  /** log σ² of the exemplar kernel, and its gradient */
  readonly logS2 = new Float64Array([Math.log(0.5)]);
  readonly gLogS2 = new Float64Array(1);
  readonly layers: Dense[];

  constructor(readonly shape: VaeShape, rng: Rng) {
    const { D, H, K } = shape;
    this.enc1 = new Dense(D, H, rng); this.encMu = new Dense(H, K, rng); this.encLv = new Dense(H, K, rng);
    this.dec1 = new Dense(K, H, rng); this.dec2 = new Dense(H, D, rng);
    this.layers = [this.enc1, this.encMu, this.encLv, this.dec1, this.dec2];
  }

  params(): [Float64Array, Float64Array][] {
    return [...this.layers.flatMap((l) => l.params()), [this.logS2, this.gLogS2]];
  }

  zeroGrad(): void { this.layers.forEach((l) => l.zeroGrad()); this.gLogS2[0] = 0; }

  /** Encoder means of a batch (the exemplar kernel centres), with what backprop needs. */
  encodeMean(x: Float64Array, B: number) {
    const pre = this.enc1.forward(x, B), h = relu(pre);
    return { pre, h, mu: this.encMu.forward(h, B) };
  }

  decode(z: Float64Array, B: number) {
    const pre = this.dec1.forward(z, B), h = relu(pre);
    const logits = this.dec2.forward(h, B);
    return { pre, h, xhat: logits.map(sigmoid) };
  }
}

export interface PriorPoints {
  points: Float64Array;   // P × D
  count: number;          // P
  /** log of the shifted weights w̃ (they sum to N) */
  logWeights: Float64Array;
  /** N: the normaliser of the mixture */
  N: number;
}

/** Shifted weights w̃ = w + (N/M − mean(w)) (clamped at a tiny positive value for the logarithm). */
export function shiftedLogWeights(w: Float64Array, N: number): Float64Array {
  const M = w.length;
  const mean = w.reduce((a, b) => a + b, 0) / M;
  return w.map((v) => Math.log(Math.max(1e-12, v + N / M - mean)));
}

export interface StepResult { loss: number; reconstruction: number; kl: number }

/**
 * Loss on a minibatch (mean over examples) and, when `train` is set, gradients into every layer
 * (through the encoder for the data and for the prior's centres) and log σ².
 */
export function vaeStep(vae: ExemplarVae, X: Float64Array, B: number, prior: PriorPoints, beta: number, rng: Rng, train: boolean): StepResult {
  const { D, K } = vae.shape;
  const enc = vae.encodeMean(X, B);
  const lv = vae.encLv.forward(enc.h, B).map((v) => Math.max(-12, Math.min(8, v)));
  const eps = Float64Array.from({ length: B * K }, () => rng.normal());
  const sd = lv.map((v) => Math.exp(0.5 * v));
  const z = enc.mu.map((m, i) => m + sd[i] * eps[i]);
  const dec = vae.decode(z, B);
  const P = prior.count;
  const cen = vae.encodeMean(prior.points, P);
  const s2 = Math.exp(vae.logS2[0]);
  let rec = 0, klSum = 0;
  const dLogits = new Float64Array(B * D);
  const dz = new Float64Array(B * K);
  const dC = new Float64Array(P * K);
  let dLogS2 = 0;
  const a = new Float64Array(P), d2 = new Float64Array(P);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < D; i++) {
      const x = X[b * D + i], xh = dec.xhat[b * D + i];
      rec += (x - xh) * (x - xh);
      dLogits[b * D + i] = 2 * (xh - x) * xh * (1 - xh) / B;
    }
    // log p(z) = logsumexp_m [log w̃_m + log N(z; c_m, σ²I)] − log N
    let amax = -Infinity;
    for (let m = 0; m < P; m++) {
      let q = 0;
      for (let k = 0; k < K; k++) { const d = z[b * K + k] - cen.mu[m * K + k]; q += d * d; }
      d2[m] = q;
      a[m] = prior.logWeights[m] - q / (2 * s2) - 0.5 * K * (LOG2PI + Math.log(s2));
      if (a[m] > amax) amax = a[m];
    }
    let se = 0;
    for (let m = 0; m < P; m++) se += Math.exp(a[m] - amax);
    const logp = amax + Math.log(se) - Math.log(prior.N);
    let logq = 0;
    for (let k = 0; k < K; k++) logq += -0.5 * (LOG2PI + lv[b * K + k] + eps[b * K + k] ** 2);
    klSum += logq - logp;
    if (!train) continue;
    const scale = beta / B;
    for (let m = 0; m < P; m++) {
      const r = Math.exp(a[m] - amax) / se;
      if (r < 1e-12) continue;
      for (let k = 0; k < K; k++) {
        const diff = (z[b * K + k] - cen.mu[m * K + k]) / s2;
        dz[b * K + k] += scale * r * diff;          // ∂(−log p)/∂z
        dC[m * K + k] -= scale * r * diff;          // ∂(−log p)/∂c_m
      }
      dLogS2 += scale * r * (0.5 * K - d2[m] / (2 * s2));
    }
  }
  const result = { loss: (rec + beta * klSum) / B, reconstruction: rec / B, kl: klSum / B };
  if (!train) return result;
  // decoder
  const dh2 = reluBackward(dec.pre, vae.dec2.backward(dec.h, dLogits, B)!);
  const dzDec = vae.dec1.backward(z, dh2, B)!;
  // reparameterisation: z = μ + exp(lv/2) ε; log q contributes −½ per latent to ∂/∂lv
  const dMu = new Float64Array(B * K), dLv = new Float64Array(B * K);
  for (let i = 0; i < B * K; i++) {
    const g = dzDec[i] + dz[i];
    dMu[i] = g;
    dLv[i] = g * 0.5 * sd[i] * eps[i] - (0.5 * beta) / B;
  }
  const dh1 = vae.encMu.backward(enc.h, dMu, B)!;
  const dh1b = vae.encLv.backward(enc.h, dLv, B)!;
  for (let i = 0; i < dh1.length; i++) dh1[i] += dh1b[i];
  vae.enc1.backward(X, reluBackward(enc.pre, dh1), B, false);
  // the prior's centres are encoder means of the exemplars / pseudo-points
  const dhP = vae.encMu.backward(cen.h, dC, P)!;
  vae.enc1.backward(prior.points, reluBackward(cen.pre, dhP), P, false);
  vae.gLogS2[0] += dLogS2;
  return result;
}

/**
 * One pseudocoreset update per minibatch (A1 in VAE mode, then A2): samples from the prior mixture,
 * centred residual R_s = (N/B) Σ_b log p(x_b|z_s) − Σ_m w_m log p(u_m|z_s), with a Gaussian decoder
 * of variance v = ½ (matching the Σ(x − x̂)² reconstruction term).
 */
export function coresetStep(vae: ExemplarVae, X: Float64Array, B: number, N: number, U: Float64Array, w: Float64Array, S: number, rng: Rng, opt: ProjectedAdam): void {
  const { D, K } = vae.shape;
  const M = w.length;
  const v = 0.5;
  const cen = vae.encodeMean(U, M).mu;
  const sd = Math.exp(0.5 * vae.logS2[0]);
  const wt = shiftedLogWeights(w, N).map(Math.exp);
  const total = wt.reduce((p, q) => p + q, 0);
  const z = new Float64Array(S * K);
  for (let s = 0; s < S; s++) {
    let r = rng.uniform() * total, m = 0;
    while (m < M - 1 && (r -= wt[m]) > 0) m++;
    for (let k = 0; k < K; k++) z[s * K + k] = cen[m * K + k] + sd * rng.normal();
  }
  const xhat = vae.decode(z, S).xhat;
  const loglik = (rows: Float64Array, r: number, s: number) => {
    let q = 0;
    for (let i = 0; i < D; i++) { const d = rows[r * D + i] - xhat[s * D + i]; q += d * d; }
    return -q / (2 * v);
  };
  const R = new Float64Array(S), LU = new Float64Array(M * S);
  for (let s = 0; s < S; s++) {
    let data = 0;
    for (let b = 0; b < B; b++) data += loglik(X, b, s);
    let pseudo = 0;
    for (let m = 0; m < M; m++) { const l = loglik(U, m, s); LU[m * S + s] = l; pseudo += w[m] * l; }
    R[s] = (N / B) * data - pseudo;
  }
  const meanR = R.reduce((p, q) => p + q, 0) / S;
  for (let s = 0; s < S; s++) R[s] -= meanR;
  const x = new Float64Array(M + M * D), g = new Float64Array(M + M * D);
  for (let m = 0; m < M; m++) {
    let mean = 0;
    for (let s = 0; s < S; s++) mean += LU[m * S + s];
    mean /= S;
    let acc = 0;
    for (let s = 0; s < S; s++) acc += (LU[m * S + s] - mean) * R[s];
    x[m] = w[m];
    g[m] = -acc / S;
    for (let i = 0; i < D; i++) {
      let gi = 0;
      for (let s = 0; s < S; s++) gi += (-(U[m * D + i] - xhat[s * D + i]) / v) * R[s];
      x[M + m * D + i] = U[m * D + i];
      g[M + m * D + i] = -w[m] * (gi / S);
    }
  }
  opt.update(x, g, M);
  for (let m = 0; m < M; m++) w[m] = x[m];
  U.set(x.subarray(M));
}

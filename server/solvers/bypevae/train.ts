// The alternating schedule A3 at laptop scale: VAE epochs with the prior frozen, and every
// `coresetEvery` epochs one pass of pseudocoreset updates with the VAE frozen.
import { Rng } from '../../numeric/rng';
import { Adam } from './dense';
import { ProjectedAdam } from './conjugate';
import { coresetStep, ExemplarVae, PriorPoints, shiftedLogWeights, vaeStep } from './vae';

export interface VaeRunOptions {
  prior: 'pseudocoreset' | 'exemplar';
  train: Float64Array; N: number;
  valid: Float64Array; NV: number;
  D: number; H: number; K: number;
  M: number; epochs: number; batch: number; lr: number; warmup: number;
  coresetEvery: number; samples: number; c: number;
  seed: number;
  onEpoch?(epoch: number, elbo: number): void;
}

export interface VaeRunResult {
  elbo: number[];           // validation ELBO (negative loss, β = 1) after each epoch
  seconds: number[];        // wall time of each epoch (VAE updates + coreset pass when due)
  w: Float64Array;
  U: Float64Array;
}

export function runVae(o: VaeRunOptions): VaeRunResult {
  const rng = new Rng(o.seed);
  const vae = new ExemplarVae({ D: o.D, H: o.H, K: o.K }, Rng.derive(o.seed, 1));
  const adam = new Adam(vae.params(), o.lr);
  const M = o.prior === 'exemplar' ? o.N : o.M;
  // pseudocoreset initialisation: M random training points, w = N/M (A3)
  const order = Array.from({ length: o.N }, (_, i) => i);
  rng.shuffle(order);
  const U = new Float64Array(M * o.D);
  for (let m = 0; m < M; m++) U.set(o.train.subarray(order[m] * o.D, (order[m] + 1) * o.D), m * o.D);
  const w = new Float64Array(M).fill(o.N / M);
  const coresetOpt = new ProjectedAdam(M + M * o.D, o.c);
  const prior = (): PriorPoints => ({ points: U, count: M, logWeights: shiftedLogWeights(w, o.N), N: o.N });
  const elbo: number[] = [], seconds: number[] = [];
  const batchBuf = new Float64Array(o.batch * o.D);
  const idx = Array.from({ length: o.N }, (_, i) => i);
  const evalRng = Rng.derive(o.seed, 2);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    const beta = Math.min(1, epoch / o.warmup);
    rng.shuffle(idx);
    const p = prior();
    for (let start = 0; start + o.batch <= o.N; start += o.batch) {
      for (let b = 0; b < o.batch; b++) batchBuf.set(o.train.subarray(idx[start + b] * o.D, (idx[start + b] + 1) * o.D), b * o.D);
      vae.zeroGrad();
      vaeStep(vae, batchBuf, o.batch, p, beta, rng, true);
      adam.step();
    }
    if (o.prior === 'pseudocoreset' && epoch % o.coresetEvery === 0) {
      for (let start = 0; start + o.batch <= o.N; start += o.batch) {
        for (let b = 0; b < o.batch; b++) batchBuf.set(o.train.subarray(idx[start + b] * o.D, (idx[start + b] + 1) * o.D), b * o.D);
        coresetStep(vae, batchBuf, o.batch, o.N, U, w, o.samples, rng, coresetOpt);
      }
    }
    seconds.push((performance.now() - t0) / 1000);
    const v = vaeStep(vae, o.valid, o.NV, prior(), 1, evalRng, false);
    elbo.push(-v.loss);
    o.onEpoch?.(epoch, -v.loss);
  }
  return { elbo, seconds, w, U };
}

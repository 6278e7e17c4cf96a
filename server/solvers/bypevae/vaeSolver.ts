// `bypevae.vae`: the VAE experiment of ByPE-VAE at small scale — a pseudocoreset prior (M points,
// learned by the KL gradient every few epochs) or the Exemplar-VAE prior over the whole training set,
// on generated shape images. Reports the validation ELBO trace and the time per epoch, the paper's
// speed claim being that the pseudocoreset version is several times faster at a similar ELBO.
import { Rng } from '../../numeric/rng';
import type { SolverDef } from '../registry';
import { shapeImages } from '../pcn/patterns';
import { runVae } from './train';

export const vaeSolver: SolverDef = {
  id: 'bypevae.vae',
  title: 'VAE with a pseudocoreset (ByPE) or exemplar prior on generated images: ELBO and time per epoch',
  doc: 'Trains a one-hidden-layer VAE (reconstruction Σ(x − x̂)², β warm-up) whose prior is a mixture of exemplar kernels ' +
    'N(z; μ_φ(u), σ²I): `prior = pseudocoreset` uses M learned weighted pseudo-inputs updated every `coreset_every` epochs ' +
    'by the Monte Carlo KL gradient and projected Adam; `prior = exemplar` uses every training image (Exemplar VAE). ' +
    'Data: generated grayscale shape images (no downloads).',
  paper: 'Ai et al., "ByPE-VAE: Bayesian Pseudocoresets Exemplar VAE", NeurIPS 2021 (arXiv:2107.09286)',
  mathSpec: 'bype-vae.md',
  version: '1',
  stochastic: true,
  params: [
    { name: 'prior', kind: 'enum', values: ['pseudocoreset', 'exemplar'], default: 'pseudocoreset', doc: 'the prior mixture: M learned pseudo-points, or all N training points' },
    { name: 'N', kind: 'integer', default: 1000, min: 10, max: 100000, doc: 'training images' },
    { name: 'valid', kind: 'integer', default: 200, min: 1, max: 100000, doc: 'validation images' },
    { name: 'image_size', kind: 'integer', default: 16, min: 4, max: 64, doc: 'side of the square images (D = side²)' },
    { name: 'M', kind: 'integer', default: 50, min: 1, max: 100000, doc: 'pseudocoreset size (prior = pseudocoreset)' },
    { name: 'hidden', kind: 'integer', default: 128, min: 1, max: 2048, doc: 'hidden units of encoder and decoder' },
    { name: 'latent', kind: 'integer', default: 8, min: 1, max: 512, doc: 'latent size K' },
    { name: 'epochs', kind: 'integer', default: 30, min: 1, max: 10000, doc: 'training epochs' },
    { name: 'batch', kind: 'integer', default: 100, min: 1, max: 100000, doc: 'minibatch size B' },
    { name: 'lr', kind: 'number', default: 1e-3, min: 0, exclusiveMin: true, max: 1, doc: 'Adam learning rate of the VAE' },
    { name: 'warmup', kind: 'integer', default: 10, min: 1, doc: 'β = min(1, epoch / warmup)' },
    { name: 'coreset_every', kind: 'integer', default: 5, min: 1, doc: 'epochs between pseudocoreset passes' },
    { name: 'samples', kind: 'integer', default: 50, min: 2, max: 100000, doc: 'prior samples S per pseudocoreset gradient' },
    { name: 'c', kind: 'number', default: 0.5, min: 0, exclusiveMin: true, doc: 'pseudocoreset step schedule γ_j = c/(j+1)' },
  ],
  outputs: [
    { name: 'elbo', kind: 'trace', doc: 'validation ELBO (−[Σ(x − x̂)² + KL_x], one sample, β = 1) after each epoch' },
    { name: 'elbo_final', kind: 'number', doc: 'validation ELBO after the last epoch' },
    { name: 'seconds_per_epoch', kind: 'number', doc: 'mean wall time of an epoch (coreset passes included when due)' },
    { name: 'w', kind: 'vector', doc: 'final pseudocoreset weights (prior = pseudocoreset)' },
  ],
  cost: (p) => {
    const D = (p.image_size as number) ** 2, H = p.hidden as number, N = p.N as number;
    const P = p.prior === 'exemplar' ? N : (p.M as number);
    return ((p.epochs as number) * (N / (p.batch as number)) * (6 * (p.batch as number) * D * H + 3 * P * D * H)) / 5e8;
  },
  memoryEstimate: (p) => {
    // (N + valid) generated images of D pixels; the five dense layers with gradients and Adam moments;
    // a batch's activations and their gradients; the prior's P pseudo-points (or exemplars) with their
    // gradient/Adam state and the coreset pass's Monte Carlo buffers (S latents, P·S log-likelihoods).
    const D = (p.image_size as number) ** 2, H = p.hidden as number, K = p.latent as number, B = p.batch as number;
    const N = p.N as number, S = p.samples as number;
    const P = p.prior === 'exemplar' ? N : (p.M as number);
    const weights = 2 * D * H + 3 * H * K + 2 * H + 2 * K + D;
    return 4 * 2 ** 20 + 8 * (N + (p.valid as number)) * D + 8 * 4 * weights + 8 * B * (3 * D + 4 * H + 6 * K)
      + 8 * (4 * P * (D + 1) + P * K + S * K + P * S);
  },
  validate(p) {
    const issues = [];
    if ((p.batch as number) > (p.N as number)) issues.push({ param: 'batch', message: `batch = ${p.batch} exceeds N = ${p.N}` });
    if (p.prior === 'pseudocoreset' && (p.M as number) > (p.N as number)) issues.push({ param: 'M', message: `M = ${p.M} exceeds N = ${p.N}` });
    return issues;
  },
  async run(p, ctx) {
    const side = p.image_size as number, D = side * side, N = p.N as number, NV = p.valid as number;
    const all = shapeImages(N + NV, side, Rng.derive(ctx.seed, 1));
    const epochs = ctx.budget === 'test' ? Math.min(p.epochs as number, 5) : (p.epochs as number);
    if (epochs < (p.epochs as number)) ctx.warn(`test budget: ${epochs} of ${p.epochs} epochs`);
    const r = runVae({
      prior: p.prior as 'pseudocoreset' | 'exemplar', train: all.subarray(0, N * D), N, valid: all.subarray(N * D), NV,
      D, H: p.hidden as number, K: p.latent as number, M: p.M as number, epochs, batch: p.batch as number, lr: p.lr as number,
      warmup: p.warmup as number, coresetEvery: p.coreset_every as number, samples: p.samples as number, c: p.c as number,
      seed: ctx.seed,
      onEpoch: (e) => { ctx.checkCancelled(); ctx.progress(e / epochs, `epoch ${e}/${epochs}`); },
    });
    const mean = r.seconds.reduce((a, b) => a + b, 0) / r.seconds.length;
    if (r.elbo.some((v) => !Number.isFinite(v))) throw new Error('training diverged (non-finite ELBO); lower lr');
    return {
      elbo: r.elbo, elbo_final: r.elbo[r.elbo.length - 1], seconds_per_epoch: mean,
      w: p.prior === 'pseudocoreset' ? Array.from(r.w) : [],
    };
  },
};

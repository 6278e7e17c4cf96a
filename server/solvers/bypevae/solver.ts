// `bypevae.pseudocoreset`: fits pseudocoreset weights and points by the KL gradient on the conjugate
// Gaussian model, where the KL to the full-data posterior is exact (bype-vae.md §4 A5), with exact
// gradients or the Monte Carlo estimator A1 and the projected Adam-like step A2.
import { Matrix } from 'ml-matrix';
import { Rng } from '../../numeric/rng';
import type { SolverDef } from '../registry';
import { SolverInputError } from '../registry';
import { conjugateKl, ConjugateModel, exactGradient, mcGradient, ProjectedAdam, Pseudocoreset } from './conjugate';

/** Draws A (D × K, N(0,1) entries) and N points x = A z + s ε from the model. */
export function syntheticModel(N: number, D: number, K: number, s2: number, rng: Rng): ConjugateModel {
  const A = new Matrix(D, K);
  for (let i = 0; i < D; i++) for (let j = 0; j < K; j++) A.set(i, j, rng.normal());
  const X = new Matrix(N, D);
  const s = Math.sqrt(s2);
  for (let n = 0; n < N; n++) {
    const z = Array.from({ length: K }, () => rng.normal());
    for (let i = 0; i < D; i++) {
      let v = 0;
      for (let j = 0; j < K; j++) v += A.get(i, j) * z[j];
      X.set(n, i, v + s * rng.normal());
    }
  }
  return { A, s2, X };
}

export const pseudocoresetSolver: SolverDef = {
  id: 'bypevae.pseudocoreset',
  title: 'Bayesian pseudocoreset by the KL gradient (ByPE-VAE), exact on the conjugate Gaussian model',
  doc: 'Fits M weighted pseudo-points (U, w) so that the posterior they induce matches the full-data posterior, ' +
    'on the model z ~ N(0, I_K), x | z ~ N(A z, s² I_D) where KL(π_{U,w} ‖ π_X) is closed form. Gradients are ' +
    '∇_w KL = −Cov[ℓ_U, R], ∇_u KL = −w Cov[∇_u ℓ, R], computed exactly or by the Monte Carlo estimator with S ' +
    'posterior samples; the step is projected Adam with γ_j = c/(j+1) and w ≥ 0. Initialisation: U = M random ' +
    'training points, w = N/M.',
  paper: 'Ai et al., "ByPE-VAE: Bayesian Pseudocoresets Exemplar VAE", NeurIPS 2021 (arXiv:2107.09286)',
  mathSpec: 'bype-vae.md',
  version: '1',
  stochastic: true,
  params: [
    { name: 'N', kind: 'integer', default: 200, min: 1, max: 1e6, doc: 'number of data points drawn from the model' },
    { name: 'D', kind: 'integer', default: 5, min: 1, max: 2000, doc: 'data dimension' },
    { name: 'K', kind: 'integer', default: 2, min: 1, max: 200, doc: 'latent dimension' },
    { name: 's2', kind: 'number', default: 0.5, min: 0, exclusiveMin: true, doc: 'observation noise variance s²' },
    { name: 'M', kind: 'integer', default: 5, min: 1, max: 10000, doc: 'number of pseudo-points (M ≪ N)' },
    { name: 'steps', kind: 'integer', default: 300, min: 1, max: 1e6, doc: 'projected Adam steps' },
    { name: 'c', kind: 'number', default: 0.5, min: 0, exclusiveMin: true, doc: 'step schedule γ_j = c/(j+1)' },
    { name: 'gradient', kind: 'enum', values: ['exact', 'mc'], default: 'mc', doc: 'exact covariance gradients (G4, G5) or the Monte Carlo estimator A1' },
    { name: 'samples', kind: 'integer', default: 500, min: 2, max: 1e7, doc: 'posterior samples S per Monte Carlo gradient' },
    { name: 'batch', kind: 'integer', optional: true, min: 1, doc: 'data minibatch size B for the Monte Carlo residual (default: all N)' },
  ],
  outputs: [
    { name: 'kl', kind: 'trace', doc: 'KL(π_{U,w} ‖ π_X) before the first step and after each step' },
    { name: 'kl_final', kind: 'number', doc: 'KL after the last step' },
    { name: 'kl_initial', kind: 'number', doc: 'KL at initialisation' },
    { name: 'w', kind: 'vector', doc: 'final weights (raw, not shifted)' },
    { name: 'U', kind: 'matrix', doc: 'final pseudo-points (M × D)' },
    { name: 'grad_rel_error', kind: 'number', doc: 'relative error ‖ĝ − g‖/‖g‖ of the Monte Carlo gradient at initialisation (0 for exact)' },
  ],
  cost: (p) => ((p.steps as number) * ((p.gradient === 'mc' ? (p.samples as number) : 1) * ((p.N as number) + (p.M as number)) * (p.D as number) + 50 * (p.K as number) ** 3)) / 2e8,
  memoryEstimate: (p) => {
    // The data X (N × D, ml-matrix rows), the row copies every gradient takes (and their garbage), A (D × K), the
    // pseudo-points with their Adam state, and the Monte Carlo buffers (M·S log-likelihoods, D·S means).
    const N = p.N as number, D = p.D as number, K = p.K as number, M = p.M as number;
    const S = p.gradient === 'mc' ? (p.samples as number) : 0;
    return 4 * 2 ** 20 + 8 * (6 * N * D + D * K + 3 * K * K + 6 * (M + M * D) + (M + D + 1) * S);
  },
  validate(p) {
    if ((p.M as number) > (p.N as number)) return [{ param: 'M', message: `M = ${p.M} pseudo-points exceed the N = ${p.N} data points` }];
    return [];
  },
  async run(p, ctx) {
    const N = p.N as number, D = p.D as number, K = p.K as number, M = p.M as number;
    const rng = Rng.derive(ctx.seed, 1);
    const model = syntheticModel(N, D, K, p.s2 as number, rng);
    const idx = Array.from({ length: N }, (_, i) => i);
    rng.shuffle(idx);
    const pc: Pseudocoreset = { U: new Matrix(idx.slice(0, M).map((i) => model.X.getRow(i))), w: new Array(M).fill(N / M) };
    const steps = p.steps as number;
    const mcRng = Rng.derive(ctx.seed, 2);
    const S = p.samples as number;
    const batch = p.batch as number | undefined;
    if (batch !== undefined && batch > N) throw new SolverInputError(`batch = ${batch} exceeds N = ${N}`, 'batch');
    const gradient = (q: Pseudocoreset) => (p.gradient === 'exact' ? exactGradient(model, q) : mcGradient(model, q, S, mcRng, batch));
    const exact0 = exactGradient(model, pc);
    const g0 = gradient(pc);
    const num = Math.hypot(...g0.w.map((v, k) => v - exact0.w[k]), ...g0.U.clone().sub(exact0.U).to1DArray());
    const den = Math.hypot(...exact0.w, ...exact0.U.to1DArray());
    const kl = [conjugateKl(model, pc)];
    const opt = new ProjectedAdam(M + M * D, p.c as number);
    opt.step(pc, g0);
    kl.push(conjugateKl(model, pc));
    for (let j = 1; j < steps; j++) {
      if (j % 10 === 0) { ctx.checkCancelled(); ctx.progress(j / steps); }
      opt.step(pc, gradient(pc));
      kl.push(conjugateKl(model, pc));
    }
    if (kl.some((v) => !Number.isFinite(v))) throw new Error('the KL became non-finite; lower `c`');
    return {
      kl, kl_final: kl[kl.length - 1], kl_initial: kl[0], w: pc.w.slice(), U: pc.U.to2DArray(),
      grad_rel_error: den > 0 ? num / den : 0,
    };
  },
};

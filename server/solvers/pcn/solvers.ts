// `pcn.train` and `pcn.retrieve`: a layered generative PCN trained by inference learning on generated
// patterns, then used as an associative memory. Trained networks are cached per training setting and
// seed, so sweeping a retrieval parameter (noise, visible fraction) trains once.
import { Rng } from '../../numeric/rng';
import type { ParamSpec, SolverContext, SolverDef, Value } from '../registry';
import { SolverInputError } from '../registry';
import { activationNames, ActivationName } from './activation';
import { complete, denoise, patternMse, trainMemory, TrainResult } from './memory';
import { PcnNetwork } from './network';
import { binaryPatterns, shapeImages } from './patterns';
import { completeOnKernels, denoiseOnKernels, trainMemoryOnKernels } from './kernelMemory';
import type { KernelApi } from '../contract';

const trainingParams: ParamSpec[] = [
  { name: 'data', kind: 'enum', values: ['binary', 'shapes'], default: 'binary', doc: 'stored patterns: random {0,1} vectors, or generated grayscale images of shapes' },
  { name: 'patterns', kind: 'integer', default: 10, min: 1, max: 5000, doc: 'number of stored memories N' },
  { name: 'dim', kind: 'integer', default: 64, min: 2, max: 4096, doc: 'pattern dimension n⁰ for `data = binary`' },
  { name: 'image_size', kind: 'integer', default: 16, min: 4, max: 64, doc: 'side of the square images for `data = shapes` (n⁰ = side²)' },
  { name: 'width', kind: 'integer', default: 128, min: 1, max: 4096, doc: 'width of every hidden layer and of the top memory layer' },
  { name: 'layers', kind: 'integer', default: 2, min: 1, max: 6, doc: 'number of weight matrices L (a "2-layer PCN": memory → hidden → data)' },
  { name: 'activation', kind: 'enum', values: activationNames, default: 'relu', doc: 'pre-synaptic activation f (ReLU with f′(0) = 0)' },
  { name: 'alpha', kind: 'number', default: 1e-4, min: 0, exclusiveMin: true, max: 1, doc: 'weight learning rate α (energies are summed over the batch, so α is small)' },
  { name: 'gamma', kind: 'number', default: 0.1, min: 0, exclusiveMin: true, max: 2, doc: 'inference rate γ₀ during training (multiplied by 0.9 whenever the energy fails to decrease)' },
  { name: 'T', kind: 'integer', default: 32, min: 1, max: 10000, doc: 'inference steps per training batch' },
  { name: 'epochs', kind: 'integer', default: 5000, min: 1, max: 1e6, doc: 'maximum training epochs (full batch); training stops earlier when the energy per pixel is below `tolerance`' },
  { name: 'tolerance', kind: 'number', default: 1e-6, min: 0, doc: 'stop when E / (N n⁰) falls below this' },
  { name: 'precision', kind: 'enum', values: ['float64', 'float32'], default: 'float64',
    doc: 'float64: batched float64 GEMMs on the system BLAS (register-blocked JS products where none is found), every activation; ' +
      'float32: inference steps as batched products on the job\'s kernels (the CPU BLAS, or WebGPU with device = gpu), relu/tanh only, ' +
      'weight update still float64; energies agree with float64 to ~1e-6 relative (tested to 1e-4) and C3 holds (pcn.md asks float64 only for the C1 gradient check). ' +
      'On a WebGPU device (device = gpu) the steps always run in float32.' },
];

interface Trained { net: PcnNetwork; data: Float64Array; N: number; n0: number; side?: number; result: TrainResult; kernels?: KernelApi }

const cache = new Map<string, Trained>();
const CACHE_LIMIT = 6;

function epochBudget(p: Record<string, Value>, ctx: SolverContext): number {
  const epochs = p.epochs as number;
  // Test budget: simulations may run shorter in test suites (the spec allows it); results say so.
  return ctx.budget === 'test' ? Math.min(epochs, 300) : epochs;
}

function estimateSeconds(p: Record<string, Value>): number {
  const n0 = p.data === 'shapes' ? (p.image_size as number) ** 2 : (p.dim as number);
  const w = p.width as number, L = p.layers as number;
  const weights = n0 * w + (L - 1) * w * w;
  // ~4 passes over the weights per inference step per sample, ~5e8 multiply-adds per second
  return (4 * weights * (p.patterns as number) * (p.T as number) * (p.epochs as number)) / 5e8;
}

/**
 * Bytes of a run: the weights θ^l with their gradients and a copy (3 float64 arrays), and, for the full
 * batch of N patterns, five node arrays per layer (x, μ, ε, f(x), ∂E/∂x); retrieval adds the corrupted
 * and retrieved patterns and the originals (N × n⁰ each).
 */
function pcnMemory(p: Record<string, Value>, retrieve = false): number {
  const n0 = p.data === 'shapes' ? (p.image_size as number) ** 2 : (p.dim as number);
  const w = p.width as number, L = p.layers as number, N = p.patterns as number;
  return 8 * (n0 * w + L * w * w) * 3 + 8 * 5 * N * (n0 + L * w) + (retrieve ? 8 * 3 * N * n0 : 0);
}

/**
 * The engine kernels for the float32 path (precision = float32, relu or tanh): WebGPU when the device
 * choice gave one, else the CPU backend's SIMD GEMMs. Undefined: the float64 path in this folder runs.
 */
function float32Kernels(p: Record<string, Value>, ctx: SolverContext): KernelApi | undefined {
  if (p.activation !== 'relu' && p.activation !== 'tanh') return undefined;
  const k = ctx.kernels;
  if (!k) return undefined;
  // a WebGPU backend (device = gpu/auto found one) runs in float32: there is no float64 on the device
  if (k.backend.kind === 'webgpu') return k;
  return p.precision === 'float32' ? k : undefined;
}

async function trainOrReuse(p: Record<string, Value>, ctx: SolverContext): Promise<Trained> {
  const epochs = epochBudget(p, ctx);
  const kernels = float32Kernels(p, ctx);
  const key = JSON.stringify([trainingParams.map((q) => p[q.name]), epochs, ctx.seed, kernels ? kernels.backend.name : 'cpu']);
  const hit = cache.get(key);
  if (hit) return hit;
  const rng = Rng.derive(ctx.seed, 1);
  const N = p.patterns as number;
  const side = p.data === 'shapes' ? (p.image_size as number) : undefined;
  const n0 = side ? side * side : (p.dim as number);
  const data = side ? shapeImages(N, side, rng) : binaryPatterns(N, n0, rng);
  const width = p.width as number;
  const sizes = [n0, ...new Array(p.layers as number).fill(width)];
  const net = new PcnNetwork({ sizes, activation: p.activation as ActivationName }, Rng.derive(ctx.seed, 2).nextU32());
  // the float64 path's products on the job's host GEMM (the system BLAS when there is one)
  if (!kernels && ctx.kernels) { const k = ctx.kernels; net.gemm = (a, b, c, m, kk, n, o) => k.gemm(a, b, c, m, kk, n, o); }
  const trainOpts = {
    alpha: p.alpha as number, gamma: p.gamma as number, steps: p.T as number,
    maxEpochs: epochs, tolerance: p.tolerance as number,
    onEpoch: (e: number) => { if (e % 10 === 0) { ctx.checkCancelled(); ctx.progress(e / epochs, `epoch ${e}/${epochs}`); } },
  };
  const result = kernels ? await trainMemoryOnKernels(kernels, net, data, N, trainOpts) : trainMemory(net, data, N, trainOpts);
  if (ctx.budget === 'test' && epochs < (p.epochs as number)) ctx.warn(`test budget: trained ${epochs} of ${p.epochs} epochs`);
  const trained: Trained = { net, data, N, n0, side, result, kernels };
  cache.set(key, trained);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return trained;
}

/** Keeps a trace plottable: at most `max` points, evenly subsampled, always with the last one. */
function thin(trace: number[], max = 400): number[] {
  if (trace.length <= max) return trace.slice();
  const out: number[] = [];
  const step = (trace.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(trace[Math.round(i * step)]);
  return out;
}

/** N × n matrix of a sample-major batch, rounded to 4 decimals (plot data, not a checkpoint). */
function asRows(a: Float64Array, N: number, n: number): number[][] {
  return Array.from({ length: N }, (_, s) => Array.from(a.subarray(s * n, (s + 1) * n), (v) => Math.round(v * 1e4) / 1e4));
}

/** The first pattern as an image: side × side, or the most nearly square factorisation of n⁰. */
function asImage(a: Float64Array, n0: number, side?: number): number[][] {
  let r = side ?? Math.floor(Math.sqrt(n0));
  while (n0 % r !== 0) r--;
  return asRows(a.subarray(0, n0), r, n0 / r);
}

export const pcnTrain: SolverDef = {
  id: 'pcn.train',
  title: 'Train a predictive-coding network as an associative memory (inference learning)',
  doc: 'Stores N generated patterns in a layered generative PCN: per batch, T inference steps on the value nodes ' +
    '(Δx = −γ ∂E/∂x, γ ← 0.9γ whenever the energy fails to decrease), then one local weight update ' +
    'Δθ^{l+1} = α Σ ε^l f(x^{l+1})ᵀ. Reports the energy per pixel per epoch, the energy within the last ' +
    'inference phase, and how well each stored pattern is a fixed point of the retrieval map.',
  paper: 'Salvatori et al., "Associative Memories via Predictive Coding", NeurIPS 2021 (arXiv:2109.08063)',
  mathSpec: 'pcn.md',
  version: '1',
  stochastic: true,
  params: [
    ...trainingParams,
    { name: 'retrieval_steps', kind: 'integer', default: 250, min: 1, max: 100000, doc: 'inference steps T_r of one retrieval-map application (fixed-point check)' },
    { name: 'retrieval_gamma', kind: 'number', default: 0.05, min: 0, exclusiveMin: true, max: 2, doc: 'inference rate during retrieval' },
  ],
  outputs: [
    { name: 'energy', kind: 'trace', doc: 'energy per pixel E/(N n⁰) after each epoch’s inference phase (thinned to ≤ 400 points)' },
    { name: 'energy_per_pixel', kind: 'number', doc: 'final energy per pixel' },
    { name: 'inference_energy', kind: 'trace', doc: 'E_0 … E_T within the first training inference phase' },
    { name: 'inference_monotone', kind: 'boolean', doc: 'E_T ≤ E_0 in the first and last inference phases (claim C2), each step either lowering E or firing the 0.9 rule (the latter holds by construction, so E_T ≤ E_0 is the informative part)' },
    { name: 'gamma_decays', kind: 'integer', doc: 'times the 0.9 rule fired in the first inference phase: the steps t = 1..T whose energy E_t did not fall below E_{t−1}, the last step T included' },
    { name: 'epochs_run', kind: 'integer', doc: 'epochs actually trained' },
    { name: 'fixed_point_mse', kind: 'number', doc: 'max over stored patterns of MSE(F(s), s): one application of the retrieval map' },
  ],
  cost: estimateSeconds,
  memoryEstimate: (p) => pcnMemory(p),
  validate(p) {
    const mem = pcnMemory(p);
    return mem > 4e9 ? [{ param: 'width', message: `this network would need about ${(mem / 1e9).toFixed(1)} GB; reduce width, layers or patterns` }] : [];
  },
  async run(p, ctx) {
    const t = await trainOrReuse(p, ctx);
    const first = t.result.firstInference, last = t.result.lastInference;
    const monotone = [first, last].every((tr) =>
      tr.energy[tr.energy.length - 1] <= tr.energy[0] + 1e-12 &&
      tr.energy.every((e, i) => i === 0 || e <= tr.energy[i - 1] || (tr.gamma[i] ?? 0) < tr.gamma[i - 1]));
    const fixedOpts = { iterations: 1, steps: p.retrieval_steps as number, gamma: p.retrieval_gamma as number };
    const recalled = t.kernels ? await denoiseOnKernels(t.kernels, t.net, t.data, t.N, fixedOpts) : denoise(t.net, t.data, t.N, fixedOpts);
    return {
      energy: thin(t.result.energyPerPixel),
      energy_per_pixel: t.result.energyPerPixel[t.result.energyPerPixel.length - 1],
      inference_energy: first.energy,
      inference_monotone: monotone,
      gamma_decays: first.decays,
      epochs_run: t.result.epochs,
      fixed_point_mse: Math.max(...patternMse(recalled, t.data, t.N)),
    };
  },
};

export const pcnRetrieve: SolverDef = {
  id: 'pcn.retrieve',
  title: 'Associative recall with a trained PCN: denoising or completion',
  doc: 'Trains (or reuses) the PCN of `pcn.train` with the same settings and seed, corrupts every stored pattern ' +
    'and retrieves it. `mode = denoise`: add N(0, noise) to every pixel, apply the retrieval map F (clamp, relax ' +
    'T_r steps, read μ⁰) `iterations` times; retrieved when MSE < 0.005. `mode = complete`: keep the first ' +
    '`visible` fraction of the pixels, relax the rest from 0 for `retrieval_steps` steps, read x⁰; retrieved when MSE < 0.001.',
  paper: 'Salvatori et al., "Associative Memories via Predictive Coding", NeurIPS 2021 (arXiv:2109.08063)',
  mathSpec: 'pcn.md',
  version: '1',
  stochastic: true,
  params: [
    ...trainingParams,
    { name: 'mode', kind: 'enum', values: ['denoise', 'complete'], default: 'denoise', doc: 'corruption and retrieval procedure' },
    { name: 'noise', kind: 'number', default: 0.2, min: 0, max: 100, doc: 'variance η of the Gaussian noise for denoising' },
    { name: 'visible', kind: 'number', default: 0.5, min: 0, exclusiveMin: true, max: 1, doc: 'fraction of the pixels observed for completion (the first ones in reading order)' },
    { name: 'iterations', kind: 'integer', default: 30, min: 1, max: 1000, doc: 'applications of the retrieval map F (denoising)' },
    { name: 'retrieval_steps', kind: 'integer', default: 250, min: 1, max: 100000, doc: 'inference steps per retrieval-map application (denoising: T_r), or in total (completion)' },
    { name: 'retrieval_gamma', kind: 'number', default: 0.05, min: 0, exclusiveMin: true, max: 2, doc: 'inference rate during retrieval' },
    { name: 'threshold', kind: 'number', optional: true, min: 0, exclusiveMin: true, doc: 'MSE below which a memory counts as retrieved (default 0.005 for denoise, 0.001 for complete)' },
  ],
  outputs: [
    { name: 'retrieval_accuracy', kind: 'number', doc: 'fraction of stored patterns retrieved (MSE below the threshold)' },
    { name: 'mse_mean', kind: 'number', doc: 'mean MSE between retrieved and stored patterns' },
    { name: 'mse_corrupted', kind: 'number', doc: 'mean MSE of the corrupted inputs (for comparison)' },
    { name: 'mse', kind: 'vector', doc: 'MSE of each stored pattern after retrieval' },
    { name: 'energy_per_pixel', kind: 'number', doc: 'training energy per pixel at the end of training' },
    { name: 'examples', kind: 'object', doc: '{ side, original, corrupted, retrieved }: up to 4 patterns as pixel arrays (images when data = shapes)' },
    { name: 'stored', kind: 'matrix', doc: 'the stored patterns, one per row (N × n⁰), as a heatmap' },
    { name: 'corrupted', kind: 'matrix', doc: 'the corrupted inputs (noisy, or with the unobserved pixels at 0), one per row (N × n⁰)' },
    { name: 'retrieved', kind: 'matrix', doc: 'the retrieved patterns, one per row (N × n⁰)' },
    { name: 'stored_image', kind: 'matrix', doc: 'the first stored pattern as an image: side × side for data = shapes, else the most nearly square rows × cols with rows·cols = n⁰' },
    { name: 'corrupted_image', kind: 'matrix', doc: 'the first corrupted input, shaped as stored_image' },
    { name: 'retrieved_image', kind: 'matrix', doc: 'the first retrieved pattern, shaped as stored_image' },
  ],
  cost: (p) => estimateSeconds(p) * 1.2,
  memoryEstimate: (p) => pcnMemory(p, true),
  async run(p, ctx) {
    const t = await trainOrReuse(p, ctx);
    const N = t.N, n0 = t.n0;
    const rng = Rng.derive(ctx.seed, 3);
    let corrupted: Float64Array, retrieved: Float64Array;
    const threshold = (p.threshold as number | undefined) ?? (p.mode === 'denoise' ? 0.005 : 0.001);
    if (p.mode === 'denoise') {
      const sd = Math.sqrt(p.noise as number);
      corrupted = Float64Array.from(t.data, (v) => v + sd * rng.normal());
      const iterations = p.iterations as number;
      const denoiseOpts = {
        iterations, steps: p.retrieval_steps as number, gamma: p.retrieval_gamma as number,
        onIteration: (i: number) => { ctx.checkCancelled(); ctx.progress(i / iterations, `retrieval map ${i + 1}/${iterations}`); },
      };
      retrieved = t.kernels ? await denoiseOnKernels(t.kernels, t.net, corrupted, N, denoiseOpts) : denoise(t.net, corrupted, N, denoiseOpts);
    } else {
      const keep = Math.round((p.visible as number) * n0);
      if (keep >= n0) throw new SolverInputError('`visible` leaves no pixel to complete', 'visible');
      const mask = new Uint8Array(N * n0);
      for (let s = 0; s < N; s++) for (let i = 0; i < keep; i++) mask[s * n0 + i] = 1;
      corrupted = Float64Array.from(t.data, (v, i) => (mask[i] ? v : 0));
      const steps = p.retrieval_steps as number;
      const completeOpts = {
        steps, gamma: p.retrieval_gamma as number,
        onStep: (s: number) => { if (s % 50 === 0) { ctx.checkCancelled(); ctx.progress(s / steps); } },
      };
      retrieved = t.kernels ? await completeOnKernels(t.kernels, t.net, t.data, mask, N, completeOpts) : complete(t.net, t.data, mask, N, completeOpts);
    }
    const mse = patternMse(retrieved, t.data, N);
    const before = patternMse(corrupted, t.data, N);
    if (mse.some((m) => !Number.isFinite(m))) throw new Error('retrieval diverged (non-finite values); lower retrieval_gamma');
    const show = Math.min(4, N);
    const rows = (a: Float64Array) => Array.from({ length: show }, (_, s) => Array.from(a.subarray(s * n0, (s + 1) * n0), (v) => Math.round(v * 1e4) / 1e4));
    return {
      retrieval_accuracy: mse.filter((m) => m < threshold).length / N,
      mse_mean: mse.reduce((a, b) => a + b, 0) / N,
      mse_corrupted: before.reduce((a, b) => a + b, 0) / N,
      mse,
      energy_per_pixel: t.result.energyPerPixel[t.result.energyPerPixel.length - 1],
      examples: { side: t.side ?? null, original: rows(t.data), corrupted: rows(corrupted), retrieved: rows(retrieved) },
      stored: asRows(t.data, N, n0), corrupted: asRows(corrupted, N, n0), retrieved: asRows(retrieved, N, n0),
      stored_image: asImage(t.data, n0, t.side), corrupted_image: asImage(corrupted, n0, t.side), retrieved_image: asImage(retrieved, n0, t.side),
    };
  },
};

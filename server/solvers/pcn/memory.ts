// Storage and retrieval with a PCN (pcn.md §4): inference learning over full batches, denoising by
// iterating the retrieval map F (output μ^0), and completion by relaxing the unobserved pixels
// (output x^0).
import { infer, InferenceTrace, PcnNetwork, PcnState, topDownInit, weightGradient } from './network';

export interface TrainOptions {
  alpha: number;
  gamma: number;
  steps: number;
  maxEpochs: number;
  /** Stop when the energy per pixel E / (N n^0) falls below this. */
  tolerance: number;
  onEpoch?(epoch: number, energyPerPixel: number): void;
}

export interface TrainResult {
  /** Energy per pixel after each epoch's inference phase (before its weight update). */
  energyPerPixel: number[];
  /** The last inference phase's trace. */
  lastInference: InferenceTrace;
  /** The first epoch's inference phase (largest errors: where the 0.9 rule matters most). */
  firstInference: InferenceTrace;
  epochs: number;
}

/** Trains θ on the N patterns of `data` (N × n^0, row-major) as one full batch. */
export function trainMemory(net: PcnNetwork, data: Float64Array, N: number, opts: TrainOptions): TrainResult {
  const st = new PcnState(net, N);
  const grads = net.theta.map((t) => new Float64Array(t.length));
  const perPixel = N * net.sizes[0];
  const energyPerPixel: number[] = [];
  let lastInference: InferenceTrace = { energy: [], gamma: [], decays: 0 };
  let firstInference: InferenceTrace | undefined;
  let epoch = 0;
  while (epoch < opts.maxEpochs) {
    epoch++;
    st.x[0].set(data);
    topDownInit(net, st);
    lastInference = infer(net, st, { steps: opts.steps, gamma: opts.gamma });
    firstInference ??= lastInference;
    const e = lastInference.energy[lastInference.energy.length - 1] / perPixel;
    energyPerPixel.push(e);
    opts.onEpoch?.(epoch, e);
    if (!Number.isFinite(e)) throw new Error(`training diverged at epoch ${epoch} (energy ${e}); lower alpha or gamma`);
    if (e < opts.tolerance) break;
    // θ^{l+1} ← θ^{l+1} − α ∂E/∂θ^{l+1}, with the errors at the final inference step (P5)
    for (let l = 0; l < net.L; l++) weightGradient(net, st, l, grads[l + 1]);
    for (let l = 1; l <= net.L; l++) {
      const th = net.theta[l], g = grads[l];
      for (let i = 0; i < th.length; i++) th[i] -= opts.alpha * g[i];
    }
  }
  return { energyPerPixel, lastInference, firstInference: firstInference ?? lastInference, epochs: epoch };
}

/** The retrieval map F applied `iterations` times: clamp x^0 to the estimate, relax, read μ^0. */
export function denoise(
  net: PcnNetwork, corrupted: Float64Array, batch: number,
  opts: { iterations: number; steps: number; gamma: number; onIteration?(i: number): void },
): Float64Array {
  const st = new PcnState(net, batch);
  const estimate = Float64Array.from(corrupted);
  for (let it = 0; it < opts.iterations; it++) {
    opts.onIteration?.(it);
    st.x[0].set(estimate);
    topDownInit(net, st);
    infer(net, st, { steps: opts.steps, gamma: opts.gamma });
    estimate.set(st.mu[0]);
  }
  return estimate;
}

/**
 * Completion: observed pixels (mask 1) clamped, unobserved ones start at 0 and relax with
 * Δx^0 = −γ ε^0 together with the hidden layers; the answer is x^0.
 */
export function complete(
  net: PcnNetwork, observed: Float64Array, mask: Uint8Array, batch: number,
  opts: { steps: number; gamma: number; onStep?(t: number): void },
): Float64Array {
  const st = new PcnState(net, batch);
  const free = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    free[i] = mask[i] ? 0 : 1;
    st.x[0][i] = mask[i] ? observed[i] : 0;
  }
  topDownInit(net, st);
  infer(net, st, { steps: opts.steps, gamma: opts.gamma, free, onStep: opts.onStep });
  return Float64Array.from(st.x[0]);
}

/** Per-pattern mean squared error between two N × n batches. */
export function patternMse(a: Float64Array, b: Float64Array, N: number): number[] {
  const n = a.length / N;
  const out: number[] = [];
  for (let s = 0; s < N; s++) {
    let acc = 0;
    for (let i = 0; i < n; i++) { const d = a[s * n + i] - b[s * n + i]; acc += d * d; }
    out.push(acc / n);
  }
  return out;
}

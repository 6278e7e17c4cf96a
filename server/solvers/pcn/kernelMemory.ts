// The PCN memory on the job's kernels (ctx.kernels: the CPU BLAS, or WebGPU when available): inference
// steps run batched on the device (DevicePcn in deviceNet.ts, pcn.md Eq. 3); the 0.9 step-size rule, the top-down
// initialisation and the once-per-batch weight update stay here, as in memory.ts (the float64 CPU
// path). Values live on the device as float32; the weight update reads them back once per epoch.
import type { KernelApi } from '../contract';
import { DevicePcn } from './deviceNet';
import type { InferenceTrace, PcnNetwork } from './network';
import { computeErrors, PcnState, weightGradient } from './network';
import type { TrainOptions, TrainResult } from './memory';

function upload(net: PcnNetwork, pn: DevicePcn): void {
  for (let l = 1; l <= net.L; l++) pn.setWeights(l, Float32Array.from(net.theta[l]));
}

async function topDownInit(net: PcnNetwork, pn: DevicePcn, batch: number): Promise<void> {
  const nL = net.sizes[net.L];
  const top = new Float32Array(batch * nL);
  for (let s = 0; s < batch; s++) top.set(net.b, s * nL);
  pn.setValues(net.L, top);
  for (let l = net.L - 1; l >= 1; l--) pn.setValues(l, await pn.prediction(l));
}

/** One inference phase on the device with the 0.9 rule (P7), as `infer` in network.ts. */
async function inferOnDevice(pn: DevicePcn, steps: number, gamma0: number, onStep?: (t: number) => void): Promise<InferenceTrace> {
  let gamma = gamma0;
  let ePrev = await pn.energy();
  const trace: InferenceTrace = { energy: [ePrev], gamma: [], decays: 0 };
  for (let t = 1; t <= steps; t++) {
    onStep?.(t);
    pn.step(gamma);
    trace.gamma.push(gamma);
    const e = await pn.energy();
    trace.energy.push(e);
    if (e >= ePrev) { gamma *= 0.9; trace.decays++; }
    ePrev = e;
  }
  return trace;
}

export async function trainMemoryOnKernels(k: KernelApi, net: PcnNetwork, data: Float64Array, N: number, opts: TrainOptions): Promise<TrainResult> {
  const activation = net.shape.activation;
  if (activation !== 'relu' && activation !== 'tanh') throw new Error(`the kernel PCN supports relu and tanh, not ${activation}`);
  const pn = new DevicePcn(k, { sizes: net.sizes, batch: N, activation });
  const host = new PcnState(net, N);
  const grad = net.theta.map((t) => new Float64Array(t.length));
  const x0 = Float32Array.from(data);
  const perPixel = N * net.sizes[0];
  const energyPerPixel: number[] = [];
  let first: InferenceTrace | undefined, last: InferenceTrace = { energy: [], gamma: [], decays: 0 };
  let epoch = 0;
  try {
    while (epoch < opts.maxEpochs) {
      epoch++;
      upload(net, pn);
      pn.setValues(0, x0);
      await topDownInit(net, pn, N);
      last = await inferOnDevice(pn, opts.steps, opts.gamma);
      first ??= last;
      const e = last.energy[last.energy.length - 1] / perPixel;
      energyPerPixel.push(e);
      opts.onEpoch?.(epoch, e);
      if (!Number.isFinite(e)) throw new Error(`training diverged at epoch ${epoch} (energy ${e}); lower alpha or gamma`);
      if (e < opts.tolerance) break;
      // weight update (P5) with the final values, in float64 on the host
      for (let l = 0; l <= net.L; l++) host.x[l].set(await pn.values(l));
      computeErrors(net, host);
      for (let l = 0; l < net.L; l++) weightGradient(net, host, l, grad[l + 1]);
      for (let l = 1; l <= net.L; l++) {
        const th = net.theta[l], g = grad[l];
        for (let i = 0; i < th.length; i++) th[i] -= opts.alpha * g[i];
      }
    }
  } finally {
    pn.dispose();
  }
  return { energyPerPixel, lastInference: last, firstInference: first ?? last, epochs: epoch };
}

/** Denoising on the device: iterate the retrieval map (clamp x⁰, relax, read μ⁰). */
export async function denoiseOnKernels(k: KernelApi, net: PcnNetwork, corrupted: Float64Array, batch: number,
  opts: { iterations: number; steps: number; gamma: number; onIteration?(i: number): void }): Promise<Float64Array> {
  const pn = new DevicePcn(k, { sizes: net.sizes, batch, activation: net.shape.activation as 'relu' | 'tanh' });
  try {
    upload(net, pn);
    let estimate: Float32Array = Float32Array.from(corrupted);
    for (let it = 0; it < opts.iterations; it++) {
      opts.onIteration?.(it);
      pn.setValues(0, estimate);
      await topDownInit(net, pn, batch);
      await inferOnDevice(pn, opts.steps, opts.gamma);
      estimate = await pn.prediction(0);
    }
    return Float64Array.from(estimate);
  } finally {
    pn.dispose();
  }
}

/** Completion on the device: observed pixels clamped, the rest relaxes from 0; the answer is x⁰. */
export async function completeOnKernels(k: KernelApi, net: PcnNetwork, observed: Float64Array, mask: Uint8Array, batch: number,
  opts: { steps: number; gamma: number; onStep?(t: number): void }): Promise<Float64Array> {
  const pn = new DevicePcn(k, { sizes: net.sizes, batch, activation: net.shape.activation as 'relu' | 'tanh' });
  try {
    upload(net, pn);
    pn.setValues(0, Float32Array.from(observed, (v, i) => (mask[i] ? v : 0)));
    pn.setFreeMask(Float32Array.from(mask, (m) => (m ? 0 : 1)));
    await topDownInit(net, pn, batch);
    await inferOnDevice(pn, opts.steps, opts.gamma, opts.onStep);
    return Float64Array.from(await pn.values(0));
  } finally {
    pn.dispose();
  }
}

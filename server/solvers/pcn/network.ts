// Layered generative predictive-coding network (pcn.md §2–§4). Layer 0 is the data, layer L the free
// top latent; θ^{l+1} (n^l × n^{l+1}, row-major) maps layer l+1 down to layer l through the
// pre-synaptic activation: μ^l = θ^{l+1} f(x^{l+1}). A batch of B samples is stored sample-major
// (x[l][s * n^l + i]), so every product below is a dense loop over contiguous rows.
import { Rng } from '../../numeric/rng';
import { Activation, ActivationName, activations } from './activation';
import type { HostGemmOptions } from '../contract';
import { gemmAB, gemmABt } from './gemm64';

/** A dense product on host float64 arrays: C (m×n) = op(A)·op(B) (KernelApi.gemm's signature). */
export type HostGemm = (a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number, opts?: HostGemmOptions) => Float64Array;

export interface PcnShape {
  /** n^0 (data) … n^L (top memory layer) */
  sizes: number[];
  activation: ActivationName;
}

export class PcnNetwork {
  readonly L: number;
  readonly sizes: number[];
  readonly act: Activation;
  /** theta[l] for l = 1..L (index 0 unused): n^{l-1} × n^l */
  readonly theta: Float64Array[];
  /** Fixed start vector of the top layer, shared by all samples. */
  readonly b: Float64Array;
  /**
   * The job's host GEMM (ctx.kernels.gemm: the system BLAS), when the solver hands one over; else the
   * register-blocked JS products of gemm64.ts. Both compute in float64; only the summation order differs.
   */
  gemm?: HostGemm;

  constructor(readonly shape: PcnShape, seed: number) {
    this.sizes = shape.sizes.slice();
    this.L = this.sizes.length - 1;
    this.act = activations[shape.activation];
    const rng = new Rng(seed);
    this.theta = [new Float64Array(0)];
    for (let l = 1; l <= this.L; l++) {
      // uniform ±1/√fan_in, fan_in = n^l (the layer the weights read from)
      const bound = 1 / Math.sqrt(this.sizes[l]);
      const t = new Float64Array(this.sizes[l - 1] * this.sizes[l]);
      for (let i = 0; i < t.length; i++) t[i] = (2 * rng.uniform() - 1) * bound;
      this.theta.push(t);
    }
    const nL = this.sizes[this.L];
    const w = 1 / Math.sqrt(nL);
    this.b = new Float64Array(nL);
    for (let i = 0; i < nL; i++) this.b[i] = 0.5 - w + 2 * w * rng.uniform();
  }

  /** Number of weights, for cost estimates. */
  weightCount(): number {
    let c = 0;
    for (let l = 1; l <= this.L; l++) c += this.sizes[l - 1] * this.sizes[l];
    return c;
  }
}

/** Value nodes, predictions and errors of one batch; buffers are allocated once and reused. */
export class PcnState {
  readonly x: Float64Array[];
  readonly mu: Float64Array[];   // mu[l], l = 0..L-1
  readonly eps: Float64Array[];  // eps[l], l = 0..L-1
  readonly fx: Float64Array[];   // f(x[l]), l = 1..L
  readonly grad: Float64Array[]; // dE/dx[l]
  constructor(readonly net: PcnNetwork, readonly batch: number) {
    const n = net.sizes;
    this.x = n.map((k) => new Float64Array(batch * k));
    this.mu = n.slice(0, net.L).map((k) => new Float64Array(batch * k));
    this.eps = n.slice(0, net.L).map((k) => new Float64Array(batch * k));
    this.fx = n.map((k) => new Float64Array(batch * k));
    this.grad = n.map((k) => new Float64Array(batch * k));
  }
}

/** out[i] = f(x[i]) for a whole buffer; the common activations are inlined (hot loop). */
export function applyActivation(net: PcnNetwork, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  switch (net.shape.activation) {
    case 'relu': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : 0; } break;
    case 'linear': out.set(x); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
    default: for (let i = 0; i < n; i++) out[i] = net.act.f(x[i]);
  }
}

/** μ^l = θ^{l+1} f(x^{l+1}) for one layer l (P1), as one GEMM over the batch; also refreshes f(x^{l+1}). */
export function predictLayer(net: PcnNetwork, st: PcnState, l: number): void {
  applyActivation(net, st.x[l + 1], st.fx[l + 1]);
  // μ (B × n^l) = f(x^{l+1}) (B × n^{l+1}) · θ^{l+1}ᵀ, θ^{l+1} stored n^l × n^{l+1}
  if (net.gemm) net.gemm(st.fx[l + 1], net.theta[l + 1], st.mu[l], st.batch, net.sizes[l + 1], net.sizes[l], { transB: true });
  else gemmABt(st.fx[l + 1], net.theta[l + 1], st.mu[l], st.batch, net.sizes[l + 1], net.sizes[l]);
}

/** Recomputes every prediction and error (P1, P2) and returns the energy E (P3), summed over the batch. */
export function computeErrors(net: PcnNetwork, st: PcnState): number {
  let E = 0;
  for (let l = 0; l < net.L; l++) {
    predictLayer(net, st, l);
    const x = st.x[l], mu = st.mu[l], e = st.eps[l];
    for (let i = 0; i < e.length; i++) { const d = x[i] - mu[i]; e[i] = d; E += d * d; }
  }
  return 0.5 * E;
}

/**
 * dE/dx^l for l = 1..L (P4), from the errors currently in `st` (call computeErrors first):
 * ε^l − f'(x^l) ⊙ (θ^l)ᵀ ε^{l−1}; the top layer has no own error term. Also dE/dx^0 = ε^0.
 */
export function valueGradients(net: PcnNetwork, st: PcnState): void {
  const B = st.batch;
  {
    const g0 = st.grad[0], e0 = st.eps[0];
    for (let i = 0; i < g0.length; i++) g0[i] = e0[i];
  }
  for (let l = 1; l <= net.L; l++) {
    const nl = net.sizes[l], nd = net.sizes[l - 1];
    const g = st.grad[l], th = net.theta[l], ed = st.eps[l - 1], x = st.x[l];
    // back-projection ε^{l−1} θ^l (B × n^{l−1} · n^{l−1} × n^l) as one GEMM over the batch
    if (net.gemm) net.gemm(ed, th, g, B, nd, nl);
    else gemmAB(ed, th, g, B, nd, nl);
    const own = l < net.L ? st.eps[l] : undefined;
    if (net.shape.activation === 'relu') {
      // f'(x) is 0 or 1: no call per element
      if (own) for (let i = 0; i < g.length; i++) g[i] = own[i] - (x[i] > 0 ? g[i] : 0);
      else for (let i = 0; i < g.length; i++) g[i] = x[i] > 0 ? -g[i] : 0;
    } else {
      for (let i = 0; i < g.length; i++) g[i] = (own ? own[i] : 0) - net.act.df(x[i]) * g[i];
    }
  }
}

/** dE/dθ^{l+1} = −Σ_s ε^l f(x^{l+1})ᵀ (P5), written into `out` (n^l × n^{l+1}). Uses f(x) from the last computeErrors. */
export function weightGradient(net: PcnNetwork, st: PcnState, l: number, out: Float64Array): void {
  const B = st.batch, nl = net.sizes[l], nu = net.sizes[l + 1];
  const e = st.eps[l], fu = st.fx[l + 1];
  if (net.gemm) {
    // out = −εᵀ f(x^{l+1}): (n^l × B) · (B × n^{l+1}), ε stored B × n^l
    net.gemm(e, fu, out, nl, B, nu, { transA: true });
    for (let i = 0; i < out.length; i++) out[i] = -out[i];
    return;
  }
  out.fill(0);
  for (let s = 0; s < B; s++) {
    const eo = s * nl, fo = s * nu;
    for (let i = 0; i < nl; i++) {
      const ei = e[eo + i];
      if (ei === 0) continue;
      const to = i * nu;
      for (let j = 0; j < nu; j++) out[to + j] -= ei * fu[fo + j];
    }
  }
}

/** Top-down initialisation (pcn.md §4): x^L ← b, then x^l ← μ^l for l = L−1 … 1. */
export function topDownInit(net: PcnNetwork, st: PcnState): void {
  const B = st.batch, nL = net.sizes[net.L];
  for (let s = 0; s < B; s++) st.x[net.L].set(net.b, s * nL);
  for (let l = net.L - 1; l >= 1; l--) {
    predictLayer(net, st, l);
    st.x[l].set(st.mu[l]);
  }
}

export interface InferenceOptions {
  steps: number;
  gamma: number;
  /**
   * Which data pixels are free to move (completion): free[i] = 1 for an unobserved pixel of the
   * flattened B × n^0 batch. Undefined: layer 0 is clamped everywhere.
   */
  free?: Uint8Array;
  /** Called between steps, e.g. for cancellation. */
  onStep?(t: number): void;
}

export interface InferenceTrace {
  /** E_0 … E_T */
  energy: number[];
  /** γ used at each step 1..T */
  gamma: number[];
  /**
   * Times the 0.9 rule fired: once per step t = 1..T with E_t ≥ E_{t−1}. A firing after step T
   * shrinks no recorded γ (none follows), so this is counted here, not derived from `gamma`.
   */
  decays: number;
}

/**
 * One inference phase with θ frozen: synchronous updates Δx^l = −γ ∂E/∂x^l (P4) for l = 1..L and for
 * the free pixels of layer 0, with the 0.9 rule (P7): after a step whose energy did not decrease,
 * γ ← 0.9γ for the following steps. Leaves `st` with errors computed at the final values.
 */
export function infer(net: PcnNetwork, st: PcnState, opts: InferenceOptions): InferenceTrace {
  let gamma = opts.gamma;
  let ePrev = computeErrors(net, st);
  const trace: InferenceTrace = { energy: [ePrev], gamma: [], decays: 0 };
  for (let t = 1; t <= opts.steps; t++) {
    opts.onStep?.(t);
    valueGradients(net, st);
    for (let l = 1; l <= net.L; l++) {
      const x = st.x[l], g = st.grad[l];
      for (let i = 0; i < x.length; i++) x[i] -= gamma * g[i];
    }
    if (opts.free) {
      const x0 = st.x[0], g0 = st.grad[0], free = opts.free;
      for (let i = 0; i < x0.length; i++) if (free[i]) x0[i] -= gamma * g0[i];
    }
    trace.gamma.push(gamma);
    const e = computeErrors(net, st);
    trace.energy.push(e);
    if (e >= ePrev) { gamma *= 0.9; trace.decays++; }
    ePrev = e;
  }
  return trace;
}

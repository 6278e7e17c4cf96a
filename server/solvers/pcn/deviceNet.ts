// The PCN's value layers on the job's compute kernels (ctx.kernels: the CPU BLAS or WebGPU), written
// once on the kernel primitives (matmul, unary, binary, axpby, reduce) instead of as a model inside
// each backend. Layer l's values are batch × n^l row-major float32 tensors; θ^l (l = 1..L) is
// n^{l−1} × n^l and maps layer l down to l−1: μ^{l−1} = f(x^l) θ^lᵀ, ε^l = x^l − μ^l (pcn.md Eq. 1–2).
// One inference step is pcn.md Eq. 3: x^l += γ(−ε^l + f′(x^l) ⊙ ε^{l−1} θ^l) for l = 1..L (no −ε^L at
// the top), and x⁰ −= γ ε⁰ on the free sensory entries. Every buffer is allocated once; the value
// update writes into a second buffer and swaps, and no op reads and writes the same tensor (WebGPU
// forbids that within one dispatch; the GPU backend would copy through a scratch buffer).
import type { KernelApi, Tensor, UnaryOp } from '../contract';

export interface DeviceNetConfig {
  /** n⁰ (data) … n^L (top) */
  sizes: number[];
  /** Samples per batch (rows of every value matrix). */
  batch: number;
  activation: 'relu' | 'tanh';
}

export class DevicePcn {
  private readonly L: number;
  private readonly dAct: UnaryOp;
  private x: Tensor[]; private g: Tensor[];
  private readonly fx: Tensor[]; private readonly theta: Tensor[];
  private readonly mu: Tensor[]; private readonly err: Tensor[];
  /** Per layer, the shapes of its values: g^l = ε^{l−1} θ^l and then the new values (swapped with x),
   * f′(x^l) or the update direction or ε² (scratch), f′ ⊙ g (tmp). */
  private readonly scratch: Tensor[]; private readonly tmp: Tensor[];
  private mask: Tensor | null = null;
  /** Whether μ and ε are those of the current values and weights. */
  private fresh = false;

  constructor(private readonly k: KernelApi, private readonly cfg: DeviceNetConfig) {
    const { sizes, batch } = cfg;
    if (sizes.length < 2) throw new Error('a PCN needs a data layer and at least one latent layer');
    this.L = sizes.length - 1;
    this.dAct = cfg.activation === 'relu' ? 'relu_grad' : 'tanh_grad';
    const values = () => sizes.map((n) => k.zeros([batch, n]));
    this.x = values(); this.g = values(); this.fx = values(); this.scratch = values(); this.tmp = values();
    this.theta = sizes.map((n, l) => k.zeros(l === 0 ? [1, 1] : [sizes[l - 1], n]));
    this.mu = sizes.slice(0, -1).map((n) => k.zeros([batch, n]));
    this.err = sizes.slice(0, -1).map((n) => k.zeros([batch, n]));
  }

  setWeights(l: number, theta: Float32Array): void { this.k.write(this.theta[l], theta); this.fresh = false; }
  setValues(l: number, x: Float32Array): void { this.k.write(this.x[l], x); this.fresh = false; }
  values(l: number): Promise<Float32Array> { return this.k.read(this.x[l]); }

  /** μ^l for l = 0..L−1 at the current values. */
  prediction(l: number): Promise<Float32Array> {
    this.errors();
    return this.k.read(this.mu[l]);
  }

  /** Which entries of x⁰ are free (1) or clamped (0): per pixel (length n⁰) or per entry (batch·n⁰); null: all clamped. */
  setFreeMask(mask: Float32Array | null): void {
    if (this.mask) { this.k.free(this.mask); this.mask = null; }
    if (!mask) return;
    const { batch, sizes } = this.cfg;
    const n = batch * sizes[0];
    if (mask.length !== sizes[0] && mask.length !== n) throw new Error(`free mask of ${mask.length} entries: expected ${sizes[0]} or ${n}`);
    const full = new Float32Array(n);
    for (let i = 0; i < n; i++) full[i] = mask[i % mask.length];
    this.mask = this.k.tensor(full, [batch, sizes[0]]);
  }

  /** μ^l = f(x^{l+1}) θ^{l+1}ᵀ and ε^l = x^l − μ^l for every l < L. */
  private errors(): void {
    if (this.fresh) return;
    const { k } = this;
    for (let l = 1; l <= this.L; l++) k.unary(this.cfg.activation, this.x[l], this.fx[l]);
    for (let l = 0; l < this.L; l++) {
      k.matmul(this.fx[l + 1], this.theta[l + 1], this.mu[l], { transB: true });
      k.binary('sub', this.x[l], this.mu[l], this.err[l]);
    }
    this.fresh = true;
  }

  /** One synchronous inference step (pcn.md Eq. 3) at step size γ. */
  step(gamma: number): void {
    const { k } = this;
    this.errors();
    for (let l = 1; l <= this.L; l++) {
      const g = this.g[l], s = this.scratch[l], t = this.tmp[l];
      k.matmul(this.err[l - 1], this.theta[l], g); // ε^{l−1} θ^l
      k.unary(this.dAct, this.x[l], s);
      k.binary('mul', s, g, t); // f′(x^l) ⊙ ε^{l−1} θ^l
      const dir = l < this.L ? s : t;
      if (l < this.L) k.binary('sub', t, this.err[l], s);
      k.axpby(1, this.x[l], gamma, dir, g); // the new values, in g's buffer
    }
    if (this.mask) {
      k.binary('mul', this.err[0], this.mask, this.scratch[0]);
      k.axpby(1, this.x[0], -gamma, this.scratch[0], this.g[0]);
    }
    // the new values become current; the old buffers are the next step's g (which it overwrites)
    for (let l = this.mask ? 0 : 1; l <= this.L; l++) [this.x[l], this.g[l]] = [this.g[l], this.x[l]];
    this.fresh = false;
  }

  /** E = ½ Σ_l ‖ε^l‖² summed over the batch, at the current values. */
  async energy(): Promise<number> {
    this.errors();
    let e = 0;
    for (let l = 0; l < this.L; l++) {
      this.k.unary('square', this.err[l], this.scratch[l]);
      e += await this.k.reduce('sum', this.scratch[l]);
    }
    return e / 2;
  }

  dispose(): void {
    for (const t of [...this.x, ...this.g, ...this.fx, ...this.tmp, ...this.scratch, ...this.theta, ...this.mu, ...this.err]) this.k.free(t);
    if (this.mask) this.k.free(this.mask);
    this.mask = null;
  }
}

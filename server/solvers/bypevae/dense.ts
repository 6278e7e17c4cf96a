// Small dense layers with manual backprop and Adam, for the ByPE-VAE experiment. Batches are
// row-major (B × n); weights are out × in. Written for clarity at these sizes (D ≤ 1024, H ≤ 512).
import { Rng } from '../../numeric/rng';

export class Dense {
  readonly W: Float64Array; readonly b: Float64Array;
  readonly gW: Float64Array; readonly gb: Float64Array;
  constructor(readonly nIn: number, readonly nOut: number, rng: Rng) {
    const bound = Math.sqrt(6 / (nIn + nOut));   // Glorot uniform
    this.W = Float64Array.from({ length: nIn * nOut }, () => (2 * rng.uniform() - 1) * bound);
    this.b = new Float64Array(nOut);
    this.gW = new Float64Array(nIn * nOut);
    this.gb = new Float64Array(nOut);
  }
  /** y = x Wᵀ + b for a batch x (B × nIn). */
  forward(x: Float64Array, B: number): Float64Array {
    const { nIn, nOut, W, b } = this;
    const y = new Float64Array(B * nOut);
    for (let s = 0; s < B; s++) {
      const xo = s * nIn, yo = s * nOut;
      for (let o = 0; o < nOut; o++) {
        let acc = b[o];
        const wo = o * nIn;
        for (let i = 0; i < nIn; i++) acc += W[wo + i] * x[xo + i];
        y[yo + o] = acc;
      }
    }
    return y;
  }
  /** Accumulates gW, gb from the input x and upstream gradient dy; returns dL/dx (if wanted). */
  backward(x: Float64Array, dy: Float64Array, B: number, wantDx = true): Float64Array | undefined {
    const { nIn, nOut, W, gW, gb } = this;
    const dx = wantDx ? new Float64Array(B * nIn) : undefined;
    for (let s = 0; s < B; s++) {
      const xo = s * nIn, yo = s * nOut;
      for (let o = 0; o < nOut; o++) {
        const g = dy[yo + o];
        if (g === 0) continue;
        gb[o] += g;
        const wo = o * nIn;
        for (let i = 0; i < nIn; i++) gW[wo + i] += g * x[xo + i];
        if (dx) for (let i = 0; i < nIn; i++) dx[xo + i] += g * W[wo + i];
      }
    }
    return dx;
  }
  zeroGrad(): void { this.gW.fill(0); this.gb.fill(0); }
  params(): [Float64Array, Float64Array][] { return [[this.W, this.gW], [this.b, this.gb]]; }
}

export function relu(x: Float64Array): Float64Array { return x.map((v) => (v > 0 ? v : 0)); }
export function reluBackward(pre: Float64Array, dy: Float64Array): Float64Array { return dy.map((g, i) => (pre[i] > 0 ? g : 0)); }

/** Adam over a list of (parameter, gradient) arrays. */
export class Adam {
  private m: Float64Array[]; private v: Float64Array[]; private t = 0;
  constructor(private readonly params: [Float64Array, Float64Array][], private readonly lr: number) {
    this.m = params.map(([p]) => new Float64Array(p.length));
    this.v = params.map(([p]) => new Float64Array(p.length));
  }
  step(): void {
    this.t++;
    const b1 = 0.9, b2 = 0.999, c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    this.params.forEach(([p, g], k) => {
      const m = this.m[k], v = this.v[k];
      for (let i = 0; i < p.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
      }
    });
  }
}

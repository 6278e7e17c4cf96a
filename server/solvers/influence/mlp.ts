// A small tanh MLP in NTK parameterisation (z = σ_w/√fan_in · W u + σ_b · b, with W, b ~ N(0, 1) at
// init) and its per-sample Jacobian ∂f/∂θ ∈ R^{d_out×P} by reverse mode. The d_out output
// cotangents of one sample are propagated together as a d_out×width matrix, so one backward sweep
// yields all d_out rows of J(x).
import { Rng } from '../../numeric/rng';

export interface MlpShape {
  sizes: number[]; // [d_in, hidden..., d_out]
  wStd: number;
  bStd: number;
}

export class Mlp {
  readonly P: number;
  /** Offset of each layer's W (row-major n_out×n_in) in θ; its b follows directly. */
  private readonly offsets: number[] = [];

  constructor(readonly shape: MlpShape) {
    let off = 0;
    for (let l = 1; l < shape.sizes.length; l++) {
      this.offsets.push(off);
      off += shape.sizes[l] * shape.sizes[l - 1] + shape.sizes[l];
    }
    this.P = off;
  }

  init(rng: Rng): Float64Array {
    return rng.normals(this.P);
  }

  /** Pre-activations z_l and activations u_l of every layer (u_0 = x, the last u is the output). */
  private forwardAll(theta: ArrayLike<number>, x: ArrayLike<number>): { z: Float64Array[]; u: Float64Array[] } {
    const { sizes, wStd, bStd } = this.shape;
    const L = sizes.length - 1;
    const u: Float64Array[] = [Float64Array.from(x)];
    const z: Float64Array[] = [new Float64Array(0)];
    for (let l = 1; l <= L; l++) {
      const nIn = sizes[l - 1], nOut = sizes[l], off = this.offsets[l - 1];
      const scale = wStd / Math.sqrt(nIn);
      const zl = new Float64Array(nOut);
      for (let j = 0; j < nOut; j++) {
        let s = 0;
        const wo = off + j * nIn;
        for (let k = 0; k < nIn; k++) s += theta[wo + k] * u[l - 1][k];
        zl[j] = scale * s + bStd * theta[off + nOut * nIn + j];
      }
      z.push(zl);
      u.push(l === L ? zl : zl.map(Math.tanh));
    }
    return { z, u };
  }

  forward(theta: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
    const { u } = this.forwardAll(theta, x);
    return u[u.length - 1];
  }

  /**
   * Writes J(x) into rows `row0 .. row0 + d_out` of the row-major matrix `J` (P columns) and returns
   * f(x; θ). Reverse mode: G holds ∂f_a/∂z_l for every output a.
   */
  jacobianInto(theta: ArrayLike<number>, x: ArrayLike<number>, J: Float64Array, row0: number): Float64Array {
    const { sizes, wStd, bStd } = this.shape;
    const L = sizes.length - 1;
    const dOut = sizes[L];
    const P = this.P;
    const { z, u } = this.forwardAll(theta, x);
    let G = new Float64Array(dOut * dOut);
    for (let a = 0; a < dOut; a++) G[a * dOut + a] = 1;
    for (let l = L; l >= 1; l--) {
      const nIn = sizes[l - 1], nOut = sizes[l], off = this.offsets[l - 1];
      const scale = wStd / Math.sqrt(nIn);
      const uPrev = u[l - 1];
      for (let a = 0; a < dOut; a++) {
        const rowBase = (row0 + a) * P;
        for (let j = 0; j < nOut; j++) {
          const gaj = G[a * nOut + j];
          const wo = rowBase + off + j * nIn;
          for (let k = 0; k < nIn; k++) J[wo + k] = gaj * scale * uPrev[k];
          J[rowBase + off + nOut * nIn + j] = gaj * bStd;
        }
      }
      if (l === 1) break;
      // Pull the cotangents back through W_l and the tanh of layer l−1.
      const Gprev = new Float64Array(dOut * nIn);
      const zPrev = z[l - 1];
      for (let a = 0; a < dOut; a++) {
        for (let j = 0; j < nOut; j++) {
          const gaj = G[a * nOut + j] * scale;
          if (gaj === 0) continue;
          const wo = off + j * nIn;
          for (let k = 0; k < nIn; k++) Gprev[a * nIn + k] += gaj * theta[wo + k];
        }
        for (let k = 0; k < nIn; k++) { const t = Math.tanh(zPrev[k]); Gprev[a * nIn + k] *= 1 - t * t; }
      }
      G = Gprev;
    }
    return u[L];
  }

  /**
   * Accumulates the vector–Jacobian product cotᵀ J(x) into `grad` (one backward sweep with a single
   * cotangent row, d_out times cheaper than the full Jacobian) and returns f(x; θ).
   */
  vjpAccumulate(theta: ArrayLike<number>, x: ArrayLike<number>, cot: ArrayLike<number>, grad: Float64Array): Float64Array {
    const { sizes, wStd, bStd } = this.shape;
    const L = sizes.length - 1;
    const { z, u } = this.forwardAll(theta, x);
    let G = Float64Array.from(cot);
    for (let l = L; l >= 1; l--) {
      const nIn = sizes[l - 1], nOut = sizes[l], off = this.offsets[l - 1];
      const scale = wStd / Math.sqrt(nIn);
      const uPrev = u[l - 1];
      for (let j = 0; j < nOut; j++) {
        const gj = G[j];
        if (gj === 0) continue;
        const wo = off + j * nIn;
        for (let k = 0; k < nIn; k++) grad[wo + k] += gj * scale * uPrev[k];
        grad[off + nOut * nIn + j] += gj * bStd;
      }
      if (l === 1) break;
      const Gprev = new Float64Array(nIn);
      for (let j = 0; j < nOut; j++) {
        const gj = G[j] * scale;
        if (gj === 0) continue;
        const wo = off + j * nIn;
        for (let k = 0; k < nIn; k++) Gprev[k] += gj * theta[wo + k];
      }
      const zPrev = z[l - 1];
      for (let k = 0; k < nIn; k++) { const t = Math.tanh(zPrev[k]); Gprev[k] *= 1 - t * t; }
      G = Gprev;
    }
    return u[L];
  }
}

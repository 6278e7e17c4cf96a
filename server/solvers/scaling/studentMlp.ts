// Two-layer student f(x) = Σ_j v_j σ(x·w_j) (no biases) trained with Adam on the mean squared error.
// Everything the training loop needs from a compute backend is behind `StudentKernel` — one call per
// optimiser step on a batch, one for the test error, one for the row renormalisation — so the same
// protocol can later run on the engine's GPU kernels; `cpuStudentKernel` is the typed-array version.

import { normalizeRows } from '../../numeric/rows';

export interface Activation {
  f: (u: number) => number;
  df: (u: number) => number;
  /** Optional one-pass value and derivative: returns σ(u) and leaves σ′(u) in `slot.d`. */
  dual?: { fn: (u: number) => number; slot: { d: number } };
}

export interface StudentState {
  d: number;
  /** Width p. */
  p: number;
  /** Rows w_j, row-major p×d. */
  W: Float64Array;
  v: Float64Array;
  /** Adam first/second moments and step counter. */
  mW: Float64Array; sW: Float64Array;
  mv: Float64Array; sv: Float64Array;
  t: number;
}

export interface AdamConfig { lr: number; beta1: number; beta2: number; eps: number }
export const TORCH_ADAM: Omit<AdamConfig, 'lr'> = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** A contiguous block of samples: rows [start, start + rows) of X (row-major, d columns) and y. */
export interface Batch { X: Float32Array; y: Float64Array; start: number; rows: number }

export interface StudentKernel {
  name: string;
  /** Gradients of the batch MSE into gW (p×d) and gv (p); returns the MSE. */
  gradients(s: StudentState, b: Batch, act: Activation, gW: Float64Array, gv: Float64Array): number;
  /** One Adam step on the batch; returns the batch MSE before the step. */
  trainStep(s: StudentState, b: Batch, act: Activation, opt: AdamConfig): number;
  /** Mean squared error against the targets of the batch (no update). */
  mse(s: StudentState, b: Batch, act: Activation): number;
  /** Scales every row of W to unit norm. */
  normaliseRows(s: StudentState): void;
}

export function newStudent(d: number, p: number, W: Float64Array, v: Float64Array): StudentState {
  return {
    d, p, W, v,
    mW: new Float64Array(p * d), sW: new Float64Array(p * d),
    mv: new Float64Array(p), sv: new Float64Array(p), t: 0,
  };
}

/** Pre-activations of one sample against every row: pre[j] = x·w_j. */
function preActivations(s: StudentState, X: Float32Array, off: number, pre: Float64Array): void {
  const d = s.d, p = s.p, W = s.W;
  for (let j = 0; j < p; j++) {
    const wo = j * d;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    let c = 0;
    for (; c + 3 < d; c += 4) {
      a0 += X[off + c] * W[wo + c];
      a1 += X[off + c + 1] * W[wo + c + 1];
      a2 += X[off + c + 2] * W[wo + c + 2];
      a3 += X[off + c + 3] * W[wo + c + 3];
    }
    for (; c < d; c++) a0 += X[off + c] * W[wo + c];
    pre[j] = a0 + a1 + a2 + a3;
  }
}

/** gW[j, :] += coef[j] · x for one sample x = X[off .. off + d). */
function accumulateRows(gW: Float64Array, coef: Float64Array, X: Float32Array, off: number, p: number, d: number): void {
  for (let j = 0; j < p; j++) {
    const cj = coef[j];
    if (cj === 0) continue;
    const wo = j * d;
    let c = 0;
    for (; c + 3 < d; c += 4) {
      gW[wo + c] += cj * X[off + c];
      gW[wo + c + 1] += cj * X[off + c + 1];
      gW[wo + c + 2] += cj * X[off + c + 2];
      gW[wo + c + 3] += cj * X[off + c + 3];
    }
    for (; c < d; c++) gW[wo + c] += cj * X[off + c];
  }
}

/** pre[q·p + j] = x_q·w_j for the four consecutive samples starting at `off`. */
function preActivations4(s: StudentState, X: Float32Array, off: number, pre: Float64Array): void {
  const d = s.d, p = s.p, W = s.W;
  const o1 = off + d, o2 = off + 2 * d, o3 = off + 3 * d;
  for (let j = 0; j < p; j++) {
    const wo = j * d;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let c = 0; c < d; c++) {
      const w = W[wo + c];
      a0 += X[off + c] * w; a1 += X[o1 + c] * w; a2 += X[o2 + c] * w; a3 += X[o3 + c] * w;
    }
    pre[j] = a0; pre[p + j] = a1; pre[2 * p + j] = a2; pre[3 * p + j] = a3;
  }
}

/** gW[j, :] += Σ_q coef[q·p + j] · x_q for four consecutive samples. */
function accumulateRows4(gW: Float64Array, coef: Float64Array, X: Float32Array, off: number, p: number, d: number): void {
  const o1 = off + d, o2 = off + 2 * d, o3 = off + 3 * d;
  for (let j = 0; j < p; j++) {
    const c0 = coef[j], c1 = coef[p + j], c2 = coef[2 * p + j], c3 = coef[3 * p + j];
    const wo = j * d;
    for (let c = 0; c < d; c++) gW[wo + c] += c0 * X[off + c] + c1 * X[o1 + c] + c2 * X[o2 + c] + c3 * X[o3 + c];
  }
}

function adamUpdate(x: Float64Array, g: Float64Array, m: Float64Array, s: Float64Array, opt: AdamConfig, c1: number, c2: number): void {
  const { lr, beta1, beta2, eps } = opt;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const si = beta2 * s[i] + (1 - beta2) * gi * gi;
    m[i] = mi; s[i] = si;
    x[i] -= (lr * (mi / c1)) / (Math.sqrt(si / c2) + eps);
  }
}

export const cpuStudentKernel: StudentKernel = {
  name: 'cpu',
  gradients(s, b, act, gW, gv) {
    const { d, p, v } = s;
    const X = b.X, y = b.y;
    gW.fill(0); gv.fill(0);
    // Rows are processed four at a time so every load of a W row (forward) and of a gW row
    // (backward) serves four samples: about twice the speed of one row at a time.
    const pre = new Float64Array(4 * p), coef = new Float64Array(4 * p);
    const fAct = act.f, dfAct = act.df, dual = act.dual;
    let loss = 0;
    const scale = 2 / b.rows; // d/df of mean (f − y)²
    for (let r = 0; r < b.rows; r += 4) {
      const m = Math.min(4, b.rows - r);
      const off = (b.start + r) * d;
      if (m === 4) preActivations4(s, X, off, pre);
      else for (let q = 0; q < m; q++) preActivations(s, X, off + q * d, pre.subarray(q * p, (q + 1) * p));
      for (let q = 0; q < 4; q++) {
        const base = q * p;
        if (q >= m) { coef.fill(0, base, base + p); continue; }
        let f = 0;
        if (dual) {
          // pre[] is reused to hold σ′ once σ is known.
          const fn = dual.fn, slot = dual.slot;
          for (let j = 0; j < p; j++) { const a = fn(pre[base + j]); pre[base + j] = slot.d; coef[base + j] = a; f += v[j] * a; }
        } else {
          for (let j = 0; j < p; j++) { const a = fAct(pre[base + j]); coef[base + j] = a; f += v[j] * a; pre[base + j] = dfAct(pre[base + j]); }
        }
        const res = f - y[b.start + r + q];
        loss += res * res;
        const gf = scale * res;
        for (let j = 0; j < p; j++) {
          gv[j] += gf * coef[base + j];
          coef[base + j] = gf * v[j] * pre[base + j];
        }
      }
      if (m === 4) accumulateRows4(gW, coef, X, off, p, d);
      else for (let q = 0; q < m; q++) accumulateRows(gW, coef.subarray(q * p, (q + 1) * p), X, off + q * d, p, d);
    }
    return loss / b.rows;
  },
  trainStep(s, b, act, opt) {
    const gW = new Float64Array(s.p * s.d), gv = new Float64Array(s.p);
    const loss = this.gradients(s, b, act, gW, gv);
    s.t++;
    const c1 = 1 - Math.pow(opt.beta1, s.t), c2 = 1 - Math.pow(opt.beta2, s.t);
    adamUpdate(s.W, gW, s.mW, s.sW, opt, c1, c2);
    adamUpdate(s.v, gv, s.mv, s.sv, opt, c1, c2);
    return loss;
  },
  mse(s, b, act) {
    const { d, p, v } = s;
    const pre = new Float64Array(p);
    let loss = 0;
    for (let r = 0; r < b.rows; r++) {
      preActivations(s, b.X, (b.start + r) * d, pre);
      let f = 0;
      for (let j = 0; j < p; j++) f += v[j] * act.f(pre[j]);
      const res = f - b.y[b.start + r];
      loss += res * res;
    }
    return loss / b.rows;
  },
  normaliseRows(s) {
    normalizeRows(s.W, s.p, s.d);
  },
};

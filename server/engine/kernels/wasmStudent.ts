// The CPU Adam student with its operands resident in WebAssembly memory: the training set is copied
// in once (setData), H = tanh(s·X Wᵀ) and dW = dHᵀ X run on the SIMD kernel without per-step copies or
// transposes (the transposed-A kernel reads dH as stored), and the elementwise parts stay in JS over
// the same memory. Same math and results as CpuMlpStudent (the reference), which remains the fallback.
import { adam, readoutResiduals } from './cpuBackend';
import { normalizeRows } from './cpu';
import type { MlpStudent, MlpStudentConfig } from './api';
import type { WasmKernel } from './wasmGemm';

const up = (x: number, m: number) => Math.ceil(x / m) * m;

export class WasmMlpStudent implements MlpStudent {
  private readonly d: number; private readonly p: number; private readonly s: number;
  /** padded sizes: dd (a multiple of 8) columns of X, pp (a multiple of 8) hidden units */
  private readonly dd: number; private readonly pp: number; private readonly maxRows: number;
  private readonly lr: number; private readonly b1: number; private readonly b2: number; private readonly eps: number;
  private readonly w: Float32Array; private readonly v: Float32Array;
  private readonly mw: Float32Array; private readonly vw: Float32Array; private readonly mv: Float32Array; private readonly vv: Float32Array;
  private readonly gw: Float32Array; private readonly gv: Float32Array;
  private readonly r: Float64Array;
  private readonly wtOff: number; private readonly hOff: number; private readonly dhOff: number; private readonly gwOff: number;
  private xOff = -1; private xCap = 0; private y: Float32Array = new Float32Array(0); private n = 0;
  private evalOff = -1; private evalCap = 0;
  private t = 0;
  private loss = NaN;

  constructor(private readonly k: WasmKernel, cfg: MlpStudentConfig) {
    const { d, p, maxRows } = cfg;
    this.d = d; this.p = p; this.s = cfg.scale ?? 2; this.maxRows = maxRows;
    this.dd = up(d, 8); this.pp = up(p, 8);
    this.lr = cfg.lr; this.b1 = cfg.beta1 ?? 0.9; this.b2 = cfg.beta2 ?? 0.999; this.eps = cfg.eps ?? 1e-8;
    this.w = new Float32Array(p * d); this.v = new Float32Array(p);
    this.mw = new Float32Array(p * d); this.vw = new Float32Array(p * d); this.mv = new Float32Array(p); this.vv = new Float32Array(p);
    this.gw = new Float32Array(p * d); this.gv = new Float32Array(p);
    this.r = new Float64Array(maxRows);
    const rowsPad = up(maxRows, 4) + 4;
    this.wtOff = k.reserve(this.dd * this.pp);
    this.hOff = k.reserve(rowsPad * this.pp);
    this.dhOff = k.reserve(rowsPad * this.pp);
    this.gwOff = k.reserve(this.pp * this.dd);
  }

  private f32(off: number, n: number): Float32Array { return new Float32Array(this.k.memory.buffer, off, n); }

  /** Copies n rows of x (n × d) into resident memory at `off` with the padded row stride dd. */
  private copyRows(off: number, x: Float32Array, n: number): void {
    const { d, dd } = this;
    const dst = this.f32(off, n * dd);
    if (dd === d) dst.set(x.subarray(0, n * d));
    else for (let i = 0; i < n; i++) dst.set(x.subarray(i * d, i * d + d), i * dd);
  }

  setData(x: Float32Array, y: Float32Array, n: number): void {
    if (n > this.xCap) { this.xOff = this.k.reserve((n + 4) * this.dd); this.xCap = n; }
    this.copyRows(this.xOff, x, n);
    this.y = y; this.n = n;
  }

  setWeights(w: Float32Array, v: Float32Array): void {
    this.w.set(w); this.v.set(v);
    this.mw.fill(0); this.vw.fill(0); this.mv.fill(0); this.vv.fill(0); this.t = 0;
  }

  /** A = tanh(s · X[offset..offset+rows] Wᵀ) into H (stride pp); residuals into r; returns the MSE. */
  private forward(xOff: number, y: Float32Array, offset: number, rows: number): number {
    const { d, p, dd, pp, s } = this;
    const wt = this.f32(this.wtOff, dd * pp);
    for (let j = 0; j < p; j++) for (let i = 0; i < d; i++) wt[i * pp + j] = this.w[j * d + i];
    this.k.gemmResident(up(rows, 4), pp, dd, xOff + offset * dd * 4, dd, this.wtOff, pp, this.hOff, pp, false);
    this.k.tanhScale(this.hOff, rows * pp, s); // SIMD tanh in wasm (pp is a multiple of 8)
    const h = this.f32(this.hOff, rows * pp);
    return readoutResiduals(h, pp, this.v, p, y, offset, rows, this.r);
  }

  step(offset: number, rows: number): void {
    if (offset + rows > this.n) throw new Error(`student step: rows ${offset}..${offset + rows} beyond the ${this.n} of the data`);
    if (rows > this.maxRows) throw new Error(`student step: ${rows} rows > maxRows ${this.maxRows}`);
    const { d, p, dd, pp, s } = this;
    this.loss = this.forward(this.xOff, this.y, offset, rows);
    const a = this.f32(this.hOff, rows * pp), dh = this.f32(this.dhOff, rows * pp);
    const gv = this.gv, v = this.v;
    gv.fill(0);
    const scale = 2 / rows;
    for (let b = 0; b < rows; b++) {
      const rb = this.r[b] * scale;
      const o = b * pp;
      for (let j = 0; j < p; j++) {
        const aj = a[o + j];
        gv[j] += aj * rb;
        dh[o + j] = rb * v[j] * s * (1 - aj * aj);
      }
    }
    // dW (pp × dd) = dHᵀ X: dH is read as stored (rows × pp) by the transposed-A kernel
    this.k.gemmResident(pp, dd, rows, this.dhOff, pp, this.xOff + offset * dd * 4, dd, this.gwOff, dd, true);
    const g = this.f32(this.gwOff, pp * dd);
    for (let j = 0; j < p; j++) for (let i = 0; i < d; i++) this.gw[j * d + i] = g[j * dd + i];
    this.t++;
    adam(this.w, this.gw, this.mw, this.vw, this.t, this.lr, this.b1, this.b2, this.eps);
    adam(this.v, this.gv, this.mv, this.vv, this.t, this.lr, this.b1, this.b2, this.eps);
  }

  renormalizeRows(): void {
    normalizeRows(this.w, this.p, this.d);
  }

  async lastLoss(): Promise<number> { return this.loss; }

  async evaluate(x: Float32Array, y: Float32Array, n: number): Promise<number> {
    const chunk = this.maxRows;
    if (Math.min(n, chunk) > this.evalCap) { this.evalCap = Math.min(n, chunk); this.evalOff = this.k.reserve((this.evalCap + 4) * this.dd); }
    let total = 0;
    for (let o = 0; o < n; o += chunk) {
      const rows = Math.min(chunk, n - o);
      this.copyRows(this.evalOff, x.subarray(o * this.d), rows);
      total += this.forward(this.evalOff, y.subarray(o), 0, rows) * rows;
    }
    return total / n;
  }

  async weights(): Promise<{ w: Float32Array; v: Float32Array }> { return { w: this.w.slice(), v: this.v.slice() }; }
  dispose(): void { this.k.dispose(); }
}

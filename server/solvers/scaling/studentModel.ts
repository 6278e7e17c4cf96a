// The Adam student of scaling-laws.md A6, f(x) = tanh(s·x Wᵀ)·v with the MSE (no ½), written once on
// the kernel primitives of the solver contract, so it runs on whatever backend the job has (the
// system BLAS on the CPU, WebGPU). Every buffer is allocated at construction or in setData; a step
// allocates nothing (views share storage). float32 throughout, like the kernels.
import type { AdamParams, KernelApi, Tensor } from '../contract';

export interface StudentModelConfig {
  d: number;
  /** Student width p. */
  p: number;
  /** Largest number of rows one step or one evaluation chunk uses. */
  maxRows: number;
  lr: number;
  beta1?: number;   // 0.9 (torch default)
  beta2?: number;   // 0.999
  eps?: number;     // 1e-8
  /** The activation is tanh(scale·h); 2 for the paper's student. */
  scale?: number;
}

export class StudentModel {
  private readonly d: number; private readonly p: number; private readonly maxRows: number; private readonly s: number;
  private readonly opt: AdamParams;
  private readonly w: Tensor; private readonly v: Tensor;
  private readonly mw: Tensor; private readonly vw: Tensor; private readonly mv: Tensor; private readonly vv: Tensor;
  private readonly gw: Tensor; private readonly gv: Tensor;
  /** Per-row work space: hidden activations, their gradient, readout, residual. */
  private readonly h: Tensor; private readonly dh: Tensor; private readonly f: Tensor; private readonly r: Tensor;
  /** Σ r² of the latest forward pass (1×1), read only when asked. */
  private readonly sq: Tensor;
  private x: Tensor | null = null; private y: Tensor | null = null; private n = 0;
  private ex: Tensor | null = null; private ey: Tensor | null = null;
  private t = 0;
  private lastRows = 1;

  constructor(private readonly k: KernelApi, cfg: StudentModelConfig) {
    const { d, p, maxRows } = cfg;
    this.d = d; this.p = p; this.maxRows = maxRows; this.s = cfg.scale ?? 2;
    this.opt = { lr: cfg.lr, beta1: cfg.beta1 ?? 0.9, beta2: cfg.beta2 ?? 0.999, eps: cfg.eps ?? 1e-8 };
    this.w = k.zeros([p, d]); this.v = k.zeros([p, 1]);
    this.mw = k.zeros([p, d]); this.vw = k.zeros([p, d]); this.mv = k.zeros([p, 1]); this.vv = k.zeros([p, 1]);
    this.gw = k.zeros([p, d]); this.gv = k.zeros([p, 1]);
    this.h = k.zeros([maxRows, p]); this.dh = k.zeros([maxRows, p]);
    this.f = k.zeros([maxRows, 1]); this.r = k.zeros([maxRows, 1]); this.sq = k.zeros([1, 1]);
  }

  /** The training set, n rows of d (row-major), uploaded once. */
  setData(x: Float32Array, y: Float32Array, n: number): void {
    if (this.x) { this.k.free(this.x); this.k.free(this.y!); }
    this.x = this.k.tensor(x.subarray(0, n * this.d), [n, this.d]);
    this.y = this.k.tensor(y.subarray(0, n), [n, 1]);
    this.n = n;
  }

  /** Sets W (p×d) and v (p) and restarts Adam (moments zero, step 0). */
  setWeights(w: Float32Array, v: Float32Array): void {
    const k = this.k;
    k.write(this.w, w); k.write(this.v, v);
    const zw = new Float32Array(this.p * this.d), zv = new Float32Array(this.p);
    k.write(this.mw, zw); k.write(this.vw, zw); k.write(this.mv, zv); k.write(this.vv, zv);
    this.t = 0;
  }

  /** H = tanh(s·X Wᵀ), residual r = H v − y and Σ r² for `rows` rows of (x, y) from `offset`. */
  private forward(x: Tensor, y: Tensor, offset: number, rows: number): { h: Tensor; r: Tensor } {
    const k = this.k;
    const h = k.view(this.h, 0, rows), f = k.view(this.f, 0, rows), r = k.view(this.r, 0, rows);
    k.matmul(k.view(x, offset, rows), this.w, h, { transB: true });
    k.unary('tanh', h, h, this.s);
    k.matmul(h, this.v, f);
    k.binary('sub', f, k.view(y, offset, rows), r);
    k.matmul(r, r, this.sq, { transA: true });
    this.lastRows = rows;
    return { h, r };
  }

  /** One Adam step on rows [offset, offset + rows) of the training set. */
  step(offset: number, rows: number): void {
    if (!this.x || !this.y || offset < 0 || offset + rows > this.n) throw new Error(`student step: rows ${offset}..${offset + rows} beyond the ${this.n} of the data`);
    if (rows > this.maxRows) throw new Error(`student step: ${rows} rows > maxRows ${this.maxRows}`);
    const k = this.k;
    const { h, r } = this.forward(this.x, this.y, offset, rows);
    const c = 2 / rows; // d/df of the batch mean of (f − y)²
    // gv = c·Hᵀ r;  dH = c·s · r_b v_j (1 − H²);  gW = dHᵀ X
    k.matmul(h, r, this.gv, { transA: true });
    k.unary('copy', this.gv, this.gv, c);
    const dh = k.view(this.dh, 0, rows);
    k.scaleRowsCols('one_minus_square', h, r, this.v, c * this.s, dh);
    k.matmul(dh, k.view(this.x, offset, rows), this.gw, { transA: true });
    this.t++;
    k.adam(this.w, this.gw, this.mw, this.vw, this.t, this.opt);
    k.adam(this.v, this.gv, this.mv, this.vv, this.t, this.opt);
  }

  /** Scales each row of W to unit norm (after every epoch in the protocol). */
  renormalizeRows(): void { this.k.normalizeRows(this.w); }

  /** MSE of the most recent step, measured before its update (one device round trip). */
  async lastLoss(): Promise<number> { return (await this.k.read(this.sq))[0] / this.lastRows; }

  /** MSE on another set (e.g. the noiseless test points), in chunks of maxRows, without touching the training set. */
  async evaluate(x: Float32Array, y: Float32Array, n: number): Promise<number> {
    const k = this.k, d = this.d;
    this.ex ??= k.zeros([this.maxRows, d]);
    this.ey ??= k.zeros([this.maxRows, 1]);
    let total = 0;
    for (let o = 0; o < n; o += this.maxRows) {
      const rows = Math.min(this.maxRows, n - o);
      k.write(k.view(this.ex, 0, rows), x.subarray(o * d, (o + rows) * d));
      k.write(k.view(this.ey, 0, rows), y.subarray(o, o + rows));
      this.forward(this.ex, this.ey, 0, rows);
      total += (await k.read(this.sq))[0];
    }
    return total / n;
  }

  async weights(): Promise<{ w: Float32Array; v: Float32Array }> {
    return { w: await this.k.read(this.w), v: await this.k.read(this.v) };
  }

  dispose(): void {
    for (const t of [this.w, this.v, this.mw, this.vw, this.mv, this.vv, this.gw, this.gv, this.h, this.dh, this.f, this.r, this.sq, this.x, this.y, this.ex, this.ey]) {
      if (t) this.k.free(t);
    }
  }
}

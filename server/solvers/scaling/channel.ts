// The scalar channel of one feature (math spec E4–E8, A2–A4): the largest fixed point q*(λ) of
// T_λ(q) = r/(1+r), r = λ g′(q), the equilibrium overlap m_e(λ) and the thresholds λ_s, λ_e.
//
// Instead of iterating T_λ from q = 1 (which crawls near λ_s), fixed points are found as roots of
// ψ(t) = log λ with t = logit(q) and ψ(t) = t − log g′(q): T_λ(q) = q ⇔ q/(1−q) = λ g′(q). The largest
// fixed point is the largest root; a grid of ψ plus its suffix minima brackets it in O(log N), then
// Brent refines it. Working in t keeps p = 1 − q exact down to 1e-17, where q itself would round to 1.
// For the coupled fixed point, log p and log(g(1) − g(q)) are tabulated against log λ above λ_e.
import { bisectPredicate, brentRoot, goldenMin } from '../../numeric/roots';
import { UniformTable } from '../../numeric/uniformTable';
import type { ActivationModel } from './activation';

export interface Overlap {
  /** q*(λ) (0 when only the trivial fixed point exists). */
  q: number;
  /** 1 − q, kept separately for precision near q = 1. */
  p: number;
}

const T_MIN = -16;   // q ≈ 1e-7: A2 reports q* < 1e-6 as 0
const T_MAX = 40;    // p ≈ 4e-18
const T_STEP = 0.01;
/** The m_e table covers log λ ∈ [log λ_e, log λ_e + TABLE_SPAN] (14 decades, h ≈ 0.0027); beyond it q is iterated directly. */
const TABLE_SPAN = Math.log(1e14);
const TABLE_POINTS = 12000;

export class ScalarChannel {
  readonly lambdaS: number;
  readonly lambdaE: number;
  /** q*(λ_e): the overlap a feature jumps to when it becomes learnable. */
  readonly qJump: number;
  private readonly ts: Float64Array;
  private readonly psis: Float64Array;
  private readonly sufMin: Float64Array;
  private logP?: UniformTable;
  private logGap?: UniformTable;

  constructor(readonly act: ActivationModel) {
    const n = Math.round((T_MAX - T_MIN) / T_STEP) + 1;
    this.ts = new Float64Array(n);
    this.psis = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      this.ts[j] = T_MIN + j * T_STEP;
      this.psis[j] = this.psi(this.ts[j]);
    }
    this.sufMin = new Float64Array(n);
    let m = Infinity;
    for (let j = n - 1; j >= 0; j--) { m = Math.min(m, this.psis[j]); this.sufMin[j] = m; }

    // λ_s = min over q of q/((1−q) g′(q)): below it only q = 0 is a fixed point.
    let jMin = 0;
    for (let j = 1; j < n; j++) if (this.psis[j] < this.psis[jMin]) jMin = j;
    const lo = this.ts[Math.max(0, jMin - 1)], hi = this.ts[Math.min(n - 1, jMin + 1)];
    this.lambdaS = Math.exp(this.psi(goldenMin((t) => this.psi(t), lo, hi, 1e-9)));

    // λ_e: the predicate q* > 0 ∧ Φ_λ(q*) > 0 is monotone in λ (dΦ(q*(λ))/dλ = g(q*) > 0).
    const learnable = (lam: number) => {
      const o = this.qStar(lam);
      return o.q > 0 && this.phi(lam, o) > 0;
    };
    // Below λ_s nothing but q = 0 exists, so the bracket starts at λ_s and doubles (λ_e may be < 1
    // for strongly non-linear activations, e.g. He_3 has λ_e ≈ 0.2426).
    let loL = this.lambdaS, hiL = 2 * this.lambdaS;
    let guard = 0;
    while (!learnable(hiL)) {
      loL = hiL;
      hiL *= 2;
      if (++guard > 200) throw new Error('scaling: no information-theoretic threshold λ_e found');
    }
    this.lambdaE = bisectPredicate(learnable, loL, hiL, 1e-13);
    this.qJump = this.qStar(this.lambdaE).q;
  }

  /** ψ(t) = log(q/(1−q)) − log g′(q) at q = logistic(t). */
  psi(t: number): number {
    const q = 1 / (1 + Math.exp(-t));
    return t - Math.log(this.act.gp(q));
  }

  /** Φ_λ(q) = λ g(q) + q + ln(1 − q) (E6); Φ_λ(0) = 0. */
  phi(lambda: number, o: Overlap): number {
    return lambda * this.act.g(o.q) + o.q + Math.log(o.p);
  }

  /** The largest fixed point q*(λ) of T_λ (E5), i.e. the limit of the iteration from q = 1. */
  qStar(lambda: number): Overlap {
    if (!(lambda > 0)) return { q: 0, p: 1 };
    const L = Math.log(lambda);
    const n = this.ts.length;
    if (this.sufMin[0] > L) return { q: 0, p: 1 };
    if (this.psis[n - 1] <= L) return this.qStarLarge(lambda);
    // Largest j with sufMin[j] ≤ L (sufMin is non-decreasing in j); then ψ_j ≤ L < ψ_{j+1}.
    let lo = 0, hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.sufMin[mid] <= L) lo = mid; else hi = mid;
    }
    const t = brentRoot((x) => this.psi(x) - L, this.ts[lo], this.ts[lo + 1], 1e-13, 200,
      this.psis[lo] - L, this.psis[lo + 1] - L);
    const q = 1 / (1 + Math.exp(-t)), p = 1 / (1 + Math.exp(t));
    if (q < 1e-6) return { q: 0, p: 1 };
    return { q, p };
  }

  /** q* for λ beyond the grid (p < 1e-17): the A2 iteration from q = 1, written in p = 1 − q. */
  private qStarLarge(lambda: number): Overlap {
    return this.iterateFromOne(lambda, 50) ?? { q: 1, p: 0 };
  }

  /**
   * A2 in p = 1 − q: p ← 1/(1 + λ g′(1 − p)) from p = 0. It decreases monotonically to the largest fixed
   * point, with contraction ≈ g″(1)/(λ g′(1)²), so for λ far above λ_e it converges in 2–3 steps.
   * Returns undefined when `maxIter` steps are not enough.
   */
  private iterateFromOne(lambda: number, maxIter: number): Overlap | undefined {
    let p = 1 / (1 + lambda * this.act.gp(1));
    for (let it = 0; it < maxIter; it++) {
      const next = 1 / (1 + lambda * this.act.gp(1 - p));
      if (Math.abs(next - p) <= 1e-15 * p) return { q: 1 - next, p: next };
      p = next;
    }
    return undefined;
  }

  /** m_e(λ) (E7/A4): 0 up to and including λ_e, q*(λ) above. */
  mE(lambda: number): Overlap {
    return lambda > this.lambdaE ? this.qStar(lambda) : { q: 0, p: 1 };
  }

  private tables(): [UniformTable, UniformTable] {
    if (!this.logP || !this.logGap) {
      const u0 = Math.log(this.lambdaE);
      const logP = new Float64Array(TABLE_POINTS), logGap = new Float64Array(TABLE_POINTS);
      const h = TABLE_SPAN / (TABLE_POINTS - 1);
      for (let i = 0; i < TABLE_POINTS; i++) {
        // Node 0 is λ_e itself, where the branch q*(λ) is continuous from above.
        const o = this.qStar(Math.exp(u0 + i * h));
        logP[i] = Math.log(o.p);
        logGap[i] = Math.log(this.act.gap(o.p));
      }
      this.logP = new UniformTable(u0, h, logP);
      this.logGap = new UniformTable(u0, h, logGap);
    }
    return [this.logP, this.logGap];
  }

  /**
   * Fast m_e for the coupled fixed point, from log λ: returns 1 − m_e and g(1) − g(m_e). Table lookup
   * above λ_e, direct solve beyond the table.
   */
  fastGap(logLambda: number): { p: number; gap: number } {
    if (!(logLambda > Math.log(this.lambdaE))) return { p: 1, gap: this.act.g1 };
    const [tp, tg] = this.tables();
    if (logLambda <= tp.x1) return { p: Math.exp(tp.at(logLambda)), gap: Math.exp(tg.at(logLambda)) };
    const lam = Math.exp(logLambda);
    const o = this.iterateFromOne(lam, 20) ?? this.qStar(lam);
    return { p: o.p, gap: this.act.gap(o.p) };
  }
}

const channels = new WeakMap<ActivationModel, ScalarChannel>();

/** The scalar channel of an activation model (built once per model). */
export function scalarChannel(act: ActivationModel): ScalarChannel {
  let ch = channels.get(act);
  if (!ch) { ch = new ScalarChannel(act); channels.set(act, ch); }
  return ch;
}

// Measured scaling laws (E16/E17): an internal geometric sweep in n/d, from the learning onset (E15)
// well into the refinement regime, with least-squares log-log slopes in each regime.
import type { ActivationModel } from './activation';
import type { ScalarChannel } from './channel';
import { prepareReadouts, solveBayesOptimal } from './bayesOptimal';

export interface LawFit {
  /** Slope of log ε vs log n over points with 10 ≤ k_c ≤ k/10 (null when fewer than 2 such points). */
  featureLearning: number | null;
  /** Slope over points with n/d ≥ 10× the first n/d at which k_c = k (null when fewer than 2). */
  refinement: number | null;
  /** The sweep itself, for plotting. */
  nOverD: number[];
  eps: number[];
  kc: number[];
}

/** Least-squares slope of y against x. */
export function lsSlope(x: number[], y: number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; }
  return sxx > 0 ? sxy / sxx : null;
}

export function measureLaws(act: ActivationModel, ch: ScalarChannel, v2: Float64Array, delta: number,
  checkCancelled: () => void, perDecade = 8): LawFit {
  const k = v2.length;
  const readouts = prepareReadouts(v2);
  // Nothing is learned below the onset; every feature is learned once v_k² λ_max > λ_e with ε ≤ g(1).
  const onset = ch.lambdaE * (delta + act.g1) / v2[0];
  const allLearned = ch.lambdaE * (delta + act.g1) / v2[k - 1];
  const lo = Math.log10(onset) + 0.01, hi = Math.log10(allLearned) + 2.5;
  const m = Math.max(2, Math.ceil((hi - lo) * perDecade));
  const nOverD: number[] = [], eps: number[] = [], kc: number[] = [];
  for (let i = 0; i <= m; i++) {
    checkCancelled();
    const nd = Math.pow(10, lo + ((hi - lo) * i) / m);
    const s = solveBayesOptimal(act, ch, { nOverD: nd, delta, readouts, rtol: 1e-12, maxIter: 10000, scalarOnly: true }, checkCancelled);
    nOverD.push(nd); eps.push(s.eps); kc.push(s.kc);
  }
  const fx: number[] = [], fy: number[] = [], rx: number[] = [], ry: number[] = [];
  const firstFull = nOverD.find((_, i) => kc[i] === k);
  for (let i = 0; i < nOverD.length; i++) {
    if (kc[i] >= 10 && kc[i] <= k / 10) { fx.push(Math.log(nOverD[i])); fy.push(Math.log(eps[i])); }
    if (firstFull !== undefined && nOverD[i] >= 10 * firstFull) { rx.push(Math.log(nOverD[i])); ry.push(Math.log(eps[i])); }
  }
  return { featureLearning: lsSlope(fx, fy), refinement: lsSlope(rx, ry), nOverD, eps, kc };
}

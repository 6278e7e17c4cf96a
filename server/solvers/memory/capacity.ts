// Monte Carlo estimate of the storage probability P_d(p) (math spec M4) for one rule and model:
// runs the trials, keeps the three verdict counts apart, and summarises the score distributions
// (correct score vs largest competitor) that the mechanism plots need.
import { wilsonInterval } from '../../numeric/binomial-ci';
import { decideFeasibility, type Decision } from './decide';
import { hebbianTrials, trialScores, type TrialScores } from './hebbian';
import { sampleInstance, type MemoryModel } from './instance';

export type Rule = 'optimal' | 'hebbian';

export interface CapacityOptions {
  d: number;
  p: number;
  rule: Rule;
  model: MemoryModel;
  threshold: number;
  trials: number;
  seed: number;
  /** Wall-clock budget per optimal-rule instance (ms). */
  budgetMs: number;
  checkCancelled?: () => void;
  progress?: (fraction: number, message?: string) => void;
}

export interface Summary { mean: number; std: number; n: number; q05: number; q50: number; q95: number }

export interface CapacityResult {
  stored: number;
  notStored: number;
  undecided: number;
  pSuccess: number;
  ci: [number, number];
  /** Mean over trials of the (M3) margin the rule's W achieves (0 for a proven-infeasible trial). */
  meanMargin: number;
  correct: Summary;
  competitor: Summary;
  gap: Summary;
  /** Mean Newton steps per optimal-rule trial (0 for Hebbian). */
  meanNewtonSteps: number;
  seconds: number;
}

export function summarise(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0, q05: NaN, q50: NaN, q95: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - mean) ** 2;
  const sorted = Float64Array.from(values).sort();
  const q = (f: number) => sorted[Math.min(n - 1, Math.max(0, Math.round(f * (n - 1))))];
  return { mean, std: n > 1 ? Math.sqrt(v / (n - 1)) : 0, n, q05: q(0.05), q50: q(0.5), q95: q(0.95) };
}

export function runCapacity(o: CapacityOptions): CapacityResult {
  const t0 = performance.now();
  let stored = 0, notStored = 0, undecided = 0, marginSum = 0, newtonSum = 0;
  const correct: number[] = [], competitor: number[] = [], gap: number[] = [];
  const collect = (ts: TrialScores, scale: number) => {
    for (let i = 0; i < ts.correct.length; i++) {
      correct.push(ts.correct[i] * scale);
      competitor.push(ts.best[i] * scale);
      gap.push((ts.correct[i] - ts.best[i]) * scale);
    }
  };
  if (o.rule === 'hebbian') {
    const chunk = Math.max(1, Math.min(64, Math.floor(4e6 / (o.p * o.p + 2 * o.p * o.d))));
    for (let first = 0; first < o.trials; first += chunk) {
      o.checkCancelled?.();
      const batch = hebbianTrials(o.d, o.p, o.model, o.seed, first, Math.min(chunk, o.trials - first), o.threshold);
      for (const ts of batch) {
        if (ts.stored) stored++; else notStored++;
        marginSum += ts.boxMargin;
        collect(ts, 1); // Hebbian scores in their natural scale (s_ii ≈ 1)
      }
      o.progress?.(Math.min(1, (first + chunk) / o.trials), `hebbian trials ${Math.min(o.trials, first + chunk)}/${o.trials}`);
    }
  } else {
    for (let t = 0; t < o.trials; t++) {
      o.checkCancelled?.();
      const inst = sampleInstance(o.d, o.p, o.model, o.seed, t);
      // `complete`: the reported scores come from a unit-margin solution, not the first separator.
      const dec: Decision = decideFeasibility(inst, { budgetMs: o.budgetMs, checkCancelled: o.checkCancelled, threshold: o.threshold, complete: true });
      newtonSum += dec.newtonSteps;
      if (dec.verdict === 'feasible') {
        stored++;
        marginSum += dec.lowerBound;
        // Mechanism view: the certificate W rescaled so that its minimum margin is exactly 1.
        collect(trialScores(inst, dec.W, o.threshold), 1 / dec.minMargin);
      } else if (dec.verdict === 'infeasible') notStored++;
      else undecided++;
      o.progress?.((t + 1) / o.trials, `optimal-rule trials ${t + 1}/${o.trials}`);
    }
  }
  const n = o.trials;
  // Undecided trials widen the interval: lower end as if all failed, upper end as if all succeeded.
  const lo = wilsonInterval(stored, n)[0];
  const hi = wilsonInterval(stored + undecided, n)[1];
  return {
    stored, notStored, undecided,
    pSuccess: stored / n,
    ci: [lo, hi],
    meanMargin: marginSum / n,
    correct: summarise(correct),
    competitor: summarise(competitor),
    gap: summarise(gap),
    meanNewtonSteps: o.rule === 'optimal' ? newtonSum / n : 0,
    seconds: (performance.now() - t0) / 1000,
  };
}

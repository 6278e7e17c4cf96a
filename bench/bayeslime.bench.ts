// BayesLIME/BayesSHAP: (1) how close PTG's predicted count brings the median credible half-width to
// the requested W, for the paper's rule (B10) and the refined rule; (2) queries that focused sampling
// and uniform sampling need until every feature's half-width ≤ W; (3) the mean predictive scale at
// equal N (bayeslime.md C4, C5); (4) coverage of a reference explanation (φ̂ from 200,000
// perturbations) by the 95% intervals.
// Run: npm run bench -- bayeslime   (or node --import tsx bench/bayeslime.bench.ts; d = 8, ~30 s)
import { Rng } from '../server/numeric/rng';
import { ptgCount, ptgCountRefined } from '../server/solvers/bayeslime/blr';
import { forestBox, logisticBox, queryPerturbations } from '../server/solvers/bayeslime/blackbox';
import type { KernelName } from '../server/solvers/bayeslime/kernels';
import { Explainer, featureHalfWidths, meanPredictiveScale, median, Perturbations, sampleFocused, sampleUniform, uniformPerturbations } from '../server/solvers/bayeslime/sampling';

const d = 8, seeds = 4;
function explainer(box: string, kernel: KernelName): Explainer {
  const mrng = new Rng(42);
  const f = box === 'logistic' ? logisticBox(d, mrng) : forestBox(d, mrng);
  const inst = mrng.normals(d), bg = new Float64Array(d);
  return { d, kernel, l2: true, level: 0.95, query: (Z, n) => queryPerturbations(f, Z, n, inst, bg) };
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

console.log('### BayesLIME / BayesSHAP: PTG accuracy, focused sampling, calibration\n');
console.log('Statistical results, no timings (no peer: the reference code is not installed here); d = 8, seeded built-in black boxes.\n');
console.log(`PTG: median half-width / W after the predicted count (seed S0 = 200, mean over ${seeds} seeds)\n`);
console.log('| black box | kernel | W | paper G | paper ratio | refined G | refined ratio |');
console.log('|---|---|---|---|---|---|---|');
for (const box of ['logistic', 'forest']) for (const kernel of ['lime', 'shap'] as KernelName[]) for (const W of [0.02, 0.01, 0.005]) {
  const ex = explainer(box, kernel);
  const res: Record<string, { G: number[]; r: number[] }> = { paper: { G: [], r: [] }, refined: { G: [], r: [] } };
  for (const rule of ['paper', 'refined'] as const) for (let s = 0; s < seeds; s++) {
    const rng = Rng.derive(s, 5);
    const set = new Perturbations(ex);
    set.add(uniformPerturbations(200, d, rng), 200);
    const seed = set.fit();
    const G = Math.ceil(rule === 'paper' ? ptgCount(seed, W) : ptgCountRefined(seed, W));
    if (G > 200) set.add(uniformPerturbations(G - 200, d, rng), G - 200);
    res[rule].G.push(G); res[rule].r.push(median(featureHalfWidths(set.fit(), 0.95)) / W);
  }
  console.log(`| ${box} | ${kernel} | ${W} | ${mean(res.paper.G).toFixed(0)} | ${mean(res.paper.r).toFixed(3)} | ${mean(res.refined.G).toFixed(0)} | ${mean(res.refined.r).toFixed(3)} |`);
}

console.log(`\nFocused vs uniform: queries until every half-width ≤ W over 16 black boxes (model seeds 0..15; n_init 50, batch 10, pool 1000, default T)\n`);
console.log('| black box | kernel | W | focused | uniform | ratio | focused fewer / more |');
console.log('|---|---|---|---|---|---|---|');
for (const box of ['logistic', 'forest']) for (const kernel of ['lime', 'shap'] as KernelName[]) for (const W of [0.05, 0.02]) {
  let f = 0, u = 0, wins = 0, losses = 0;
  for (let m = 0; m < 16; m++) {
    const mrng = Rng.derive(m, 11);
    const bb = box === 'logistic' ? logisticBox(d, mrng) : forestBox(d, mrng);
    const inst = mrng.normals(d), bg = new Float64Array(d);
    const ex: Explainer = { d, kernel, l2: true, level: 0.95, query: (Z, n) => queryPerturbations(bb, Z, n, inst, bg) };
    const fn = sampleFocused(ex, Rng.derive(m, 1), { nInit: 50, maxN: 40000, batch: 10, pool: 1000, temperature: kernel === 'lime' ? 5e-4 : 1e-2, stopWidth: W }).set.n;
    const un = sampleUniform(ex, Rng.derive(m, 2), 50, 40000, 10, W).set.n;
    f += fn; u += un;
    if (fn < un) wins++;
    if (fn > un) losses++;
  }
  console.log(`| ${box} | ${kernel} | ${W} | ${f} | ${u} | ${(f / u).toFixed(3)} | ${wins} / ${losses} |`);
}

console.log(`\nMean predictive scale (B8) on 5,000 fresh candidates at equal N = 2,000 (spec C5), mean over 16 black boxes (n_init 100, batch 250, pool 2000)\n`);
console.log('| black box | kernel | focused | uniform | ratio | focused lower in |');
console.log('|---|---|---|---|---|---|');
for (const box of ['logistic', 'forest']) for (const kernel of ['lime', 'shap'] as KernelName[]) {
  let f = 0, u = 0, lower = 0;
  for (let m = 0; m < 16; m++) {
    const mrng = Rng.derive(m, 11);
    const bb = box === 'logistic' ? logisticBox(d, mrng) : forestBox(d, mrng);
    const inst = mrng.normals(d), bg = new Float64Array(d);
    const ex: Explainer = { d, kernel, l2: true, level: 0.95, query: (Z, n) => queryPerturbations(bb, Z, n, inst, bg) };
    const fs = meanPredictiveScale(sampleFocused(ex, Rng.derive(m, 1), { nInit: 100, maxN: 2000, batch: 250, pool: 2000, temperature: kernel === 'lime' ? 5e-4 : 1e-2 }).fit, d, 5000, Rng.derive(m, 9));
    const us = meanPredictiveScale(sampleUniform(ex, Rng.derive(m, 2), 100, 2000, 250).fit, d, 5000, Rng.derive(m, 9));
    f += fs / 16; u += us / 16;
    if (fs < us) lower++;
  }
  console.log(`| ${box} | ${kernel} | ${f.toExponential(3)} | ${u.toExponential(3)} | ${(f / u).toFixed(3)} | ${lower} / 16 |`);
}

console.log(`\nCoverage of a reference explanation (φ̂ from 200,000 perturbations) by 95% intervals from N perturbations, 200 runs × 8 features (model seed 42)\n`);
console.log('| black box | kernel | N = 100 | N = 500 | N = 2000 |');
console.log('|---|---|---|---|---|');
for (const box of ['logistic', 'forest']) for (const kernel of ['lime', 'shap'] as KernelName[]) {
  const ex = explainer(box, kernel);
  const big = new Perturbations(ex);
  big.add(uniformPerturbations(200000, d, new Rng(1)), 200000);
  const ref = big.fit().phi;
  const cells: string[] = [];
  for (const N of [100, 500, 2000]) {
    let cov = 0, tot = 0;
    for (let r = 0; r < 200; r++) {
      const s = new Perturbations(ex);
      s.add(uniformPerturbations(N, d, Rng.derive(r, 3)), N);
      const f = s.fit();
      const hw = featureHalfWidths(f, 0.95);
      for (let j = 0; j < d; j++) { tot++; if (Math.abs(f.phi[j + 1] - ref[j + 1]) <= hw[j]) cov++; }
    }
    cells.push((cov / tot).toFixed(3));
  }
  console.log(`| ${box} | ${kernel} | ${cells.join(' | ')} |`);
}

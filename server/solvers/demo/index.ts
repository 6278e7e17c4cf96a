// Two tiny built-in solvers that exercise the runner and every editor feature end to end, and serve as
// documented examples of a registry entry. Not tied to a paper.
import { Rng } from '../../numeric/rng';
import type { SolverDef } from '../contract';

const quadratic: SolverDef = {
  id: 'demo.quadratic',
  title: 'Minimum of a quadratic a·x² + b·x + c (closed form)',
  doc: 'Closed-form minimiser of f(x) = a x² + b x + c for a > 0: x* = −b / (2a), f(x*) = c − b² / (4a).',
  paper: 'built-in example',
  mathSpec: '',
  version: '1',
  params: [
    { name: 'a', kind: 'number', doc: 'curvature (must be positive)', default: 1, min: 0, exclusiveMin: true },
    { name: 'b', kind: 'number', doc: 'linear coefficient', default: 0 },
    { name: 'c', kind: 'number', doc: 'constant term', default: 0 },
  ],
  outputs: [
    { name: 'x_min', kind: 'number', doc: 'minimiser −b/(2a)' },
    { name: 'f_min', kind: 'number', doc: 'minimum value c − b²/(4a)' },
  ],
  cost: () => 1e-6,
  async run(p) {
    const a = p.a as number, b = p.b as number, c = p.c as number;
    return { x_min: -b / (2 * a), f_min: c - (b * b) / (4 * a) };
  },
};

const noisyMean: SolverDef = {
  id: 'demo.noisy_mean',
  title: 'Sample mean of n draws from N(mu, sigma²), repeated over seeds',
  doc: 'Draws `n` samples from N(mu, sigma²) per seed and reports the sample mean (mean and std over `seeds`). ' +
    'The std over seeds should be close to sigma/√n — a small stochastic example for `simulate`.',
  paper: 'built-in example',
  mathSpec: '',
  version: '1',
  stochastic: true,
  params: [
    { name: 'mu', kind: 'number', doc: 'true mean', default: 0 },
    { name: 'sigma', kind: 'number', doc: 'noise standard deviation', default: 1, min: 0 },
    { name: 'n', kind: 'integer', doc: 'samples per seed', default: 100, min: 1, max: 1e8 },
    { name: 'seeds', kind: 'integer', doc: 'independent repetitions', default: 5, min: 1, max: 10000 },
  ],
  outputs: [
    { name: 'mean', kind: 'stat', doc: 'sample mean: {mean, std, n} over seeds' },
    { name: 'stderr', kind: 'number', doc: 'theoretical standard error sigma/√n' },
  ],
  cost: (p) => ((p.n as number) * (p.seeds as number)) / 5e7,
  async run(p, ctx) {
    const n = p.n as number, seeds = p.seeds as number;
    const means: number[] = [];
    for (let s = 0; s < seeds; s++) {
      ctx.checkCancelled();
      const rng = Rng.derive(ctx.seed, s);
      let acc = 0;
      for (let i = 0; i < n; i++) acc += (p.mu as number) + (p.sigma as number) * rng.normal();
      means.push(acc / n);
      ctx.progress((s + 1) / seeds, `seed ${s + 1}/${seeds}`);
    }
    const m = means.reduce((a, b) => a + b, 0) / seeds;
    const sd = seeds > 1 ? Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (seeds - 1)) : 0;
    return { mean: { mean: m, std: sd, n: seeds }, stderr: (p.sigma as number) / Math.sqrt(n) };
  },
};

export const solvers: SolverDef[] = [quadratic, noisyMean];

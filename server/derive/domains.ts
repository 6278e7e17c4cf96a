// Random draws for `given` variables, one seeded stream per point so point k is the same for every check
// of a derivation (and the hover's "first point" is point 0 of every check).
import type { DomainName, GivenVar } from '../tlab/ast';
import { Rng } from '../numeric/rng';
import { givenShape } from './shapes';
import { Tensor, tensor } from './tensor';
import { tick } from './runtime';

/**
 * - real: independent N(0, 1) entries;
 * - positive: exp(N(0, 0.5²)) entries, i.e. in about [0.37, 2.7] — away from 0 so log, sqrt and 1/x stay tame;
 * - unit: a vector uniform on the unit sphere (a normalised Gaussian);
 * - simplex: a vector uniform on the probability simplex (normalised Exp(1) draws, i.e. Dirichlet(1, …, 1));
 * - spd: B Bᵀ / n + I with B Gaussian — symmetric, eigenvalues ≥ 1 and condition number ≲ 10, so inverses
 *   and log-determinants of spd inputs are never the reason a check fails.
 */
export function sampleDomain(domain: DomainName, shape: number[], rng: Rng): Tensor {
  const t = tensor(shape);
  const d = t.data;
  // Drawing counts against the check's time limit like any op (an spd draw is a matrix product).
  tick(domain === 'spd' ? shape[0] ** 3 : d.length);
  switch (domain) {
    case 'real':
      for (let i = 0; i < d.length; i++) d[i] = rng.normal();
      break;
    case 'positive':
      for (let i = 0; i < d.length; i++) d[i] = Math.exp(0.5 * rng.normal());
      break;
    case 'unit': {
      let norm = 0;
      while (norm < 1e-8) {
        norm = 0;
        for (let i = 0; i < d.length; i++) { d[i] = rng.normal(); norm += d[i] * d[i]; }
        norm = Math.sqrt(norm);
      }
      for (let i = 0; i < d.length; i++) d[i] /= norm;
      break;
    }
    case 'simplex': {
      let total = 0;
      for (let i = 0; i < d.length; i++) { d[i] = -Math.log(1 - rng.uniform()); total += d[i]; }
      for (let i = 0; i < d.length; i++) d[i] /= total;
      break;
    }
    case 'spd': {
      const n = shape[0];
      const b = rng.normals(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
          const v = s / n + (i === j ? 1 : 0);
          d[i * n + j] = v; d[j * n + i] = v;
        }
      }
      break;
    }
  }
  return t;
}

/** Values of all givens at point k: an independent stream per point, drawn in declaration order. */
export function samplePoint(givens: GivenVar[], seed: number, k: number): Map<string, Tensor> {
  const rng = Rng.derive(seed, k);
  const out = new Map<string, Tensor>();
  for (const v of givens) out.set(v.name.name, sampleDomain(v.domain, givenShape(v), rng));
  return out;
}

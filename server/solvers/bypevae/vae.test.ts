import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../numeric/rng';
import { ExemplarVae, shiftedLogWeights, vaeStep } from './vae';
import { runVae } from './train';
import { shapeImages } from '../pcn/patterns';

test('VAE gradients (decoder, encoder through data and prior centres, log σ²) match finite differences', () => {
  const vae = new ExemplarVae({ D: 6, H: 5, K: 2 }, new Rng(1));
  const X = Float64Array.from({ length: 3 * 6 }, (_, i) => ((i * 7) % 10) / 10);
  const points = Float64Array.from({ length: 4 * 6 }, (_, i) => ((i * 3) % 10) / 10);
  const prior = { points, count: 4, logWeights: shiftedLogWeights(Float64Array.from([1, 2, 0.5, 3]), 8), N: 8 };
  const loss = () => vaeStep(vae, X, 3, prior, 0.7, new Rng(5), false).loss;
  vae.zeroGrad();
  vaeStep(vae, X, 3, prior, 0.7, new Rng(5), true);
  const h = 1e-6;
  const checks: [string, Float64Array, Float64Array][] = [
    ['dec2.W', vae.dec2.W, vae.dec2.gW], ['dec1.W', vae.dec1.W, vae.dec1.gW], ['encMu.W', vae.encMu.W, vae.encMu.gW],
    ['encLv.W', vae.encLv.W, vae.encLv.gW], ['enc1.W', vae.enc1.W, vae.enc1.gW], ['enc1.b', vae.enc1.b, vae.enc1.gb], ['logS2', vae.logS2, vae.gLogS2],
  ];
  for (const [name, p, g] of checks) {
    for (let i = 0; i < Math.min(p.length, 8); i++) {
      const keep = p[i];
      p[i] = keep + h; const lp = loss();
      p[i] = keep - h; const lm = loss();
      p[i] = keep;
      const fd = (lp - lm) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) <= 1e-5 * Math.max(1, Math.abs(fd)), `${name}[${i}]: ${g[i]} vs ${fd}`);
    }
  }
});

test('the VAE trains with a pseudocoreset prior and with the exemplar prior over the whole set (ELBO rises)', () => {
  const N = 200, NV = 50, side = 8, D = side * side;
  const all = shapeImages(N + NV, side, new Rng(3));
  const common = { train: all.subarray(0, N * D), N, valid: all.subarray(N * D), NV, D, H: 32, K: 4, epochs: 6, batch: 50, lr: 2e-3, warmup: 3, coresetEvery: 2, samples: 20, c: 0.5, seed: 1 };
  const byp = runVae({ ...common, prior: 'pseudocoreset', M: 10 });
  const ex = runVae({ ...common, prior: 'exemplar', M: N });
  assert.ok(byp.elbo[byp.elbo.length - 1] > byp.elbo[0], `ELBO ${byp.elbo}`);
  assert.ok(ex.elbo[ex.elbo.length - 1] > ex.elbo[0], `ELBO ${ex.elbo}`);
  assert.ok(byp.w.every((v) => v >= 0));
  assert.ok(byp.w.some((v, i) => Math.abs(v - N / 10) > 1e-9 || i < 0), 'the coreset updates moved the weights');
  assert.equal(byp.seconds.length, 6);
});

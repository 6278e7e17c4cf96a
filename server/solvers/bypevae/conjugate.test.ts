// Checks A5-1..3 of shared/math/bype-vae.md against the spec's computed reference values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import { Rng } from '../../numeric/rng';
import { conjugateKl, ConjugateModel, exactGradient, mcGradient, posterior, ProjectedAdam, Pseudocoreset } from './conjugate';

const model: ConjugateModel = {
  A: new Matrix([[1.0, 0.5], [-0.3, 0.8], [0.2, -0.4]]),
  s2: 0.5,
  X: new Matrix([[0.5, 1.0, -0.2], [1.2, -0.3, 0.4], [-0.7, 0.6, 0.1], [0.3, 0.2, -0.5], [0.9, 1.1, 0.0]]),
};
const reference = (): Pseudocoreset => ({ U: new Matrix([[0.4, 0.5, 0.0], [-0.2, 0.3, 0.3]]), w: [1.5, 2.0] });

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('posteriors and KL match the spec’s reference values', () => {
  const px = posterior(model, model.X, [1, 1, 1, 1, 1]);
  close(px.mean.get(0, 0), 0.1447362709, 1e-9, 'm_X[0]'); close(px.mean.get(1, 0), 0.5443021489, 1e-9, 'm_X[1]');
  close(px.cov.get(0, 0), 0.0832067144, 1e-9, 'S_X00'); close(px.cov.get(0, 1), -0.0130236596, 1e-9, 'S_X01');
  close(px.cov.get(1, 1), 0.0889950076, 1e-9, 'S_X11');
  const pc = reference();
  const pw = posterior(model, pc.U, pc.w);
  close(pw.mean.get(0, 0), -0.0520292978, 1e-9, 'm_w[0]'); close(pw.mean.get(1, 0), 0.2330008282, 1e-9, 'm_w[1]');
  close(pw.cov.get(0, 0), 0.1146806316, 1e-9, 'S_w00'); close(pw.cov.get(1, 1), 0.1223717877, 1e-9, 'S_w11');
  close(conjugateKl(model, pc), 0.962907852114351, 1e-12, 'KL');
});

test('exact gradients (G4, G5) match the reference and central finite differences of the KL', () => {
  const pc = reference();
  const g = exactGradient(model, pc);
  close(g.w[0], -0.5548174783, 1e-9, 'dw0'); close(g.w[1], 0.2065900311, 1e-9, 'dw1');
  const refU = [[-1.465968779, -0.7852797712, 0.3515801415], [-1.9546250387, -1.0470396949, 0.468773522]];
  for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) close(g.U.get(k, j), refU[k][j], 1e-9, `dU${k}${j}`);
  const h = 1e-6;
  for (let k = 0; k < 2; k++) {
    const p = reference(), m = reference();
    p.w[k] += h; m.w[k] -= h;
    close((conjugateKl(model, p) - conjugateKl(model, m)) / (2 * h), g.w[k], 1e-8, `fd w${k}`);
    for (let j = 0; j < 3; j++) {
      const pu = reference(), mu = reference();
      pu.U.set(k, j, pu.U.get(k, j) + h); mu.U.set(k, j, mu.U.get(k, j) - h);
      close((conjugateKl(model, pu) - conjugateKl(model, mu)) / (2 * h), g.U.get(k, j), 1e-8, `fd U${k}${j}`);
    }
  }
});

test('the Monte Carlo estimator with exact posterior samples is unbiased within 4 standard errors', () => {
  const g = exactGradient(model, reference());
  const mc = mcGradient(model, reference(), 200_000, new Rng(7));
  for (let k = 0; k < 2; k++) {
    assert.ok(Math.abs(mc.w[k] - g.w[k]) < 4 * mc.seW[k], `w${k}: ${mc.w[k]} ± ${mc.seW[k]} vs ${g.w[k]}`);
    assert.ok(mc.seW[k] < 0.004, `standard error ${mc.seW[k]} (spec: 0.0027, 0.0015 at S = 200000)`);
  }
  // relative error of the whole estimate shrinks like 1/√S
  const err = (S: number) => {
    let acc = 0; const reps = 20;
    for (let r = 0; r < reps; r++) {
      const e = mcGradient(model, reference(), S, new Rng(100 + r));
      acc += Math.hypot(e.w[0] - g.w[0], e.w[1] - g.w[1]) / Math.hypot(g.w[0], g.w[1]);
    }
    return acc / reps;
  };
  const ratio = err(500) / err(8000);
  assert.ok(ratio > 2.5 && ratio < 6.5, `error ratio for 16× samples ${ratio} (√16 = 4)`);
});

test('projected Adam with exact gradients follows the spec’s KL trace', () => {
  const pc = reference();
  const opt = new ProjectedAdam(2 + 6, 0.5);
  const expected: Record<number, [number, number, number]> = {
    1: [1.19181, 2.0, 1.5], 10: [0.110176, 1.92427, 1.99913], 50: [0.00607952, 2.14773, 2.30549], 200: [0.000937647, 2.27489, 2.4949],
  };
  for (let step = 1; step <= 200; step++) {
    opt.step(pc, exactGradient(model, pc));
    const e = expected[step];
    if (e) {
      close(conjugateKl(model, pc), e[0], 1e-4, `KL at step ${step}`);
      close(pc.w[0], e[1], 1e-4, `w0 at ${step}`); close(pc.w[1], e[2], 1e-4, `w1 at ${step}`);
    }
  }
});

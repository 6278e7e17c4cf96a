// The models on the GPU against their CPU twins: the Adam student (written once on the kernel
// primitives, server/solvers/scaling/studentModel.ts) and the PCN inference step.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../server/numeric/rng';
import { CpuKernels } from '../../server/engine/kernels/cpuBackend';
import type { KernelApi } from '../../server/engine/kernels/api';
import { StudentModel } from '../../server/solvers/scaling/studentModel';
import { DevicePcn } from '../../server/solvers/pcn/deviceNet';
import { gpu, randn, relErr, TOL } from './helpers';

const cpu = new CpuKernels();
after(async () => (await gpu()).dispose());

test('Adam student: 3 steps on different row blocks, renormalisation, evaluation match the CPU', async () => {
  const rng = new Rng(21);
  const d = 40, p = 12, n = 300, rows = 100;
  const x = randn(rng, n * d), y = randn(rng, n, 0.5);
  const w = randn(rng, p * d, 1 / d), v = randn(rng, p, 0.3);
  const xt = randn(rng, 150 * d), yt = randn(rng, 150);
  const out: { w: Float32Array; v: Float32Array; losses: number[]; test: number }[] = [];
  for (const k of [await gpu(), cpu] as KernelApi[]) {
    const s = new StudentModel(k, { d, p, maxRows: rows, lr: 0.003 });
    s.setData(x, y, n);
    s.setWeights(w, v);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) { s.step(step * rows, rows); losses.push(await s.lastLoss()); }
    s.renormalizeRows();
    s.step(0, rows);
    const test = await s.evaluate(xt, yt, 150);
    out.push({ ...(await s.weights()), losses, test });
    s.dispose();
  }
  const [g, c] = out;
  assert.ok(relErr(g.w, c.w) < TOL, `W: ${relErr(g.w, c.w)}`);
  assert.ok(relErr(g.v, c.v) < TOL, `v: ${relErr(g.v, c.v)}`);
  assert.ok(relErr(g.losses, c.losses) < TOL, `losses ${g.losses} vs ${c.losses}`);
  assert.ok(Math.abs(g.test - c.test) < TOL * c.test);
  // the renormalisation left unit rows before the last step moved them a little
  let norm = 0;
  for (let i = 0; i < d; i++) norm += c.w[i] ** 2;
  assert.ok(Math.abs(Math.sqrt(norm) - 1) < 0.05);
});

test('PCN inference steps (relu and tanh, clamped and free sensory layer) and energy match the CPU', async () => {
  const rng = new Rng(22);
  for (const activation of ['relu', 'tanh'] as const) {
    for (const free of [false, true]) {
      const sizes = [30, 20, 10], batch = 7;
      const theta = [new Float32Array(0), randn(rng, 30 * 20, 0.2), randn(rng, 20 * 10, 0.3)];
      const xs = sizes.map((s) => randn(rng, batch * s, 0.5));
      const mask = free ? Float32Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 1 : 0)) : null;
      const res: { e: number[]; x: Float32Array[]; mu: Float32Array }[] = [];
      for (const k of [await gpu(), cpu] as KernelApi[]) {
        const net = new DevicePcn(k, { sizes, batch, activation });
        for (let l = 1; l < 3; l++) net.setWeights(l, theta[l]);
        xs.forEach((x, l) => net.setValues(l, x));
        net.setFreeMask(mask);
        const e: number[] = [await net.energy()];
        for (let t = 0; t < 5; t++) { net.step(0.1); e.push(await net.energy()); }
        res.push({ e, x: [await net.values(0), await net.values(1), await net.values(2)], mu: await net.prediction(0) });
        net.dispose();
      }
      const [g, c] = res;
      assert.ok(relErr(g.e, c.e) < TOL, `${activation} free=${free} energy ${g.e} vs ${c.e}`);
      for (let l = 0; l < 3; l++) assert.ok(relErr(g.x[l], c.x[l]) < TOL, `x${l}`);
      assert.ok(relErr(g.mu, c.mu) < TOL);
      assert.ok(c.e[5] < c.e[0], 'inference lowers the energy');
      if (!free) assert.deepEqual([...c.x[0]], [...xs[0]], 'clamped data layer does not move');
    }
  }
});

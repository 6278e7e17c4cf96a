// The engine's backend choice and GPU fallbacks, with a solver that computes through ctx.kernels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { registerExtraSolvers } from '../../server/engine/execute';
import { InProcessRunner } from '../../server/engine/runner';
import { HostRunner } from '../../server/engine/hostRunner';
import { resetGpu } from '../../server/engine/kernels/index';
import { solvers as testSolvers } from '../../server/engine/testSolvers';

registerExtraSolvers(testSolvers);
process.env.THEORYLAB_EXTRA_SOLVERS = path.join(__dirname, '..', '..', 'server', 'engine', 'testSolvers.ts');

test('the solver host runs ctx.kernels on the WebGPU adapter (lavapipe, allowed explicitly)', async () => {
  const r = new HostRunner({ device: 'gpu', allowSoftwareGpu: true, log: () => {} });
  try {
    const res = await r.solve({ solver: 'test.kernels', params: { n: 48 } });
    assert.equal(res.outputs.sum, 48 ** 3);
    assert.match(res.backend, /^webgpu:.*(llvmpipe|lavapipe)/i);
    assert.deepEqual(res.warnings, []);
    assert.match(await r.backendName('gpu'), /^webgpu:/);
  } finally { r.dispose(); }
});

test('auto never picks a software adapter; an explicit gpu uses it and says it is software', async () => {
  resetGpu();
  const auto = await new InProcessRunner({ device: 'auto' }).solve({ solver: 'test.kernels', params: { n: 8 } });
  assert.match(auto.backend, /^cpu:/);
  assert.equal(auto.outputs.sum, 512);
  assert.deepEqual(auto.warnings, []);
  const forced = await new InProcessRunner({ device: 'gpu' }).solve({ solver: 'test.kernels', params: { n: 8 } });
  assert.match(forced.backend, /^webgpu:.*\(software\)$/);
  assert.equal(forced.outputs.sum, 512);
  assert.equal(forced.warnings.length, 1, forced.warnings.join('; '));
  assert.match(forced.warnings[0], /software rasteriser .*slower than the CPU/);
});

test('scaling.adam_student on an explicit gpu trains on the WebGPU adapter: job and solver report the same backend', async () => {
  resetGpu();
  const params = { d: 16, k: 8, n: 600, width: 6, epochs: 5, seeds: 1, n_test: 200 };
  const res = await new InProcessRunner({ device: 'gpu' }).solve({ solver: 'scaling.adam_student', params, seed: 3 });
  assert.match(res.backend, /^webgpu:/);
  assert.equal((res.outputs as { backend: string }).backend, res.backend);
  const cpu = await new InProcessRunner({ device: 'cpu' }).solve({ solver: 'scaling.adam_student', params, seed: 3 });
  const a = (res.outputs as any).test_mse.mean, b = (cpu.outputs as any).test_mse.mean;
  assert.ok(Math.abs(a / b - 1) < 1e-3, `gpu ${a} vs cpu ${b}`);
});

test('a device loss during a job reruns it on the CPU with a warning', async () => {
  resetGpu();
  const r = new InProcessRunner({ device: 'gpu', allowSoftwareGpu: true });
  const res = await r.solve({ solver: 'test.kernels', params: { n: 16, loseDevice: true } });
  assert.equal(res.outputs.sum, 16 ** 3);
  assert.match(res.backend, /^cpu:/);
  assert.ok(res.warnings.some((w) => /GPU device lost.*rerun on the CPU/.test(w)), res.warnings.join('; '));
  // the next job opens a fresh device
  const next = await r.solve({ solver: 'test.kernels', params: { n: 16 } });
  assert.match(next.backend, /^webgpu:/);
  resetGpu();
});

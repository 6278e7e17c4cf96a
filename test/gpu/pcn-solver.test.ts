// The PCN solver's device path (server/solvers/pcn/kernelMemory.ts) against its float64 CPU twin
// (memory.ts), on lavapipe here: same 0.9 rule, same top-down initialisation, same weight update.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../server/numeric/rng';
import { PcnNetwork } from '../../server/solvers/pcn/network';
import { complete, denoise, trainMemory } from '../../server/solvers/pcn/memory';
import { completeOnKernels, denoiseOnKernels, trainMemoryOnKernels } from '../../server/solvers/pcn/kernelMemory';
import { binaryPatterns } from '../../server/solvers/pcn/patterns';
import { gpu, relErr } from './helpers';

const N = 4, n0 = 16;
const data = binaryPatterns(N, n0, new Rng(3));
const opts = { alpha: 2e-3, gamma: 0.1, steps: 16, maxEpochs: 40, tolerance: 0 };

test('training on the device follows the float64 CPU training (energies, γ schedule, weights)', async () => {
  const k = await gpu();
  const cpuNet = new PcnNetwork({ sizes: [n0, 24, 24], activation: 'relu' }, 5);
  const gpuNet = new PcnNetwork({ sizes: [n0, 24, 24], activation: 'relu' }, 5);
  const a = trainMemory(cpuNet, data, N, opts);
  const b = await trainMemoryOnKernels(k, gpuNet, data, N, opts);
  assert.ok(relErr(b.firstInference.energy, a.firstInference.energy) < 1e-4, 'first inference phase');
  assert.deepEqual(b.firstInference.gamma.map((g) => g.toFixed(6)), a.firstInference.gamma.map((g) => g.toFixed(6)));
  assert.ok(relErr(b.energyPerPixel, a.energyPerPixel) < 1e-2, `energy per epoch: ${b.energyPerPixel.at(-1)} vs ${a.energyPerPixel.at(-1)}`);
  assert.ok(relErr(gpuNet.theta[1], cpuNet.theta[1]) < 1e-3 && relErr(gpuNet.theta[2], cpuNet.theta[2]) < 1e-3);
  // retrieval on the device agrees with the CPU on the same (CPU-trained) network
  const noisy = Float64Array.from(data, (v, i) => v + 0.05 * Math.sin(7 * i));
  const dc = denoise(cpuNet, noisy, N, { iterations: 3, steps: 20, gamma: 0.05 });
  const dg = await denoiseOnKernels(k, cpuNet, noisy, N, { iterations: 3, steps: 20, gamma: 0.05 });
  assert.ok(relErr(dg, dc) < 1e-4, 'denoising');
  const mask = Uint8Array.from({ length: N * n0 }, (_, i) => (i % n0 < 12 ? 1 : 0));
  const cc = complete(cpuNet, data, mask, N, { steps: 50, gamma: 0.05 });
  const cg = await completeOnKernels(k, cpuNet, data, mask, N, { steps: 50, gamma: 0.05 });
  assert.ok(relErr(cg, cc) < 1e-4, 'completion');
});

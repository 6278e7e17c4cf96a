// Batched soft execution on the engine's kernel API (CPU backend here; the WebGPU backend implements
// the same API) gives the answers of the per-scene soft executor on generated programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../numeric/rng';
import { CpuKernels } from '../engine/kernels/cpuBackend';
import { randomQuestionProgram, randomScene } from './generate';
import { runBatchedSoft } from './batched';
import { runSoft, softAnswer } from './soft';
import { exprToString } from './ast';
import { runSymbolic } from './symbolic';

test('batched soft answers equal per-scene soft answers (padded scenes of different sizes)', async () => {
  const rng = new Rng(21);
  const scenes = Array.from({ length: 24 }, (_, k) => randomScene(rng, 2 + rng.int(9), k));
  const kernels = new CpuKernels();
  let checked = 0;
  for (let q = 0; q < 150; q++) {
    const p = randomQuestionProgram(rng, 1 + rng.int(4), (['clevr', 'compact', 'both'] as const)[q % 3]);
    const batched = await runBatchedSoft(p, scenes, kernels);
    // Symbolically INVALID questions are skipped (math spec §7): there the soft answer is a tie-break
    // between equal logits, which float32 and float64 may break differently.
    const valid = scenes.map((s) => { try { runSymbolic(p, s); return true; } catch { return false; } });
    const single = scenes.map((s, b) => (valid[b] ? softAnswer(runSoft(p, s)) : null));
    assert.deepEqual(batched.map((a, b) => (valid[b] ? a : null)), single, exprToString(p));
    checked += valid.filter(Boolean).length;
  }
  assert.ok(checked > 400, `${checked}`);
});

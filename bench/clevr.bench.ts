// Benchmark: CLEVR programs executed per second, symbolic and soft (oracle embeddings), against a
// straightforward Python executor of the same semantics (bench/clevr_peer.py; NumPy for soft),
// measured in the same run on the same generated CLEVR-format scenes and questions files.
// Run: npm run bench -- clevr      (or node --import tsx bench/clevr.bench.ts)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { findPython, fmtSeconds, mdTable, timeit } from '../scripts/bench-harness';
import { generateDataset } from '../server/clevr/generate';
import { parseScenesFile } from '../server/clevr/scene';
import { parseQuestionsFile } from '../server/clevr/questions';
import { evaluateQuestions } from '../server/clevr/analysis';
import { runBatchedSoft } from '../server/clevr/batched';
import { runSoft } from '../server/clevr/soft';
import { randomQuestionProgram } from '../server/clevr/generate';
import { getKernels } from '../server/engine/kernels/index';
import { Rng } from '../server/numeric/rng';

async function main(): Promise<void> {
  const nScenes = 300, perScene = 10;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clevr-bench-'));
  const d = generateDataset(7, nScenes, perScene, [3, 10]);
  const scenesPath = path.join(dir, 'scenes.json'), questionsPath = path.join(dir, 'questions.json');
  fs.writeFileSync(scenesPath, JSON.stringify(d.scenesJson));
  fs.writeFileSync(questionsPath, JSON.stringify(d.questionsJson));
  const scenes = parseScenesFile(fs.readFileSync(scenesPath, 'utf8'), 'val').scenes;
  const questions = parseQuestionsFile(fs.readFileSync(questionsPath, 'utf8')).questions;
  const n = questions.length;
  process.stderr.write(`clevr bench: ${scenes.length} scenes, ${n} questions\n`);

  const sym = evaluateQuestions(questions, scenes, 'symbolic');
  const soft = evaluateQuestions(questions, scenes, 'soft');
  const tSym = await timeit(() => evaluateQuestions(questions, scenes, 'symbolic'), { minSeconds: 1 });
  const tSoft = await timeit(() => evaluateQuestions(questions, scenes, 'soft'), { minSeconds: 1 });
  const softAgree = soft.answers.filter((a, k) => a === sym.answers[k]).length;

  const py = findPython(['numpy']);
  let peer: { symbolic: (string | null)[]; soft: string[]; t_symbolic: number; t_soft: number; numpy: string } | null = null;
  let reason = '';
  if (py) {
    const r = spawnSync(py, [path.join(__dirname, 'clevr_peer.py')], { input: JSON.stringify({ scenes: scenesPath, questions: questionsPath }), encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status === 0) peer = JSON.parse(r.stdout.trim().split('\n').pop()!);
    else reason = `peer failed: ${(r.stderr ?? '').trim().split('\n').pop()}`;
  } else reason = 'no python3 with numpy';
  fs.rmSync(dir, { recursive: true, force: true });

  // One program over every scene: per-scene soft execution vs batched on the engine's kernels.
  const rng = new Rng(17);
  const programs = Array.from({ length: 20 }, () => randomQuestionProgram(rng, 3, 'clevr'));
  const runPerScene = () => { for (const p of programs) for (const s of scenes) runSoft(p, s); };
  const tPer = await timeit(runPerScene, { minSeconds: 1 });
  const backends: { name: string; t: number | null; note: string }[] = [];
  for (const device of ['cpu', 'auto'] as const) {
    const choice = await getKernels(device);
    const kname = choice.kernels.backend.name;
    if (device === 'auto' && choice.kernels.backend.kind !== 'webgpu') { backends.push({ name: 'WebGPU', t: null, note: 'no hardware WebGPU adapter on this machine' }); break; }
    const tb = await timeit(async () => { for (const p of programs) await runBatchedSoft(p, scenes, choice.kernels); }, { minSeconds: 1 });
    backends.push({ name: kname, t: tb, note: device === 'cpu' ? 'engine CPU kernels (float32)' : 'includes upload and read-back' });
  }
  const execs = programs.length * scenes.length;

  const rate = (t: number) => `${Math.round(n / t).toLocaleString('en-US')}/s`;
  const rows: (string | number)[][] = [
    ['symbolic', fmtSeconds(tSym), rate(tSym), peer ? fmtSeconds(peer.t_symbolic) : reason, peer ? rate(peer.t_symbolic) : '—', peer ? `${(tSym / peer.t_symbolic).toFixed(2)}×` : '—'],
    ['soft (oracle, τ = 10)', fmtSeconds(tSoft), rate(tSoft), peer ? fmtSeconds(peer.t_soft) : reason, peer ? rate(peer.t_soft) : '—', peer ? `${(tSoft / peer.t_soft).toFixed(2)}×` : '—'],
  ];
  const agreeSym = peer ? peer.symbolic.filter((a, k) => a === sym.answers[k]).length : 0;
  const agreeSoft = peer ? peer.soft.filter((a, k) => a === soft.answers[k]).length : 0;
  console.log([
    '### CLEVR program execution (symbolic and soft) vs a Python executor',
    '',
    `${n} question programs (CLEVR function set, depth 1–4) on ${scenes.length} generated CLEVR scenes of 3–10 objects; ` +
      'time to execute all of them, median of repeats after a warm-up. Ours: TypeScript on Float64Array kernels (CPU, one thread); ' +
      `peer: bench/clevr_peer.py, plain Python (symbolic) and NumPy ${peer?.numpy ?? ''} (soft), same semantics, per-scene tensors built once per pass on both sides.`,
    '',
    mdTable(['executor', 'ours: all programs', 'ours: programs/s', 'Python peer', 'peer: programs/s', 'ours / peer (time)'], rows),
    '',
    `Checks: accuracy against stored answers ${sym.accuracy} (symbolic), ${soft.accuracy} (soft); soft = symbolic on ${softAgree}/${n}; ` +
      (peer ? `peer = ours on ${agreeSym}/${n} (symbolic) and ${agreeSoft}/${n} (soft).` : `peer: ${reason}.`),
    '',
    `Batched soft execution: ${programs.length} programs (depth 3) each on all ${scenes.length} scenes (${execs} executions), padded to the largest scene.`,
    '',
    mdTable(['executor', 'time', 'executions/s'], [
      ['per scene (Float64Array, server/clevr/soft.ts)', fmtSeconds(tPer), `${Math.round(execs / tPer).toLocaleString('en-US')}/s`],
      ...backends.map((b) => [`batched on ${b.name} (${b.note})`, b.t === null ? '—' : fmtSeconds(b.t), b.t === null ? '—' : `${Math.round(execs / b.t).toLocaleString('en-US')}/s`]),
    ]),
  ].join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });

// Engine kernels: one training step of the Adam student of scaling-laws.md A6 at the paper's sizes
// (d = 200, width p = 100, batch n/3 = 13,333 of n = α d² with α = 1): forward tanh(2 X Wᵀ) v, MSE,
// backward, Adam on W and v. Ours (the student model of server/solvers/scaling/studentModel.ts on the
// CPU kernels — system BLAS, or wasm with THEORYLAB_KERNELS=wasm — and on the WebGPU backend when a
// hardware adapter is present) against NumPy (float32, hand-written gradients + Adam, its OpenBLAS)
// and PyTorch CPU when installed (float32, autograd + torch.optim.Adam), same data, same initial
// weights; the losses of the first steps are cross-checked before timing. Ours and the peers run in
// BENCH_ROUNDS interleaved rounds (default 3); each figure is the best round's median.
// Run: npm run bench -- engine-adam   (about a minute)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '../server/numeric/rng';
import { CpuKernels } from '../server/engine/kernels/cpuBackend';
import type { KernelApi } from '../server/solvers/contract';
import { StudentModel } from '../server/solvers/scaling/studentModel';
import { fmtSeconds, mdTable, pyTimeit, runPython, timeit } from '../scripts/bench-harness';
import { gpuForBench } from './engine-gpu';

const d = Number(process.env.BENCH_D ?? 200), p = Number(process.env.BENCH_P ?? 100);
const rows = Number(process.env.BENCH_ROWS ?? 13333);
const lr = 0.003, CHECK_STEPS = 3;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function oursStep(k: KernelApi, x: Float32Array, y: Float32Array, w: Float32Array, v: Float32Array): Promise<{ t: number; losses: number[] }> {
  const s = new StudentModel(k, { d, p, maxRows: rows, lr });
  s.setData(x, y, rows);
  s.setWeights(w, v);
  const losses: number[] = [];
  for (let i = 0; i < CHECK_STEPS; i++) { s.step(0, rows); losses.push(await s.lastLoss()); }
  // the timed unit is one step with its completion (GPU: waiting for the device; the loss is read back)
  const t = await timeit(async () => { s.step(0, rows); await s.lastLoss(); }, { minRepeats: 5, minSeconds: 1 });
  s.dispose();
  return { t, losses };
}

async function main(): Promise<void> {
  const rng = new Rng(2024);
  const x = Float32Array.from(rng.normals(rows * d));
  const y = Float32Array.from(rng.normals(rows, 0.3));
  const bound = 1 / Math.sqrt(d);
  const w = Float32Array.from({ length: p * d }, () => ((2 * rng.uniform() - 1) * bound) / Math.sqrt(d));
  const v = new Float32Array(p).fill(1 / Math.sqrt(p));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-bench-adam-'));
  for (const [name, arr] of [['x', x], ['y', y], ['w', w], ['v', v]] as const) fs.writeFileSync(path.join(dir, `${name}.f32`), Buffer.from(arr.buffer));

  const load = `import numpy as np
d, p, B, lr = ${d}, ${p}, ${rows}, ${lr}
D = ${JSON.stringify(dir)}
X = np.fromfile(D + "/x.f32", dtype=np.float32).reshape(B, d); Y = np.fromfile(D + "/y.f32", dtype=np.float32)
W0 = np.fromfile(D + "/w.f32", dtype=np.float32).reshape(p, d); V0 = np.fromfile(D + "/v.f32", dtype=np.float32)`;
  const runTorch = () => runPython<{ t: number; t2: number; losses: number[]; threads: number }>(['torch', 'numpy'], `${pyTimeit}
${load}
import torch
x, y = torch.from_numpy(X), torch.from_numpy(Y)
W = torch.from_numpy(W0.copy()).requires_grad_(); V = torch.from_numpy(V0.copy()).requires_grad_()
opt = torch.optim.Adam([W, V], lr=lr)
def step():
    opt.zero_grad()
    loss = ((torch.tanh(2 * (x @ W.T)) @ V - y) ** 2).mean()
    loss.backward(); opt.step()
    return float(loss)
losses = [step() for _ in range(${CHECK_STEPS})]
threads = torch.get_num_threads()
t = timeit(step, 5, 1.0)
torch.set_num_threads(2)
print(json.dumps({"t": t, "t2": timeit(step, 5, 1.0), "losses": losses, "threads": threads}))`);

  const runNumpy = () => runPython<{ t: number; losses: number[]; version: string; threads: string }>(['numpy'], `${pyTimeit}
${load}
W, V = W0.copy(), V0.copy()
mW, vW, mV, vV = np.zeros_like(W), np.zeros_like(W), np.zeros_like(V), np.zeros_like(V)
state = {"t": 0}
def adam(w, g, m, v, t):
    m *= 0.9; m += 0.1 * g; v *= 0.999; v += 0.001 * g * g
    w -= (lr / (1 - 0.9 ** t)) * m / (np.sqrt(v) / np.sqrt(1 - 0.999 ** t) + 1e-8)
def step():
    A = np.tanh(2 * (X @ W.T)); r = A @ V - Y
    loss = float(np.mean(r * r))
    g = (2.0 / B) * r
    gV = A.T @ g
    gW = ((g[:, None] * V[None, :]) * 2 * (1 - A * A)).T @ X
    state["t"] += 1
    adam(W, gW.astype(np.float32), mW, vW, state["t"]); adam(V, gV.astype(np.float32), mV, vV, state["t"])
    return loss
losses = [step() for _ in range(${CHECK_STEPS})]
import os
print(json.dumps({"t": timeit(step, 5, 1.0), "losses": losses, "version": np.__version__, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default (all cores)")}))`);

  const cpuKernels = new CpuKernels();
  type Peer<T> = { result: (T & { t: number; losses: number[] }) | null; reason?: string };
  const best = <T>(a: Peer<T> | undefined, b: Peer<T>): Peer<T> => (!a || !a.result || (b.result && b.result.t < a.result.t) ? b : a);
  let cpu: { t: number; losses: number[] } | undefined;
  let th: Peer<{ t2: number; threads: number }> | undefined, np: Peer<{ version: string; threads: string }> | undefined;
  let g: { t: number; losses: number[] } | null = null;
  const gpu = await gpuForBench();
  for (let round = 0; round < ROUNDS; round++) {
    const c = await oursStep(cpuKernels, x, y, w, v);
    if (!cpu || c.t < cpu.t) cpu = c;
    np = best(np, runNumpy());
    th = best(th, runTorch());
    if (gpu) { const gg = await oursStep(gpu.kernels, x, y, w, v); if (!g || gg.t < g.t) g = gg; }
    process.stderr.write(`[engine-adam] round ${round + 1}: ours ${fmtSeconds(c.t)}, numpy ${np.result ? fmtSeconds(np.result.t) : np.reason}\n`);
  }
  if (!cpu || !np || !th) throw new Error('no rounds');
  fs.rmSync(dir, { recursive: true, force: true });

  const agree = (a: number[] | undefined, b: number[]) => !!a && a.every((l, i) => Math.abs(l - b[i]) <= 1e-4 * Math.abs(b[i]));
  const ratio = (t: number, peer?: { t: number; losses: number[] } | null, ref?: number[]) =>
    !peer ? '—' : agree(peer.losses, ref ?? cpu.losses) ? `${(t / peer.t).toFixed(2)}×` : `losses DISAGREE (${peer.losses.map((l) => l.toPrecision(6))})`;
  const flops = 4 * rows * d * p; // forward X·Wᵀ and backward dHᵀ·X dominate
  const rowsOut = [
    [`ours, ${cpuKernels.backend.name}`, fmtSeconds(cpu.t), (flops / cpu.t / 1e9).toFixed(1), ratio(cpu.t, th.result), ratio(cpu.t, np.result)],
  ];
  if (g && gpu) rowsOut.push([`ours, ${gpu.label}`, fmtSeconds(g.t), (flops / g.t / 1e9).toFixed(1), ratio(g.t, th.result, g.losses), ratio(g.t, np.result, g.losses)]);
  rowsOut.push([`PyTorch CPU ${th.result ? `(${th.result.threads} thread(s), float32)` : '(not installed here)'}`, th.result ? fmtSeconds(th.result.t) : (th.reason ?? '—'), th.result ? (flops / th.result.t / 1e9).toFixed(1) : '—', th.result ? '1×' : '—', '']);
  if (th.result && th.result.threads !== 2) {
    rowsOut.push(['PyTorch CPU (set to 2 threads)', fmtSeconds(th.result.t2), (flops / th.result.t2 / 1e9).toFixed(1), `ours/this: ${(cpu.t / th.result.t2).toFixed(2)}×`, '']);
  }
  rowsOut.push([`NumPy ${np.result?.version ?? ''} (float32, OpenBLAS threads: ${np.result?.threads ?? '?'})`, np.result ? fmtSeconds(np.result.t) : (np.reason ?? '—'), np.result ? (flops / np.result.t / 1e9).toFixed(1) : '—', '', '1×']);
  console.log([
    `### Engine: one Adam-student training step (d = ${d}, p = ${p}, batch ${rows.toLocaleString('en-US')})`, '',
    `Median wall time of one step (forward, MSE, backward, Adam on W and v) after ${CHECK_STEPS} checked steps, best of ${ROUNDS} interleaved rounds; ` +
    `the losses of those steps agree with the peers to 1e-4 relative (a cell says DISAGREE otherwise). ` +
    'GFLOP/s counts the two big matmuls only (4·batch·d·p). Ratio = ours / peer (>1: the peer is faster).', '',
    mdTable(['implementation', 'time per step', 'GFLOP/s', 'vs PyTorch', 'vs NumPy'], rowsOut),
    '', g ? '' : 'WebGPU: no hardware adapter on this machine (lavapipe is not a GPU; `BENCH_LAVAPIPE=1` times it anyway, labelled).',
  ].join('\n'));
  gpu?.kernels.dispose();
}

main().catch((e) => { console.error(e); process.exit(1); });

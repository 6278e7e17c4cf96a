// One PCN training epoch at claim C3's setting (n⁰ = 64, widths 128/128, N = 10, ReLU, T = 32, full
// batch) — ours in float64 on the system BLAS (what pcn.train runs by default: network.ts with
// ctx.kernels.gemm), in float64 on the JS blocked GEMMs (gemm64.ts, the no-BLAS fallback) and in
// float32 (DevicePcn on the CPU kernels) against the NumPy peer bench/pcn_peer.py (float64,
// OPENBLAS_NUM_THREADS=1), interleaved in one run: `rounds` rounds of (each path, peer), each timing
// several epochs; min and median over rounds. Ours runs its BLAS on one thread too.
// Before timing, the paths are checked to give the same inference energies.
// Run: node --import tsx bench/pcn-epoch.bench.ts [rounds]
process.env.THEORYLAB_BLAS_THREADS = '1'; // as the peer (set before the kernels load the BLAS)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cpuKernels } from '../server/engine/kernels/index';
import { Rng } from '../server/numeric/rng';
import { trainMemoryOnKernels } from '../server/solvers/pcn/kernelMemory';
import { trainMemory } from '../server/solvers/pcn/memory';
import { PcnNetwork } from '../server/solvers/pcn/network';
import { binaryPatterns } from '../server/solvers/pcn/patterns';
import { findPython, mdTable } from '../scripts/bench-harness';

const rounds = Number(process.argv[2] ?? 7), perRound = 10;
const N = 10, n0 = 64, sizes = [n0, 128, 128];
const data = binaryPatterns(N, n0, new Rng(1));
const opts = { alpha: 1e-3, gamma: 0.1, steps: 32, maxEpochs: 1, tolerance: 0 };
const k = cpuKernels();

async function main() {
  // checked results first: the same first epoch in both precisions
  const a = trainMemory(new PcnNetwork({ sizes, activation: 'relu' }, 3), data, N, opts).firstInference.energy;
  const b = (await trainMemoryOnKernels(k, new PcnNetwork({ sizes, activation: 'relu' }, 3), data, N, opts)).firstInference.energy;
  const dev = Math.max(...a.map((e, t) => Math.abs(e - b[t]) / e));
  if (dev > 1e-4) throw new Error(`float32 and float64 epochs differ by ${dev}`);
  const withBlas = (net: PcnNetwork) => { net.gemm = (x, y, z, m, kk, n, o) => k.gemm(x, y, z, m, kk, n, o); return net; };
  const c = trainMemory(withBlas(new PcnNetwork({ sizes, activation: 'relu' }, 3)), data, N, opts).firstInference.energy;
  const devBlas = Math.max(...a.map((e, t) => Math.abs(e - c[t]) / e));
  if (devBlas > 1e-12) throw new Error(`float64 on the BLAS and on the JS GEMMs differ by ${devBlas}`);
  // the task's rule: Debian's python3 with python3-numpy (the pyenv python3 on PATH has no numpy)
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : findPython(['numpy']);
  const net64 = new PcnNetwork({ sizes, activation: 'relu' }, 3), net32 = new PcnNetwork({ sizes, activation: 'relu' }, 3);
  const netBlas = withBlas(new PcnNetwork({ sizes, activation: 'relu' }, 3));
  const t64: number[] = [], t32: number[] = [], tBlas: number[] = [], pyMin: number[] = [], pyMed: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < perRound; i++) { const t0 = performance.now(); trainMemory(netBlas, data, N, opts); tBlas.push(performance.now() - t0); }
    for (let i = 0; i < perRound; i++) { const t0 = performance.now(); trainMemory(net64, data, N, opts); t64.push(performance.now() - t0); }
    for (let i = 0; i < perRound; i++) { const t0 = performance.now(); await trainMemoryOnKernels(k, net32, data, N, opts); t32.push(performance.now() - t0); }
    if (python) {
      const p = spawnSync(python, [path.join(__dirname, 'pcn_peer.py'), String(perRound)], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
      if (p.status === 0) { const j = JSON.parse(p.stdout.trim().split('\n').pop()!); pyMin.push(j.min * 1000); pyMed.push(j.median * 1000); }
    }
  }
  const stat = (x: number[]) => { const s = [...x].sort((u, v) => u - v); return { min: s[0], med: s[s.length >> 1] }; };
  const s64 = stat(t64), s32 = stat(t32), sBlas = stat(tBlas);
  const spy = pyMin.length ? { min: stat(pyMin).min, med: stat(pyMed).med } : undefined;
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const ratio = (v: number, w?: number) => (w ? `${(v / w).toFixed(1)}×` : 'n/a');
  console.log(`### PCN training epoch at the C3 setting vs NumPy (${rounds} interleaved rounds × ${perRound} epochs)\n`);
  console.log(`First-epoch inference energies, max relative difference to the JS float64 path: float32 ${dev.toExponential(1)}, float64 on the BLAS ${devBlas.toExponential(1)} (checked before timing).`);
  console.log(`Peer: bench/pcn_peer.py, ${python ?? 'no python with numpy'}, float64, OPENBLAS_NUM_THREADS=1 (the BLAS NumPy links). Ours: ${k.backend.name}, one thread.\n`);
  console.log(mdTable(['path', 'min', 'median', 'min / NumPy min', 'median / NumPy median (of per-round medians)'], [
    ['Theory Lab float64 on the BLAS (default)', ms(sBlas.min), ms(sBlas.med), ratio(sBlas.min, spy?.min), ratio(sBlas.med, spy?.med)],
    ['Theory Lab float64 (blocked JS GEMMs, no BLAS)', ms(s64.min), ms(s64.med), ratio(s64.min, spy?.min), ratio(s64.med, spy?.med)],
    ['Theory Lab float32 (DevicePcn on the CPU kernels)', ms(s32.min), ms(s32.med), ratio(s32.min, spy?.min), ratio(s32.med, spy?.med)],
    ['NumPy float64 (peer)', spy ? ms(spy.min) : 'n/a', spy ? ms(spy.med) : 'n/a', '1×', '1×'],
  ]));
}
main();

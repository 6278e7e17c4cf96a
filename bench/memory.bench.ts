// Time to decide one optimal-rule storage instance (math spec M3) near the capacity transition:
// the TypeScript finite-Newton decider (server/solvers/memory/decide.ts) against scipy's HiGHS on the
// very same instance (bench/memory_peer.py, run by python3 in this process). Prints a markdown table.
//
//   node --import tsx bench/memory.bench.ts [--d 32,64] [--p 205,640] [--seed 1] [--peer-timeout 600]
//
// Default p is near the 50% point (p ln p ≈ κ d² with κ from the measured finite-size trend), where
// deciding is hardest. The peer solves the full LP when it fits (p(p−1)(d²+1) ≤ 4e7 nonzeros) and
// otherwise uses HiGHS row generation; the table says which.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decideFeasibility } from '../server/solvers/memory/decide';
import { withKernels } from '../server/solvers/memory/bmm';
import { CpuKernels } from '../server/engine/kernels/cpuBackend';
import { sampleInstance } from '../server/solvers/memory/instance';

const kernels = new CpuKernels();

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const ds = arg('d', '32,64').split(',').map(Number);
const psArg = arg('p', '205,640').split(',').map(Number);
const seed = Number(arg('seed', '1'));
const peerTimeout = Number(arg('peer-timeout', '600'));
const maxNnz = arg('max-nnz', '4e7');
const budgetS = Number(arg('budget-s', '600'));
const here = __dirname;

const rows: string[] = [
  '### memory.capacity: deciding one optimal-rule instance near p_c (ours vs scipy HiGHS)',
  '',
  'One decision per size (minutes each, so no repeats); both sides must reach the same verdict. HiGHS: scipy.optimize.linprog(method="highs"), default threads; "full" = the whole (M3) LP, "rowgen" = HiGHS on a growing working set of rows. Ratio = ours / HiGHS (above 1: HiGHS faster).',
  '',
  '| d | p | rows p(p−1) | our verdict | ours s (Newton steps, CG steps) | HiGHS verdict | HiGHS s (mode) | ours / HiGHS |',
  '|---|---|---|---|---|---|---|---|',
];
ds.forEach((d, k) => {
  const p = psArg[Math.min(k, psArg.length - 1)];
  const inst = sampleInstance(d, p, 'coupled', seed, 0);
  const t0 = performance.now();
  // the engine's CPU kernels, as in a job (without them bmm falls back to its plain reference loops)
  const dec = withKernels(kernels, () => decideFeasibility(inst, { budgetMs: budgetS * 1000 }));
  const ts = (performance.now() - t0) / 1000;

  const file = path.join(os.tmpdir(), `memory-bench-${process.pid}-${d}.json`);
  fs.writeFileSync(file, JSON.stringify({ d, p, E: Array.from(inst.E), U: Array.from(inst.U) }));
  const r = spawnSync('python3', [path.join(here, 'memory_peer.py'), file, maxNnz], { encoding: 'utf8', timeout: peerTimeout * 1000 });
  fs.rmSync(file, { force: true });
  let peer: { verdict?: string; seconds?: number; mode?: string; t_star?: number } = {};
  let peerCell = '', ratio = '—';
  if (r.status === 0) {
    peer = JSON.parse(r.stdout.trim().split('\n').pop()!);
    peerCell = `${peer.seconds!.toFixed(1)} (${peer.mode})`;
    ratio = (ts / peer.seconds!).toFixed(2);
  } else {
    peerCell = r.error ? `no answer within ${peerTimeout} s` : `failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  }
  const agree = peer.verdict === undefined ? '' : peer.verdict === dec.verdict ? '' : ' **(disagree)**';
  rows.push(`| ${d} | ${p} | ${p * (p - 1)} | ${dec.verdict}${agree} | ${ts.toFixed(1)} (${dec.newtonSteps}, ${dec.cgSteps}) | ${peer.verdict ?? '—'} | ${peerCell} | ${ratio} |`);
  console.error(rows[rows.length - 1]);
});
console.log(rows.join('\n'));

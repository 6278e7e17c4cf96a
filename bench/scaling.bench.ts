// Benchmark: a 40-point Bayes-optimal curve (table-A setup, α = geomspace(2, 70, 40)) with
// scaling.bayes_optimal, against our own numpy/scipy peer of the same equations (bench/scaling_peer.py).
// Run: node --import tsx bench/scaling.bench.ts   (prints a markdown section)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { InProcessRunner } from '../server/engine/runner';

async function main(): Promise<void> {
  const d = 200, k = 100, beta = 1, delta = 0.01, points = 40;
  const alphas = Array.from({ length: points }, (_, i) => 2 * Math.pow(35, i / (points - 1)));
  const runner = new InProcessRunner();

  // Each grid point is a separate call, as in a .tlab sweep; the first call also builds the
  // per-activation tables (Hermite series, scalar-channel grid, m_e table).
  const t0 = performance.now();
  const eps: number[] = [], kc: number[] = [];
  for (const alpha of alphas) {
    const r = await runner.solve({ solver: 'scaling.bayes_optimal', params: { d, k, beta, delta, alpha } });
    eps.push(r.outputs.eps as number); kc.push(r.outputs.k_c as number);
  }
  const tsCold = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  for (const alpha of alphas) await runner.solve({ solver: 'scaling.bayes_optimal', params: { d, k, beta, delta, alpha } });
  const tsWarm = (performance.now() - t1) / 1000;

  // Wide teacher of the two-laws example: 37 points, k = 20000.
  const t2 = performance.now();
  for (let i = 0; i < 37; i++) {
    await runner.solve({ solver: 'scaling.bayes_optimal', params: { d: 40000, k: 20000, beta, delta: 1, n: 1e3 * Math.pow(1e9, i / 36) * 40000 } });
  }
  const tsWide = (performance.now() - t2) / 1000;

  const peer = spawnSync('python3', [path.join(__dirname, 'scaling_peer.py')], {
    input: JSON.stringify({ d, k, beta, delta, alphas }), encoding: 'utf8',
  });
  const lines: string[] = ['## scaling.bayes_optimal: 40-point curve vs numpy/scipy peer', ''];
  lines.push(`Setup: d = ${d}, k = ${k}, β = ${beta}, Δ = ${delta}, tanh(2x), α = geomspace(2, 70, ${points}); one solver call per point.`, '');
  lines.push('| implementation | 40-point curve (s) | notes |', '|---|---|---|');
  lines.push(`| Theory Lab (TypeScript), first pass | ${tsCold.toFixed(3)} | includes building the activation tables |`);
  lines.push(`| Theory Lab (TypeScript), cached tables | ${tsWarm.toFixed(3)} | |`);
  if (peer.status === 0) {
    const p = JSON.parse(peer.stdout);
    const maxRel = Math.max(...eps.map((e, i) => Math.abs(e / p.eps[i] - 1)));
    const kcSame = kc.every((x, i) => x === p.k_c[i]);
    const peerTotal = p.setup_s + p.curve_s;
    lines.push(`| numpy/scipy peer (A2 iteration, vectorised) | ${peerTotal.toFixed(3)} | setup ${p.setup_s.toFixed(3)} s + curve ${p.curve_s.toFixed(3)} s |`);
    lines.push('');
    lines.push(`Speed ratio peer / Theory Lab: ${(peerTotal / tsCold).toFixed(1)}× (first pass), ${(p.curve_s / tsWarm).toFixed(1)}× (curve only, cached).`);
    lines.push(`Agreement: max relative difference of ε over the curve ${maxRel.toExponential(2)}; k_c identical: ${kcSame}.`);
  } else {
    lines.push(`| numpy/scipy peer | failed | ${(peer.stderr || peer.error?.message || '').toString().split('\n').slice(-2).join(' ')} |`);
  }
  lines.push(`Wide teacher (two_laws example: d = 40000, k = 20000, 37 points n/d = 1e3..1e12): ${tsWide.toFixed(2)} s.`);
  console.log(lines.join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });

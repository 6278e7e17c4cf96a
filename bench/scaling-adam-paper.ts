// The Adam runs of scaling-laws.md A6 at the paper's own scale (issue 18 item 4): d = 200, k = 100,
// β = 1, Δ = 0.01, α ∈ {2, 5, 10}, a width-k_c student (v init p^{−1/2}) and a full-width one (width
// k, v init 0), lr 0.003, 3 batches per epoch, renormalisation, 10,000 test points. Each point runs
// the paper's 10,000 epochs or as many as fit in ADAM_POINT_SECONDS (default 1200 = 20 min; the
// epoch count is set from 2- and 22-epoch calibration runs after a warm-up and printed). Next to each point: what a NumPy
// script of the same protocol (float32, hand-written gradients, its OpenBLAS) takes for the same
// epochs, measured over ADAM_PEER_EPOCHS (default 2) epochs and extrapolated — stated as such.
// Environment: ADAM_D, ADAM_ALPHAS, ADAM_SEEDS (default 1; the paper uses 9), ADAM_POINT_SECONDS,
// ADAM_WIDTHS (kc,full), ADAM_MAX_EPOCHS (default 10000), BENCH_PYTHON (use /usr/bin/python3 here).
// Not a *.bench.ts file, so `npm run bench` skips it (hours at full settings). Run:
//   BENCH_PYTHON=/usr/bin/python3 node --import tsx bench/scaling-adam-paper.ts
import { InProcessRunner } from '../server/engine/runner';
import { pyTimeit, runPython } from '../scripts/bench-harness';

const d = Number(process.env.ADAM_D ?? 200), k = d / 2;
const alphas = (process.env.ADAM_ALPHAS ?? '2,5,10').split(',').map(Number);
const seeds = Number(process.env.ADAM_SEEDS ?? 1);
const pointSeconds = Number(process.env.ADAM_POINT_SECONDS ?? 1200);
const maxEpochs = Number(process.env.ADAM_MAX_EPOCHS ?? 10000);
const widths = (process.env.ADAM_WIDTHS ?? 'kc,full').split(',');
const peerEpochs = Number(process.env.ADAM_PEER_EPOCHS ?? 2);

/** Seconds per epoch of the same protocol in NumPy (n = α d², width p, 3 batches), over a few epochs. */
function numpyEpochSeconds(n: number, p: number): { s: number | null; reason?: string; version?: string } {
  const r = runPython<{ s: number; version: string }>(['numpy'], `${pyTimeit}
import numpy as np
d, p, n, lr, E = ${d}, ${p}, ${n}, 0.003, ${peerEpochs}
rng = np.random.default_rng(0)
X = rng.standard_normal((n, d), dtype=np.float32); Y = rng.standard_normal(n).astype(np.float32)
W = (rng.uniform(-1, 1, (p, d)) / d).astype(np.float32); V = np.full(p, p ** -0.5, dtype=np.float32)
mW, vW, mV, vV = np.zeros_like(W), np.zeros_like(W), np.zeros_like(V), np.zeros_like(V)
bounds = [round(b * n / 3) for b in range(4)]
t = 0
def adam(w, g, m, v, t):
    m *= 0.9; m += 0.1 * g; v *= 0.999; v += 0.001 * g * g
    w -= (lr / (1 - 0.9 ** t)) * m / (np.sqrt(v) / np.sqrt(1 - 0.999 ** t) + 1e-8)
t0 = time.perf_counter()
for e in range(E):
    for b in range(3):
        Xb, Yb = X[bounds[b]:bounds[b + 1]], Y[bounds[b]:bounds[b + 1]]
        A = np.tanh(2 * (Xb @ W.T)); r = A @ V - Yb
        g = (2.0 / len(Yb)) * r
        gV = A.T @ g
        gW = ((g[:, None] * V[None, :]) * 2 * (1 - A * A)).T @ Xb
        t += 1
        adam(W, gW, mW, vW, t); adam(V, gV, mV, vV, t)
    W /= np.linalg.norm(W, axis=1, keepdims=True)
print(json.dumps({"s": (time.perf_counter() - t0) / E, "version": np.__version__}))`);
  return r.result ? { s: r.result.s, version: r.result.version } : { s: null, reason: r.reason };
}

async function main(): Promise<void> {
  const runner = new InProcessRunner({ device: 'cpu' });
  const common = { d, k, beta: 1, delta: 0.01, lr: 0.003, seeds, n_test: 10000, batches: 3, renormalise: true };
  const rows: string[] = [];
  let backend = '';
  for (const alpha of alphas) {
    const bo = (await runner.solve({ solver: 'scaling.bayes_optimal', params: { d, k, beta: 1, delta: 0.01, alpha } })).outputs as Record<string, number>;
    const n = Math.round(alpha * d * d);
    for (const which of widths) {
      const width = which === 'kc' ? bo.k_c : k;
      const params = { ...common, alpha, width, v_init: which === 'kc' ? 'inv_sqrt_width' : 'zero' };
      // Calibration: two short runs; their difference is the training cost per epoch, the rest is the
      // fixed cost (teacher data in float64 JS, the test set, ε_BO, overlaps) that a peer script also pays.
      const timeRun = async (epochs: number) => {
        const t0 = performance.now();
        await runner.solve({ solver: 'scaling.adam_student', params: { ...params, epochs, seeds: 1 } });
        return (performance.now() - t0) / 1000;
      };
      await timeRun(2); // warm-up: the first call pays for compilation and buffer set-up
      const t2 = await timeRun(2), t12 = await timeRun(22);
      // on a noisy machine the difference can vanish: then charge everything to the epochs (an overestimate)
      const perEpoch = t12 - t2 > 0.05 * t12 ? (t12 - t2) / 20 : t12 / 22, fixed = Math.max(0, t2 - 2 * perEpoch);
      const epochs = Math.max(1, Math.min(maxEpochs, Math.floor((pointSeconds / seeds - fixed) / perEpoch)));
      console.error(`[adam-paper] α = ${alpha}, width ${width}: ${(perEpoch * 1000).toFixed(0)} ms/epoch, fixed ${fixed.toFixed(1)} s → ${epochs} epochs`);
      const t1 = performance.now();
      const res = await runner.solve({ solver: 'scaling.adam_student', params: { ...params, epochs } });
      const secs = (performance.now() - t1) / 1000;
      const a = res.outputs as any;
      backend = res.backend;
      const peer = numpyEpochSeconds(n, width);
      const peerTotal = peer.s !== null ? peer.s * epochs * seeds : null;
      // The cost per epoch of the run itself: its time beyond the 2-epoch calibration run (same fixed
      // cost), per extra epoch. The calibration only chooses the epoch count: its 10-epoch difference
      // was seen 6× off on this machine (470 ms predicted, 80 ms measured).
      const measured = seeds === 1 && epochs > 12 ? Math.max(0, (secs - t2) / (epochs - 2)) : perEpoch;
      const training = Math.max(0, measured * epochs * seeds);
      rows.push(`| ${alpha} | ${which === 'kc' ? `k_c = ${width}` : `full = ${width}`} | ${bo.eps.toExponential(3)} | ${epochs}${epochs < 10000 ? ' (budget)' : ''} | ` +
        `${a.test_mse.mean.toExponential(3)} ± ${a.test_mse.std.toExponential(1)} | ${(a.test_mse.mean / bo.eps).toFixed(2)} | ${a.learned_features.mean.toFixed(1)} | ` +
        `${secs.toFixed(0)} (training ≈ ${training.toFixed(0)}, ${(measured * 1000).toFixed(0)} ms/epoch) | ` +
        `${peerTotal !== null ? `${peerTotal.toFixed(0)} training only, extrapolated from ${peerEpochs} epochs (${(peer.s! * 1000).toFixed(0)} ms/epoch); per-epoch ratio ours/peer ${(measured / peer.s!).toFixed(2)}×` : peer.reason} |`);
      console.error(rows[rows.length - 1]);
    }
  }
  console.log([
    '### scaling.adam_student at the paper\'s scale (A6 protocol)', '',
    `d = ${d}, k = ${k}, β = 1, Δ = 0.01, lr 0.003, 3 batches/epoch, renormalised rows, ${seeds} seed(s) (paper: 9), 10,000 test points; ` +
    `epochs: the paper's 10,000 or what fits in ${pointSeconds} s per point (marked "budget"). Ours on ${backend}. ` +
    'The claim under test: Adam near width k_c reaches ε_BO up to a small algorithmic gap (ratio near 1).', '',
    '| α | width | ε_BO | epochs | test MSE | ratio to ε_BO | learned features | ours, s | NumPy peer, s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });

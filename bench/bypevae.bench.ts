// ByPE-VAE speed claim at laptop scale: time per epoch and validation ELBO of the same VAE with a
// pseudocoreset prior (M = 50) and with the Exemplar-VAE prior over all N = 1000 training images.
// The comparison is between the two priors in the same run (the paper's claim is a ratio too).
import { Rng } from '../server/numeric/rng';
import { runVae } from '../server/solvers/bypevae/train';
import { shapeImages } from '../server/solvers/pcn/patterns';
import { fmtSeconds, mdTable } from '../scripts/bench-harness';

async function main() {
  const N = 1000, NV = 200, side = 16, D = side * side, epochs = 8;
  const all = shapeImages(N + NV, side, new Rng(1));
  const common = { train: all.subarray(0, N * D), N, valid: all.subarray(N * D), NV, D, H: 128, K: 8, epochs, batch: 100, lr: 1e-3, warmup: 4, coresetEvery: 2, samples: 50, c: 0.5, seed: 1 };
  const rows: (string | number)[][] = [];
  const res: Record<string, { t: number; elbo: number }> = {};
  for (const prior of ['pseudocoreset', 'exemplar'] as const) {
    process.stderr.write(`bypevae: ${prior}…\n`);
    const r = runVae({ ...common, prior, M: prior === 'exemplar' ? N : 50 });
    const t = r.seconds.reduce((a, b) => a + b, 0) / r.seconds.length;
    res[prior] = { t, elbo: r.elbo[r.elbo.length - 1] };
    rows.push([prior === 'exemplar' ? `Exemplar VAE (all ${N} points)` : 'ByPE-VAE (M = 50)', fmtSeconds(t), r.elbo[r.elbo.length - 1].toFixed(2)]);
  }
  console.log([
    `### ByPE-VAE: pseudocoreset vs exemplar prior (N = ${N} shape images ${side}×${side}, ${epochs} epochs, H = 128, K = 8)`,
    '',
    mdTable(['prior', 'time per epoch', 'validation ELBO'], rows),
    '',
    `Speed-up of the pseudocoreset prior: ${(res.exemplar.t / res.pseudocoreset.t).toFixed(1)}× per epoch (the paper reports up to ~3× on its basic VAE at full scale).`,
  ].join('\n'));
}
main();

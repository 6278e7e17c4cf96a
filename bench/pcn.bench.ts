// PCN claim C3 at the spec's exact setting (n⁰ = 64, widths 128/128, N = 10 binary patterns,
// α = 1e-3, γ = 0.1, T = 32, full batch, 5000 epochs), and the time of one training epoch against a
// NumPy implementation of the same inference-learning epoch (peer, same run).
import { Rng } from '../server/numeric/rng';
import { PcnNetwork } from '../server/solvers/pcn/network';
import { complete, denoise, patternMse, trainMemory } from '../server/solvers/pcn/memory';
import { binaryPatterns } from '../server/solvers/pcn/patterns';
import { fmtSeconds, mdTable, pyTimeit, runPython, timeit } from '../scripts/bench-harness';

async function main() {
  const N = 10, n0 = 64, rng = new Rng(1);
  const data = binaryPatterns(N, n0, rng);
  const net = new PcnNetwork({ sizes: [n0, 128, 128], activation: 'relu' }, 3);
  const t0 = performance.now();
  const r = trainMemory(net, data, N, { alpha: 1e-3, gamma: 0.1, steps: 32, maxEpochs: 5000, tolerance: 1e-9 });
  const trainSeconds = (performance.now() - t0) / 1000;
  const fixed = Math.max(...patternMse(denoise(net, data, N, { iterations: 1, steps: 250, gamma: 0.05 }), data, N));
  const noisy = Float64Array.from(data, (v) => v + 0.1 * rng.normal());
  const den = patternMse(denoise(net, noisy, N, { iterations: 30, steps: 250, gamma: 0.05 }), data, N);
  const mask = new Uint8Array(N * n0);
  for (let s = 0; s < N; s++) for (let i = 0; i < 48; i++) mask[s * n0 + i] = 1;
  const comp = patternMse(complete(net, data, mask, N, { steps: 2000, gamma: 0.05 }), data, N);
  const epochNet = new PcnNetwork({ sizes: [n0, 128, 128], activation: 'relu' }, 3);
  const ours = await timeit(() => trainMemory(epochNet, data, N, { alpha: 1e-3, gamma: 0.1, steps: 32, maxEpochs: 1, tolerance: 0 }));
  const peer = runPython<{ t: number }>(['numpy'], `${pyTimeit}
import numpy as np
rng = np.random.default_rng(0)
N, sizes, T, g0, a = 10, [64, 128, 128], 32, 0.1, 1e-3
X = (rng.random((N, 64)) < 0.5).astype(np.float64)
th = [None] + [rng.uniform(-1/np.sqrt(sizes[l]), 1/np.sqrt(sizes[l]), (sizes[l-1], sizes[l])) for l in (1, 2)]
b = rng.uniform(0.4, 0.6, 128)
f = lambda x: np.maximum(x, 0); df = lambda x: (x > 0).astype(np.float64)
def epoch():
    x = [X.copy(), None, np.tile(b, (N, 1))]
    x[1] = f(x[2]) @ th[2].T
    def errs():
        mu = [f(x[l+1]) @ th[l+1].T for l in (0, 1)]
        e = [x[l] - mu[l] for l in (0, 1)]
        return e, 0.5 * sum((ei**2).sum() for ei in e)
    e, E = errs(); g = g0
    for t in range(T):
        d1 = e[1] - df(x[1]) * (e[0] @ th[1]); d2 = -df(x[2]) * (e[1] @ th[2])
        x[1] -= g * d1; x[2] -= g * d2
        e, E2 = errs()
        if E2 >= E: g *= 0.9
        E = E2
    for l in (0, 1): th[l+1] += a * e[l].T @ f(x[l+1])
print(json.dumps({"t": timeit(epoch)}))`);
  console.log([
    '### PCN storage test C3 (pcn.md §5) at the spec’s setting',
    '',
    mdTable(['quantity', 'target', 'measured'], [
      ['energy per pixel after training', '< 1e-4 (spec re-run: 3.4e-6 at 5000 epochs)', `${r.energyPerPixel[r.energyPerPixel.length - 1].toExponential(2)} after ${r.epochs} epochs (${trainSeconds.toFixed(0)} s)`],
      ['max MSE(F(s), s) (fixed points)', '< 1e-4', fixed.toExponential(2)],
      ['denoising, variance 0.01, F × 30, T_r = 250: worst MSE', '< 0.005 for every pattern', Math.max(...den).toExponential(2)],
      ['completion from ¾ of the pixels, 2000 steps: worst MSE', '< 0.001 for every pattern', Math.max(...comp).toExponential(2)],
    ]),
    '',
    mdTable(['one training epoch (T = 32, full batch)', 'Theory Lab (JS, f64)', 'NumPy (f64)', 'ratio'], [
      ['n⁰ = 64, 128, 128, N = 10', fmtSeconds(ours), fmtSeconds(peer.result?.t), peer.result ? `${(ours / peer.result.t).toFixed(2)}×` : peer.reason ?? 'n/a'],
    ]),
  ].join('\n'));
}
main();

// Example benchmark (the convention of bench/README.md): dense n×n matrix product, float64, on the CPU —
// ml-matrix and a plain typed-array kernel against NumPy and PyTorch (CPU) on the same machine, same run.
// Prints one markdown section on stdout.
import { Matrix } from 'ml-matrix';
import { Rng } from '../server/numeric/rng';
import { fmtSeconds, mdTable, pyTimeit, runPython, timeit } from '../scripts/bench-harness';

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      const bo = k * n, co = i * n;
      for (let j = 0; j < n; j++) c[co + j] += aik * b[bo + j];
    }
  }
  return c;
}

async function main() {
  const sizes = [64, 256];
  const rows: string[][] = [];
  for (const n of sizes) {
    const rng = new Rng(n);
    const a = new Float64Array(n * n).map(() => rng.normal());
    const b = new Float64Array(n * n).map(() => rng.normal());
    const A = new Matrix(n, n), B = new Matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { A.set(i, j, a[i * n + j]); B.set(i, j, b[i * n + j]); }
    const tMl = await timeit(() => A.mmul(B));
    const tTa = await timeit(() => matmul(a, b, n));
    process.stderr.write(`[matmul] n=${n}: ml-matrix ${fmtSeconds(tMl)}, typed array ${fmtSeconds(tTa)}\n`);
    const np = runPython<{ t: number }>(['numpy'], `${pyTimeit}
import numpy as np
n = ${n}; rng = np.random.default_rng(0)
a = rng.standard_normal((n, n)); b = rng.standard_normal((n, n))
print(json.dumps({"t": timeit(lambda: a @ b)}))`);
    const th = runPython<{ t: number }>(['torch'], `${pyTimeit}
import torch
torch.set_num_threads(1)
n = ${n}; g = torch.Generator().manual_seed(0)
a = torch.randn(n, n, dtype=torch.float64, generator=g); b = torch.randn(n, n, dtype=torch.float64, generator=g)
print(json.dumps({"t": timeit(lambda: a @ b)}))`);
    const ratio = (t: number | undefined) => (t ? `${(tTa / t).toFixed(1)}×` : (np.reason ?? '—'));
    rows.push([String(n), fmtSeconds(tMl), fmtSeconds(tTa), fmtSeconds(np.result?.t), fmtSeconds(th.result?.t),
      ratio(np.result?.t), th.result ? `${(tTa / th.result.t).toFixed(1)}×` : (th.reason ?? '—')]);
  }
  console.log([
    '### Example: dense matmul (float64, CPU, single call)', '',
    'Median wall time per product. Ratios are typed-array time / peer time (>1: the peer is faster). ' +
    'NumPy uses its default BLAS threads; PyTorch is pinned to 1 thread.', '',
    mdTable(['n', 'ml-matrix', 'typed array', 'NumPy', 'PyTorch CPU', 'typed/NumPy', 'typed/PyTorch'], rows),
  ].join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });

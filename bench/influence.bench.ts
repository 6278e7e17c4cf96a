// Primal vs dual influence cost at fixed N·d_out while the parameter count P grows (influence.md C3),
// ours against a NumPy/SciPy peer doing the same two direct solves on the same inputs.
// Run: npm run bench -- influence   (or node --import tsx bench/influence.bench.ts [P1,P2,...])
// Prints one markdown section: median wall time of each influence step (θ* training excluded), the
// primal/dual ratio, and the agreement of the Δθ's (ours dual vs ours primal, and ours vs the peer).
// At P = 16 < N_r·d_out the retain Gram matrix is singular, so our dual direct solve falls back to CG.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtSeconds, mdTable, pyTimeit, runPython, timeit } from '../scripts/bench-harness';
import { dense, relDiff } from '../server/numeric/linalg';
import { Rng } from '../server/numeric/rng';
import { dualStep } from '../server/solvers/influence/dual';
import { fitLinearised } from '../server/solvers/influence/fit';
import { rls } from '../server/solvers/influence/losses';
import { primalStep } from '../server/solvers/influence/primal';
import type { InfluenceProblem } from '../server/solvers/influence/problem';

const N = 12, dOut = 3, nTest = 4, lambda = 0.1;
const forget = [0, 5];
const retain = Array.from({ length: N }, (_, i) => i).filter((i) => !forget.includes(i));
const Ps = (process.argv[2] ?? '16,50,200,800,3200').split(',').map(Number);

function problem(P: number, seed: number): InfluenceProblem {
  const rng = new Rng(seed);
  const J = dense(N * dOut, P, rng.normals(N * dOut * P, 1 / Math.sqrt(P)));
  const Jt = dense(nTest * dOut, P, rng.normals(nTest * dOut * P, 1 / Math.sqrt(P)));
  return { N, dOut, P, J, f0: new Float64Array(N * dOut), Y: rng.normals(N * dOut), nTest, Jt,
    f0t: new Float64Array(nTest * dOut), Yt: rng.normals(nTest * dOut), thetaP: new Float64Array(P), lambda, loss: rls };
}

// The peer: the same (P2) primal system by Cholesky, and the (D6) dual system (Δα_f = −α*_f fixed) by
// a dense solve, then Δθ = Jᵀ Δα. One BLAS thread, float64.
const peer = `${pyTimeit}
import numpy as np, scipy.linalg as sl, os
d = json.load(open(os.environ["INF_DATA"]))
N, dout, lam = d["N"], d["dout"], d["lam"]
f = np.array(d["forget"]); r = np.array([i for i in range(N) if i not in d["forget"]])
Nf, Nr = len(f), len(r)
rows = lambda pts: np.array([i * dout + a for i in pts for a in range(dout)])
J = np.array(d["J"]).reshape(N * dout, -1); Y = np.array(d["Y"]); th = np.array(d["theta"])
Jr, Jf = J[rows(r)], J[rows(f)]
def primal():
    g = (J @ th - Y) / dout
    rhs = Jf.T @ g[rows(f)] / N + Nf / N * lam * th
    H = Jr.T @ Jr / (N * dout) + Nr / N * lam * np.eye(J.shape[1])
    return sl.cho_solve(sl.cho_factor(H), rhs)
def dual():
    g = (J @ th - Y) / dout
    a = -g / (lam * N)
    K = J @ J.T
    Krr, Krf = K[np.ix_(rows(r), rows(r))], K[np.ix_(rows(r), rows(f))]
    HF = 1.0 / (Nr * dout)
    daf = -a[rows(f)]
    b = Nf / N * (Krf @ (g[rows(f)] / Nf) + lam * (Krf @ a[rows(f)] + Krr @ a[rows(r)])) - Nr / N * (HF * Krr @ (Krf @ daf) + lam * Krf @ daf)
    A = Nr / N * (HF * Krr @ Krr + lam * Krr)
    dar = np.linalg.solve(A, b)
    da = np.zeros(N * dout); da[rows(r)] = dar; da[rows(f)] = daf
    return J.T @ da
big = J.shape[1] >= 2000
tp = timeit(primal, 1, 0) if big else timeit(primal)
td = timeit(dual)
print(json.dumps({"primal": tp, "dual": td, "dtheta_primal": primal().tolist(), "dtheta_dual": dual().tolist()}))
`;

async function main() {
  // Warm-up: compile every code path once so the first row does not pay the JIT.
  {
    const prob = problem(60, 99);
    const theta = fitLinearised(prob, Array.from({ length: N }, (_, i) => i)).theta;
    for (let r = 0; r < 3; r++) {
      primalStep(prob, theta, forget, retain, { method: 'direct', tol: 1e-8, maxIter: 500 });
      primalStep(prob, theta, forget, retain, { method: 'cg', tol: 1e-8, maxIter: 500 });
      for (const kernel of ['materialized', 'matrix_free'] as const) {
        dualStep(prob, theta, forget, retain, { method: kernel === 'materialized' ? 'direct' : 'cg', kernel, tol: 1e-8, maxIter: 500, system: 'd6', damping: 0 });
      }
    }
  }
  const tmp = path.join(os.tmpdir(), `theorylab-influence-bench-${process.pid}.json`);
  const rows: (string | number)[][] = [];
  let peerNote = '';
  for (const P of Ps) {
    process.stderr.write(`influence bench: P = ${P}\n`);
    const prob = problem(P, 1);
    const theta = fitLinearised(prob, Array.from({ length: N }, (_, i) => i)).theta;
    const opts = { tol: 1e-8, maxIter: 500, system: 'd6' as const, damping: 0 };
    const big = P >= 2000; // the P×P Cholesky takes seconds there: one timed run after the warm-up sizes
    const once = { minRepeats: 1, minSeconds: 0 };
    const runPrimal = () => primalStep(prob, theta, forget, retain, { method: 'direct', tol: 1e-8, maxIter: 500 });
    let pd: number;
    if (big) { const t0 = performance.now(); runPrimal(); pd = (performance.now() - t0) / 1000; } else pd = await timeit(runPrimal);
    const pc = await timeit(() => primalStep(prob, theta, forget, retain, { method: 'cg', tol: 1e-8, maxIter: 500 }), big ? once : undefined);
    const dd = await timeit(() => dualStep(prob, theta, forget, retain, { ...opts, method: 'direct', kernel: 'materialized' }));
    const dc = await timeit(() => dualStep(prob, theta, forget, retain, { ...opts, method: 'cg', kernel: 'matrix_free' }));
    const ourP = runPrimal().dtheta;
    const ourD = dualStep(prob, theta, forget, retain, { ...opts, method: 'direct', kernel: 'materialized' }).dtheta;
    fs.writeFileSync(tmp, JSON.stringify({ N, dout: dOut, lam: lambda, forget, J: Array.from(prob.J.data), Y: Array.from(prob.Y), theta: Array.from(theta) }));
    const py = runPython<{ primal: number; dual: number; dtheta_primal: number[]; dtheta_dual: number[] }>(['numpy', 'scipy'], peer,
      { INF_DATA: tmp, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
    const np = py.result;
    if (!np) peerNote = py.reason ?? 'peer failed';
    const agree = `${relDiff(ourD, ourP).toExponential(1)} / ${np ? relDiff(ourP, np.dtheta_primal).toExponential(1) : '—'}`;
    rows.push([P, fmtSeconds(pd), np ? fmtSeconds(np.primal) : '—', np ? (pd / np.primal).toFixed(1) + '×' : '—',
      fmtSeconds(dd), np ? fmtSeconds(np.dual) : '—', np ? (dd / np.dual).toFixed(1) + '×' : '—',
      (pd / dd).toPrecision(2), np ? (np.primal / np.dual).toPrecision(2) : '—', fmtSeconds(pc), fmtSeconds(dc), agree]);
  }
  fs.rmSync(tmp, { force: true });
  console.log([
    '### Influence: primal vs dual (kernel) step at fixed N·d_out = 36',
    '',
    `Random linear model (influence.md §6 construction), N = ${N}, d_out = ${dOut}, λ = ${lambda}, forget {0, 5}, rls; median wall time after a warm-up`,
    '(P ≥ 2000: our primal direct is a single run). Peer: NumPy/SciPy float64, one BLAS thread, same inputs: primal by `cho_factor`/`cho_solve`,',
    'dual by forming K = J Jᵀ and `numpy.linalg.solve` on the D6 system. "ours/NumPy" above 1 means the peer is faster.',
    peerNote ? `Peer missing: ${peerNote}.` : '',
    '',
    mdTable(['P', 'primal direct', 'NumPy', 'ours/NumPy', 'dual direct', 'NumPy', 'ours/NumPy', 'primal/dual (ours)', 'primal/dual (NumPy)', 'primal CG (ours)', 'dual matrix-free CG (ours)', 'rel. diff Δθ: dual vs primal / ours vs NumPy'], rows),
    '',
  ].join('\n'));
}

main().catch((e) => { console.error(e); process.exit(1); });

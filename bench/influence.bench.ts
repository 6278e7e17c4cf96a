// Primal vs dual influence cost at fixed N·d_out while the parameter count P grows (influence.md C3).
// Run: node --import tsx bench/influence.bench.ts [P1,P2,...]
// Prints a markdown table: median wall time over repeats of each influence step (θ* training
// excluded), the primal/dual ratio, and the agreement of the two Δθ. At P = 16 < N_r·d_out the
// retain Gram matrix is singular, so the dual direct solve falls back to CG (Δθ stays unique).
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

function timeIt<T>(f: () => T, repeats: number): { ms: number; out: T } {
  const times: number[] = [];
  let out!: T;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    out = f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], out };
}

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

const rows: string[] = [];
for (const P of Ps) {
  const prob = problem(P, 1);
  const theta = fitLinearised(prob, Array.from({ length: N }, (_, i) => i)).theta;
  const reps = P >= 2000 ? 1 : 5;
  const pd = timeIt(() => primalStep(prob, theta, forget, retain, { method: 'direct', tol: 1e-8, maxIter: 500 }), reps);
  const pc = timeIt(() => primalStep(prob, theta, forget, retain, { method: 'cg', tol: 1e-8, maxIter: 500 }), reps);
  const opts = { tol: 1e-8, maxIter: 500, system: 'd6' as const, damping: 0 };
  const dd = timeIt(() => dualStep(prob, theta, forget, retain, { ...opts, method: 'direct', kernel: 'materialized' }), 5);
  const dc = timeIt(() => dualStep(prob, theta, forget, retain, { ...opts, method: 'cg', kernel: 'matrix_free' }), 5);
  const agree = relDiff(dd.out.dtheta, pd.out.dtheta);
  rows.push(`| ${P} | ${N * dOut} | ${pd.ms.toFixed(2)} | ${pc.ms.toFixed(2)} (${pc.out.iterations} it) | ${dd.ms.toFixed(2)} | ${dc.ms.toFixed(2)} (${dc.out.iterations} it) | ${(pd.ms / dd.ms).toPrecision(2)} | ${agree.toExponential(1)} |`);
}
console.log(`Influence step, random linear model, N = ${N}, d_out = ${dOut}, λ = ${lambda}, forget {0, 5}, rls; median ms (Node ${process.version}).\n`);
console.log('| P | N·d_out | primal direct ms | primal CG ms | dual direct ms | dual matrix-free CG ms | primal/dual (direct) | ‖Δθ_dual − Δθ_primal‖/‖Δθ‖ |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);

// Dual (kernel) influence (influence.md D1–D10): with θ' = Jᵀα, the forget block of the change is
// fixed, Δα_f = −α*_f, and only the retain block is solved, from (D6)
//   (N_r/N)[K_rr H_F K_rr + λ K_rr] Δα_r = b
// or its reduced form (D7) (H_F K_rr + λ I) Δα_r = (N_f/N_r) λ α*_r − H_F K_rf Δα_f.
// The Gram matrix is either materialised (direct solve or CG) or never formed: K v = J(Jᵀ v).
import { conjugateGradient } from '../../numeric/cg';
import {
  addDiagonal, choleskyInPlace, choleskySolve, dense, Dense, dot, matMul, matMulABt, matTVec, matVec,
  NotPositiveDefiniteError, selectRows, solveLu, subMatrix,
} from '../../numeric/linalg';
import { SolverInputError } from '../registry';
import { pick, rowsOf } from './fit';
import { applyBlocks, stackedGrads, stackedHessians } from './losses';
import { solveD6OnRange } from './rangeSolve';
import { lossChange, StepOptions, TestEffects, trainOutputs } from './primal';
import type { InfluenceProblem } from './problem';

export interface DualOptions extends StepOptions {
  system: 'd6' | 'd7';
  kernel: 'materialized' | 'matrix_free';
  /** Extra damping added to the materialised system matrix (spec: off by default). */
  damping: number;
  warn?(message: string): void;
  /** Precomputed Gram matrices K = J Jᵀ and K(X_t, X) (e.g. from the GPU); materialised kernel only. */
  gram?: { K: Dense; Kt: Dense };
}

export interface DualResult {
  dtheta: Float64Array;
  /** Δα over all training rows (sample-major); the forget rows equal −α*_f. */
  dalpha: Float64Array;
  alphaStar: Float64Array;
  iterations: number;
  relResidual: number;
  converged: boolean;
  secondsKernel: number;
  secondsSolve: number;
  effects: TestEffects;
  /** Rank of K_rr found by the direct (D6) solve, and its refinement steps (absent otherwise). */
  rankNote?: { rank: number; refinements: number };
}

/** A linear map on the retain rows, with a materialised matrix when one exists. */
interface KernelOps {
  Krr(v: Float64Array): Float64Array;
  Krf(w: Float64Array): Float64Array;
  K?: Dense;
  Krr_?: Dense;
}

export function dualStep(prob: InfluenceProblem, theta: Float64Array, forget: number[], retain: number[], opts: DualOptions): DualResult {
  const { N, dOut, lambda, loss } = prob;
  const Nf = forget.length, Nr = retain.length;
  const rowsR = rowsOf(retain, dOut), rowsF = rowsOf(forget, dOut);
  const m = N * dOut, mr = rowsR.length;
  const F = trainOutputs(prob, theta);
  const all = Array.from({ length: N }, (_, k) => k);
  const gAll = stackedGrads(loss, F, prob.Y, all, dOut);
  // (D3) α* = −∇_f ℓ / (λ N), row-wise.
  const alphaStar = gAll.map((g) => -g / (lambda * N));
  const aR = pick(alphaStar, rowsR), aF = pick(alphaStar, rowsF);
  const daF = aF.map((v) => -v); // (D5)
  const gF = pick(gAll, rowsF).map((v) => v / Nf);
  // H_F: Hessian of (1/N_r) Σ_r ℓ w.r.t. F_r, block-diagonal.
  const HF = stackedHessians(loss, F, prob.Y, retain, dOut).map((h) => h / Nr);

  const t0 = performance.now();
  let ops: KernelOps;
  let K: Dense | undefined;
  if (opts.kernel === 'materialized') {
    K = opts.gram?.K ?? matMulABt(prob.J, prob.J);
    const Krr = subMatrix(K, rowsR, rowsR), Krf = subMatrix(K, rowsR, rowsF);
    ops = { Krr: (v) => matVec(Krr, v), Krf: (w) => matVec(Krf, w), K, Krr_: Krr };
  } else {
    const Jr = selectRows(prob.J, rowsR), Jf = selectRows(prob.J, rowsF);
    ops = { Krr: (v) => matVec(Jr, matTVec(Jr, v)), Krf: (w) => matVec(Jr, matTVec(Jf, w)) };
  }
  const t1 = performance.now();

  let rhs: Float64Array;
  let apply: (v: Float64Array) => Float64Array;
  let materialise: (() => Dense) | undefined;
  let symmetric = true;
  const KrfDaF = ops.Krf(daF);
  if (opts.system === 'd6') {
    // b = (N_f/N)[K_rf g_f + λ(K_rf α*_f + K_rr α*_r)] − (N_r/N)[K_rr H_F K_rf Δα_f + λ K_rf Δα_f]
    const a = ops.Krf(gF), b1 = ops.Krf(aF), b2 = ops.Krr(aR);
    const c = ops.Krr(applyBlocks(HF, KrfDaF, dOut));
    rhs = new Float64Array(mr);
    for (let i = 0; i < mr; i++) {
      rhs[i] = (Nf / N) * (a[i] + lambda * (b1[i] + b2[i])) - (Nr / N) * (c[i] + lambda * KrfDaF[i]);
    }
    apply = (v) => {
      opts.checkCancelled?.();
      const kv = ops.Krr(v);
      const out = ops.Krr(applyBlocks(HF, kv, dOut));
      for (let i = 0; i < mr; i++) out[i] = (Nr / N) * (out[i] + lambda * kv[i]);
      return out;
    };
    if (ops.Krr_) {
      const Krr = ops.Krr_;
      materialise = () => {
        const HK = blockTimes(HF, Krr, dOut);
        const A = matMul(Krr, HK);
        for (let i = 0; i < A.data.length; i++) A.data[i] = (Nr / N) * (A.data[i] + lambda * Krr.data[i]);
        symmetrise(A);
        return A;
      };
    }
  } else {
    // (D7): valid at an exact optimum; symmetric only when H_F is a multiple of I (rls).
    const c = applyBlocks(HF, KrfDaF, dOut);
    rhs = new Float64Array(mr);
    for (let i = 0; i < mr; i++) rhs[i] = (Nf / Nr) * lambda * aR[i] - c[i];
    apply = (v) => {
      opts.checkCancelled?.();
      const out = applyBlocks(HF, ops.Krr(v), dOut);
      for (let i = 0; i < mr; i++) out[i] += lambda * v[i];
      return out;
    };
    symmetric = loss.constantHessian;
    if (ops.Krr_) {
      const Krr = ops.Krr_;
      materialise = () => addDiagonal(blockTimes(HF, Krr, dOut), lambda);
    }
  }

  let daR: Float64Array;
  let iterations = 0, relResidual = 0, converged = true;
  let method = opts.method;
  if (method === 'cg' && !symmetric) {
    throw new SolverInputError('system d7 is not symmetric for softmax_ce, so CG does not apply: use system = d6 or method = direct', 'system');
  }
  let rankNote: { rank: number; refinements: number } | undefined;
  if (method === 'direct' && opts.system === 'd6' && ops.Krr_ && opts.damping === 0) {
    // (D6) through a pivoted Cholesky of K_rr: any rank, conditioned like K rather than K²
    const rs = solveD6OnRange(ops.Krr_, HF, dOut, lambda, Nr / N, rhs, apply, prob.P);
    daR = rs.x; relResidual = rs.relResidual;
    rankNote = { rank: rs.rank, refinements: rs.refinements };
    if (rs.rank < mr) {
      opts.warn?.(`K_rr has rank ${rs.rank} < N_r·d_out = ${mr} (P = ${prob.P}): (D6) solved on the range of K_rr ` +
        `(pivoted Cholesky, ${rs.refinements} refinement step${rs.refinements === 1 ? '' : 's'}, relative residual ${rs.relResidual.toExponential(1)}). Δθ is unique; Δα_r is the range-space solution.`);
    }
  } else if (method === 'direct') {
    if (!materialise) throw new SolverInputError('a direct solve needs the materialised kernel: use kernel = materialized or method = cg', 'method');
    const A = materialise();
    if (opts.damping > 0) addDiagonal(A, opts.damping);
    try {
      daR = symmetric ? choleskySolve(choleskyInPlace(dense(A.rows, A.cols, A.data.slice())), rhs) : solveLu(A, rhs);
    } catch (e) {
      if (!(e instanceof NotPositiveDefiniteError) && !(e instanceof Error && /singular/.test(e.message))) throw e;
      // K_rr is singular when P < N_r·d_out: the system is consistent, so CG finds a solution and
      // Δθ = J_rᵀ Δα_r is still unique.
      opts.warn?.('the dual system is singular (K_rr is rank deficient, e.g. P < N_r·d_out); solved by CG instead. Δθ is still unique; Δα is not.');
      method = 'cg';
      daR = new Float64Array(0);
    }
  }
  if (method === 'cg') {
    const damped = opts.damping > 0 ? (v: Float64Array) => { const o = apply(v); for (let i = 0; i < mr; i++) o[i] += opts.damping * v[i]; return o; } : apply;
    const cg = conjugateGradient(damped, rhs, { tol: opts.tol, maxIter: opts.maxIter });
    daR = cg.x; iterations = cg.iterations; relResidual = cg.relResidual; converged = cg.converged;
    if (opts.system === 'd6' && opts.tol > 1e-12) {
      opts.warn?.(`CG on (D6), whose matrix has K_rr's condition number squared, stopped at relative residual ${cg.relResidual.toExponential(1)}: ` +
        'the error in Δθ can be cond(K_rr) times larger. For C1-level accuracy (1e-10) use method = direct, system = d7, or tol ≤ 1e-13.');
    }
  }
  const dalpha = new Float64Array(m);
  rowsR.forEach((r, k) => { dalpha[r] = daR![k]; });
  rowsF.forEach((r, k) => { dalpha[r] = daF[k]; });
  // (D8) map back with one vector–Jacobian product.
  const dtheta = matTVec(prob.J, dalpha);
  const t2 = performance.now();

  // (D9)/(D10) on the test points.
  let doutput: Float64Array, reg: number;
  if (K) {
    const Kt = opts.gram?.Kt ?? matMulABt(prob.Jt, prob.J);
    doutput = matVec(Kt, dalpha);
    reg = lambda * dot(alphaStar, matVec(K, dalpha));
  } else {
    doutput = matVec(prob.Jt, dtheta);
    reg = lambda * dot(matTVec(prob.J, alphaStar), dtheta);
  }
  const effects = { doutput, dloss: lossChange(prob, theta, doutput, reg) };
  return {
    dtheta, dalpha, alphaStar, iterations, relResidual, converged, rankNote,
    secondsKernel: (t1 - t0) / 1000, secondsSolve: (t2 - t1) / 1000, effects,
  };
}

/** blockdiag(H) A for a square A whose rows come in d_out blocks. */
function blockTimes(H: Float64Array, A: Dense, dOut: number): Dense {
  const out = dense(A.rows, A.cols);
  const col = new Float64Array(A.rows);
  for (let c = 0; c < A.cols; c++) {
    for (let i = 0; i < A.rows; i++) col[i] = A.data[i * A.cols + c];
    const hc = applyBlocks(H, col, dOut);
    for (let i = 0; i < A.rows; i++) out.data[i * A.cols + c] = hc[i];
  }
  return out;
}

function symmetrise(A: Dense): void {
  const n = A.rows;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    const v = 0.5 * (A.data[i * n + j] + A.data[j * n + i]);
    A.data[i * n + j] = v; A.data[j * n + i] = v;
  }
}

// Primal influence (influence.md P1–P4): one Newton step on the retain objective from θ*,
//   H_r Δθ = (N_f/N) ∇L_{D_f}(θ*),  H_r = (1/N) J_rᵀ H J_r + (N_r/N) λ I,
// solved directly (Cholesky on the P×P Hessian) or by CG on Hessian-vector products.
import { conjugateGradient } from '../../numeric/cg';
import { addDiagonal, choleskyInPlace, choleskySolve, dense, Dense, matTVec, matVec, NotPositiveDefiniteError, selectRows } from '../../numeric/linalg';
import { SolverInputError } from '../registry';
import { rowsOf, weightedGram } from './fit';
import { applyBlocks, stackedGrads, stackedHessians } from './losses';
import type { InfluenceProblem } from './problem';

export interface StepOptions {
  method: 'direct' | 'cg';
  tol: number;
  maxIter: number;
  checkCancelled?(): void;
}

export interface StepResult {
  dtheta: Float64Array;
  iterations: number;
  relResidual: number;
  converged: boolean;
}

/** F* = f0 + J θ'* on the training points. */
export function trainOutputs(prob: InfluenceProblem, theta: Float64Array): Float64Array {
  const F = matVec(prob.J, theta);
  for (let i = 0; i < F.length; i++) F[i] += prob.f0[i];
  return F;
}

export function primalStep(prob: InfluenceProblem, theta: Float64Array, forget: number[], retain: number[], opts: StepOptions): StepResult {
  const { N, dOut, lambda, loss, P } = prob;
  const Nf = forget.length, Nr = retain.length;
  const F = trainOutputs(prob, theta);
  const Jr = selectRows(prob.J, rowsOf(retain, dOut));
  const Jf = selectRows(prob.J, rowsOf(forget, dOut));
  // rhs = (N_f/N) ∇L_{D_f}(θ*) = (1/N) J_fᵀ g_f + (N_f/N) λ θ'*; the regulariser is in every per-point loss.
  const gf = stackedGrads(loss, F, prob.Y, forget, dOut);
  const rhs = matTVec(Jf, gf);
  for (let j = 0; j < P; j++) rhs[j] = rhs[j] / N + (Nf / N) * lambda * theta[j];
  const Hr = stackedHessians(loss, F, prob.Y, retain, dOut);
  const given = prob.retainHessian;
  if (opts.method === 'direct') {
    let H: Dense;
    if (given) H = dense(P, P, given.data.slice());
    else {
      H = weightedGram(Jr, Hr, dOut, loss.constantHessian);
      for (let i = 0; i < H.data.length; i++) H.data[i] /= N;
      addDiagonal(H, (Nr / N) * lambda);
    }
    try {
      return { dtheta: choleskySolve(choleskyInPlace(H), rhs), iterations: 0, relResidual: 0, converged: true };
    } catch (e) {
      if (e instanceof NotPositiveDefiniteError) throw new SolverInputError('the retain Hessian is not positive definite (a non-convex network loss): increase lambda', 'lambda');
      throw e;
    }
  }
  // Matrix-free Hessian-vector product: v ↦ (1/N) J_rᵀ H (J_r v) + (N_r/N) λ v.
  const u = new Float64Array(Jr.rows);
  const hu = new Float64Array(Jr.rows);
  const hvp = (v: Float64Array) => {
    opts.checkCancelled?.();
    if (given) return matVec(given, v);
    matVec(Jr, v, u);
    applyBlocks(Hr, u, dOut, hu);
    const out = matTVec(Jr, hu);
    for (let j = 0; j < P; j++) out[j] = out[j] / N + (Nr / N) * lambda * v[j];
    return out;
  };
  const cg = conjugateGradient(hvp, rhs, { tol: opts.tol, maxIter: opts.maxIter });
  return { dtheta: cg.x, iterations: cg.iterations, relResidual: cg.relResidual, converged: cg.converged };
}

export interface TestEffects {
  /** Output change on the test points, nTest × d_out. */
  doutput: Float64Array;
  /** Loss change per test point, including the regulariser term (P4 / D10). */
  dloss: Float64Array;
}

/** (P3)/(P4): Δf_t = J_t Δθ and Δℓ_t = g_tᵀ Δf_t + λ θ'*ᵀ Δθ. */
export function primalEffects(prob: InfluenceProblem, theta: Float64Array, dtheta: Float64Array): TestEffects {
  const doutput = matVec(prob.Jt, dtheta);
  return { doutput, dloss: lossChange(prob, theta, doutput, lambdaDot(prob, theta, dtheta)) };
}

function lambdaDot(prob: InfluenceProblem, theta: Float64Array, dtheta: Float64Array): number {
  let s = 0;
  for (let j = 0; j < theta.length; j++) s += theta[j] * dtheta[j];
  return prob.lambda * s;
}

/** g_tᵀ Δf_t + (regulariser change), with g_t the loss gradient at the test outputs f(x_t; θ*). */
export function lossChange(prob: InfluenceProblem, theta: Float64Array, doutput: Float64Array, regChange: number): Float64Array {
  const { dOut, nTest } = prob;
  const Ft = matVec(prob.Jt, theta);
  for (let i = 0; i < Ft.length; i++) Ft[i] += prob.f0t[i];
  const all = Array.from({ length: nTest }, (_, k) => k);
  const gt = stackedGrads(prob.loss, Ft, prob.Yt, all, dOut);
  const dloss = new Float64Array(nTest);
  for (let t = 0; t < nTest; t++) {
    let s = 0;
    for (let a = 0; a < dOut; a++) s += gt[t * dOut + a] * doutput[t * dOut + a];
    dloss[t] = s + regChange;
  }
  return dloss;
}



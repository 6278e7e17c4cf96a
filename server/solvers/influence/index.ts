// Registry entries of the influence solvers (math: shared/math/influence.md). Both build the same
// linearised problem, train θ* to its exact optimum, then time only the influence step itself.
import * as fs from 'node:fs';
import { Dense, dot, matVec, norm2, relDiff } from '../../numeric/linalg';
import { Rng } from '../../numeric/rng';
import { ParamSpec, OutputSpec, SolverContext, SolverDef, SolverInputError, Value, ParamIssue } from '../registry';
import { chooseForget, parseCsv, resolveDataPath, syntheticData, takeRows } from './data';
import { dualStep } from './dual';
import { fitLinearised } from './fit';
import { gramOnDevice } from './gram';
import { lossByName, LossName } from './losses';
import { primalEffects, primalStep } from './primal';
import { Mlp } from './mlp';
import { fdHessian, jacobianAt, matchingOffsets, objective, trainNet } from './nonlinear';
import { buildProblem, InfluenceProblem, ModelName, parameterCount, randomTargets } from './problem';

const commonParams: ParamSpec[] = [
  { name: 'model', kind: 'enum', values: ['linear', 'random_features', 'mlp_linearized', 'mlp', 'random_jacobian'], default: 'linear',
    doc: 'linear: f = W x (P = d·d_out); random_features: f = W tanh(Ω x/√d + b)/√width (P = width·d_out); ' +
      'mlp_linearized: a tanh MLP (NTK parameterisation, W_std 2, b_std 0.1) linearised at its initialisation θ_0, Jacobian by reverse mode; ' +
      'mlp: the same network trained without linearisation (L-BFGS + Newton); the dual uses the empirical NTK at θ_0, the primal the exact Newton step at θ* (full Hessian by finite differences), and retraining is of the network itself (spec C4: approximate); ' +
      'random_jacobian: J_i with i.i.d. N(0, 1/P) entries and N(0,1) targets (the math spec\'s reference construction)' },
  { name: 'loss', kind: 'enum', values: ['rls', 'softmax_ce'], default: 'rls',
    doc: 'rls: ‖f − y‖²/(2 d_out); softmax_ce: softmax cross-entropy on one-hot labels (logistic loss on ±1 labels when d_out = 1)' },
  { name: 'lambda', kind: 'number', default: 0.1, min: 0, exclusiveMin: true, max: 1e6, doc: 'L2 strength λ of the regulariser (λ/2)‖θ − θ_p‖² inside every per-point loss; θ_p, the point the problem is linearised at, is θ₀ (the initial weights) for `mlp_linearized` and 0 otherwise' },
  { name: 'N', kind: 'integer', default: 12, min: 2, max: 5000, doc: 'number of training points (synthetic data; a CSV uses its rows)' },
  { name: 'd', kind: 'integer', default: 8, min: 1, max: 10000, doc: 'input dimension of synthetic data' },
  { name: 'd_out', kind: 'integer', default: 3, min: 1, max: 100, doc: 'outputs (classes for softmax_ce; 1 = binary ±1 labels)' },
  { name: 'width', kind: 'integer', default: 32, min: 1, max: 100000, doc: 'hidden width of random_features / mlp_linearized' },
  { name: 'depth', kind: 'integer', default: 1, min: 1, max: 5, doc: 'hidden layers of mlp_linearized' },
  { name: 'P', kind: 'integer', default: 50, min: 1, max: 1000000, doc: 'parameter count of the random_jacobian model (other models derive P from d, d_out, width)' },
  { name: 'N_test', kind: 'integer', default: 4, min: 1, max: 10000, doc: 'test points for the output and loss changes (a CSV holds out its last N_test rows)' },
  { name: 'forget', kind: 'vector', optional: true, doc: 'indices (0-based) of the training points to remove; overrides forget_fraction' },
  { name: 'forget_fraction', kind: 'number', default: 0.2, min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, doc: 'fraction of training points removed (seeded, per class for softmax_ce) when `forget` is not given' },
  { name: 'data', kind: 'string', default: 'synthetic', doc: "'synthetic' (seeded Gaussian inputs, random linear teacher) or a workspace-relative CSV path: numeric columns, last d_out columns the targets (rls) or last column the class (softmax_ce)" },
  { name: 'noise', kind: 'number', default: 0.1, min: 0, max: 100, doc: 'label noise of synthetic data (target noise for rls, score noise for classes)' },
  { name: 'method', kind: 'enum', values: ['auto', 'direct', 'cg'], default: 'auto', doc: 'direct (Cholesky/LU; the dual\'s D6 through a pivoted Cholesky of K_rr, any rank) or conjugate gradients; auto = direct when the system has ≤ 2000 unknowns, and for the dual also when K_rr is rank deficient (P < N_r·d_out) and N_r²·d_out²·P ≤ 2e10' },
  { name: 'tol', kind: 'number', default: 1e-8, min: 0, exclusiveMin: true, max: 0.1, doc: 'CG relative residual tolerance' },
  { name: 'max_iter', kind: 'integer', default: 500, min: 1, max: 100000, doc: 'CG iteration limit' },
  { name: 'retrain', kind: 'boolean', default: true, doc: 'also retrain on the retain set exactly and report the error of the one-step estimate' },
];

const commonOutputs: OutputSpec[] = [
  { name: 'dtheta', kind: 'vector', doc: 'parameter change Δθ = θ_u − θ* (length P)' },
  { name: 'doutput', kind: 'matrix', doc: 'output change on the test points, N_test × d_out' },
  { name: 'dloss', kind: 'vector', doc: 'first-order estimate (P4 / D10) of the loss change per test point, g_tᵀΔf_t plus the regulariser term: a linearisation, not the change after retraining (it can differ from it by 5–100 %, see dloss_retrained)' },
  { name: 'dloss_retrained', kind: 'vector', doc: 'exact loss change per test point after retraining on the retain set, ℓ(f_t(θ_r*)) − ℓ(f_t(θ*)) plus the regulariser change (empty when retrain = false)' },
  { name: 'dloss_retrained_mean', kind: 'number', doc: 'mean of dloss_retrained over the test points (−1 when retrain = false)' },
  { name: 'seconds', kind: 'number', unit: 's', doc: 'wall time of the influence step (θ* training and retraining excluded)' },
  { name: 'seconds_step', kind: 'number', unit: 's', doc: 'the same as `seconds` (the CLI\'s JSON replaces `seconds` by the whole call\'s time)' },
  { name: 'dtheta_norm', kind: 'number', doc: '‖Δθ‖' },
  { name: 'doutput_mean_abs', kind: 'number', doc: 'mean |Δf| over test points and outputs (a scalar to plot)' },
  { name: 'dloss_mean', kind: 'number', doc: 'mean of the first-order loss-change estimate dloss over the test points' },
  { name: 'retrain_error', kind: 'number', doc: '‖θ_u − θ_r*‖/‖θ_r*‖ against exact retraining of the linearised model (NaN-free: −1 when retrain = false)' },
  { name: 'retrain_rel_change_error', kind: 'number', doc: '‖θ_u − θ_r*‖/‖θ_r* − θ*‖: error relative to the true change (−1 when retrain = false)' },
  { name: 'doutput_error', kind: 'number', doc: 'relative error of the test output change against retraining (−1 when retrain = false)' },
  { name: 'P', kind: 'integer', doc: 'number of parameters' },
  { name: 'n_forget', kind: 'integer', doc: 'size of the forget set' },
  { name: 'forget_indices', kind: 'vector', doc: 'the forgotten training indices' },
  { name: 'iterations', kind: 'integer', doc: 'CG iterations (0 for a direct solve)' },
  { name: 'residual', kind: 'number', doc: 'final relative CG residual (0 for a direct solve)' },
  { name: 'train_grad_norm', kind: 'number', doc: '‖∇L_D(θ*)‖ after training (the identities assume 0)' },
];

interface Prepared {
  prob: InfluenceProblem;
  theta: Float64Array;
  trainGrad: number;
  forget: number[];
  retain: number[];
  /** Exact retraining on the retain set: θ_r* − θ_p and the true test output change. */
  retrain(): { thetaR: Float64Array; doutExact: Float64Array };
}

function workspaceRoot(ctx: SolverContext): string {
  return ctx.dataRoot || process.cwd();
}

/** Data, model, θ* and the forget split, all from the seed (separate streams per purpose). */
export function prepare(p: Record<string, Value>, ctx: SolverContext, jacobianPoint: 'init' | 'trained' = 'init'): Prepared {
  const model = p.model as ModelName;
  const lossName = p.loss as LossName;
  const dOut = p.d_out as number;
  const nTest = p.N_test as number;
  const loss = lossByName(lossName);
  if (lossName === 'softmax_ce' && dOut === 1) ctx.warn('d_out = 1 with softmax_ce: using the binary logistic loss on ±1 labels');
  const spec = { model, dOut, width: p.width as number, depth: p.depth as number, P: p.P as number };
  let train, test;
  const dataRng = Rng.derive(ctx.seed, 1);
  if (p.data !== 'synthetic') {
    if (model === 'random_jacobian') throw new SolverInputError('random_jacobian has no inputs: use data = synthetic', 'data');
    const file = resolveDataPath(p.data as string, workspaceRoot(ctx));
    const all = parseCsv(fs.readFileSync(file, 'utf8'), dOut, lossName);
    if (all.n - nTest < 2) throw new SolverInputError(`the CSV has ${all.n} rows: need N_test = ${nTest} test rows plus at least 2 training rows`, 'N_test');
    train = takeRows(all, 0, all.n - nTest, dOut);
    test = takeRows(all, all.n - nTest, all.n, dOut);
  } else if (model === 'random_jacobian') {
    train = randomTargets(p.N as number, dOut, lossName, dataRng);
    test = randomTargets(nTest, dOut, lossName, dataRng);
  } else {
    const all = syntheticData((p.N as number) + nTest, p.d as number, dOut, lossName, p.noise as number, dataRng);
    train = takeRows(all, 0, p.N as number, dOut);
    test = takeRows(all, p.N as number, (p.N as number) + nTest, dOut);
  }
  const P = parameterCount(spec, train.d);
  if (P * train.n * dOut > 5e7) throw new SolverInputError(`the Jacobian would have ${P}×${train.n * dOut} entries (limit 5e7, 400 MB): reduce N, d_out or width`, 'width');
  const nonlinear = model === 'mlp';
  const prob = buildProblem(nonlinear ? { ...spec, model: 'mlp_linearized' } : spec, train, test, loss, p.lambda as number, Rng.derive(ctx.seed, 2));
  const forget = chooseForget(train.n, p.forget as number[] | undefined, p.forget_fraction as number, train.classes, Rng.derive(ctx.seed, 3));
  const inForget = new Set(forget);
  const retain = Array.from({ length: train.n }, (_, i) => i).filter((i) => !inForget.has(i));
  const all = Array.from({ length: train.n }, (_, i) => i);
  if (nonlinear) return prepareNetwork(prob, spec, train, test, all, forget, retain, jacobianPoint, ctx);
  const fit = fitLinearised(prob, all);
  const retrain = () => {
    const thetaR = fitLinearised(prob, retain).theta;
    return { thetaR, doutExact: primalEffects(prob, fit.theta, thetaR.map((v, j) => v - fit.theta[j])).doutput };
  };
  return { prob, theta: fit.theta, trainGrad: fit.gradNorm, forget, retain, retrain };
}

/**
 * model = mlp: train the network itself, then hand the solvers the linear problem around θ₀ (dual)
 * or θ* (primal, with the network's exact retain Hessian) whose offsets reproduce its outputs at θ*.
 */
function prepareNetwork(
  prob: InfluenceProblem, spec: { dOut: number; width: number; depth: number },
  train: { X: Float64Array; Y: Float64Array; n: number; d: number }, test: { X: Float64Array; n: number },
  all: number[], forget: number[], retain: number[], point: 'init' | 'trained', ctx: SolverContext,
): Prepared {
  const { dOut } = spec;
  const d = train.d;
  const net = new Mlp({ sizes: [d, ...Array(spec.depth).fill(spec.width), dOut], wStd: 2, bStd: 0.1 });
  const theta0 = prob.thetaP;
  const nd = { net, theta0, X: train.X, Xt: test.X, d, Y: train.Y, dOut, loss: prob.loss, lambda: prob.lambda };
  const star = trainNet(nd, all, theta0, ctx.checkCancelled);
  ctx.progress(0.2, 'trained the network');
  const shift = star.theta.map((v, j) => v - theta0[j]);
  const Ft = jacobianAt(net, star.theta, test.X, test.n, d, dOut);
  const Fs = jacobianAt(net, star.theta, train.X, train.n, d, dOut);
  if (point === 'trained') {
    // primal: the exact Newton step of P1–P2 at θ*, with the network's full Hessian of the retain
    // objective (finite differences of its gradient, so second derivatives of f are included)
    prob.J = Fs.J; prob.Jt = Ft.J;
    const H = fdHessian(objective(nd, retain, ctx.checkCancelled), star.theta);
    const scale = retain.length / train.n;
    for (let i = 0; i < H.data.length; i++) H.data[i] *= scale;
    prob.retainHessian = H;
  }
  prob.f0 = matchingOffsets(prob.J, shift, Fs.F);
  prob.f0t = matchingOffsets(prob.Jt, shift, Ft.F);
  if (star.gradNorm > 1e-6) ctx.warn(`network training stopped at gradient norm ${star.gradNorm.toExponential(2)}`);
  const retrain = () => {
    const r = trainNet(nd, retain, theta0, ctx.checkCancelled);
    const FtR = jacobianAt(net, r.theta, test.X, test.n, d, dOut).F;
    return { thetaR: r.theta.map((v, j) => v - theta0[j]), doutExact: FtR.map((v, i) => v - Ft.F[i]) };
  };
  return { prob, theta: shift, trainGrad: star.gradNorm, forget, retain, retrain };
}

function resolveMethod(p: Record<string, Value>, unknowns: number): 'direct' | 'cg' {
  if (p.method === 'direct' || p.method === 'cg') return p.method;
  return unknowns <= 2000 ? 'direct' : 'cg';
}

function toMatrix(v: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(v.subarray(i * cols, (i + 1) * cols)));
}

function finish(pr: Prepared, p: Record<string, Value>, dtheta: Float64Array, doutput: Float64Array, dloss: Float64Array, seconds: number, extra: Record<string, Value>): Record<string, Value> {
  const { prob, theta, forget } = pr;
  for (const v of [dtheta, doutput, dloss]) {
    if (v.some((x) => !Number.isFinite(x))) throw new SolverInputError('the influence step produced non-finite values: increase lambda', 'lambda');
  }
  let retrainError = -1, changeError = -1, doutError = -1;
  let dlossRetrained: number[] = [];
  if (p.retrain) {
    const { thetaR, doutExact: exact } = pr.retrain();
    dlossRetrained = Array.from(retrainedLossChange(prob, theta, thetaR, exact));
    const full = (t: Float64Array) => t.map((v, j) => v + prob.thetaP[j]);
    const thetaU = theta.map((v, j) => v + dtheta[j]);
    const diff = thetaU.map((v, j) => v - thetaR[j]);
    retrainError = norm2(diff) / Math.max(norm2(full(thetaR)), 1e-300);
    changeError = norm2(diff) / Math.max(norm2(thetaR.map((v, j) => v - theta[j])), 1e-300);
    doutError = relDiff(doutput, exact);
  }
  let absSum = 0;
  for (const v of doutput) absSum += Math.abs(v);
  return {
    dtheta: Array.from(dtheta),
    doutput: toMatrix(doutput, prob.nTest, prob.dOut),
    dloss: Array.from(dloss),
    seconds,
    seconds_step: seconds,
    dtheta_norm: norm2(dtheta),
    doutput_mean_abs: absSum / doutput.length,
    dloss_mean: dloss.reduce((a, b) => a + b, 0) / dloss.length,
    dloss_retrained: dlossRetrained,
    dloss_retrained_mean: dlossRetrained.length ? dlossRetrained.reduce((a, b) => a + b, 0) / dlossRetrained.length : -1,
    retrain_error: retrainError,
    retrain_rel_change_error: changeError,
    doutput_error: doutError,
    P: prob.P,
    n_forget: forget.length,
    forget_indices: forget,
    train_grad_norm: pr.trainGrad,
    ...extra,
  };
}

/**
 * The exact per-test-point loss change of retraining, ℓ_t(θ_r*) − ℓ_t(θ*) with the regulariser
 * (λ/2)‖θ − θ_p‖² inside each per-point loss (the convention of dloss), from the test outputs at θ*
 * and the retrained output change. θ and θ_r are given relative to θ_p.
 */
function retrainedLossChange(prob: InfluenceProblem, theta: Float64Array, thetaR: Float64Array, doutExact: Float64Array): Float64Array {
  const { dOut, nTest, loss, lambda } = prob;
  const Ft = matVec(prob.Jt, theta);
  for (let i = 0; i < Ft.length; i++) Ft[i] += prob.f0t[i];
  const FtR = Ft.map((v, i) => v + doutExact[i]);
  const reg = 0.5 * lambda * (dot(thetaR, thetaR) - dot(theta, theta));
  const out = new Float64Array(nTest);
  for (let t = 0; t < nTest; t++) out[t] = loss.value(FtR, prob.Yt, t * dOut, dOut) - loss.value(Ft, prob.Yt, t * dOut, dOut) + reg;
  return out;
}

function costOf(p: Record<string, Value>): number {
  const N = p.N as number, dOut = p.d_out as number;
  const spec = { model: p.model as ModelName, dOut, width: p.width as number, depth: p.depth as number, P: p.P as number };
  const P = parameterCount(spec, p.d as number);
  const m = N * dOut;
  const linear = (m * m * P + Math.min(P, m) ** 3 + m * P * Math.min(P, m)) / 3e8;
  // model = mlp trains the network twice: L-BFGS plus a finite-difference Newton polish (~P gradients)
  return p.model === 'mlp' ? linear + (2 * P * N * P * dOut) / 3e7 : linear;
}

/**
 * Bytes of the dense float64 arrays a run allocates: the training Jacobian J (N·d_out × P) and a
 * retain-row copy of it (fit, step), the test Jacobian, the kernel-space fit's Gram matrix
 * (min(N·d_out, P)² ), the data; then the primal's P×P Hessian (direct) or the dual's N·d_out-square
 * Gram matrix with its retain block, system matrix and factor copy (materialised kernel).
 */
function memoryOf(p: Record<string, Value>, form: 'primal' | 'dual'): number {
  const N = p.N as number, dOut = p.d_out as number, d = p.d as number;
  const spec = { model: p.model as ModelName, dOut, width: p.width as number, depth: p.depth as number, P: p.P as number };
  const P = parameterCount(spec, d);
  const m = N * dOut, mt = (p.N_test as number) * dOut;
  let bytes = 8 * (2 * m * P + mt * P + Math.min(m, P) ** 2 + (N + (p.N_test as number)) * (d + 4 * dOut) + 6 * P);
  if (p.model === 'random_features') bytes += 8 * (p.width as number) * (d + 1);
  if (form === 'primal') {
    const direct = p.method === 'direct' || (p.method === 'auto' && P <= 2000) || p.model === 'mlp';
    bytes += direct ? 8 * 2 * P * P : 8 * m * P;
  } else {
    bytes += p.kernel === 'materialized' ? 8 * 4 * m * m : 8 * m * P;
  }
  return 4 * 2 ** 20 + bytes;
}

function validate(p: Record<string, Value>): ParamIssue[] {
  const issues: ParamIssue[] = [];
  const f = p.forget as number[] | undefined;
  if (f && p.data === 'synthetic') {
    const bad = f.find((i) => !Number.isInteger(i) || i < 0 || i >= (p.N as number));
    if (bad !== undefined) issues.push({ param: 'forget', message: `forget index ${bad} is not an integer in [0, ${(p.N as number) - 1}]` });
    if (new Set(f).size >= (p.N as number)) issues.push({ param: 'forget', message: 'the forget set may not contain every training point' });
  }
  return issues;
}

const primal: SolverDef = {
  id: 'influence.primal',
  title: 'Data-removal influence in parameter space (one Newton step on the retain objective)',
  doc: 'Notation: the N training points split into the forget set D_f (N_f points, `forget`) and the retain set D_r (N_r = N − N_f); θ* is the regularised optimum on all N points, θ_r* the optimum after retraining on D_r alone, θ_u = θ* + Δθ the unlearned parameters this step predicts, J the N·d_out × P Jacobian of the outputs, α* the dual coefficients of θ* (θ* − θ_p = Jᵀα*). ' +
    'Solves H_r Δθ = (N_f/N) ∇L_{D_f}(θ*) with H_r the retain Hessian scaled by N_r/N (influence.md P1–P4), ' +
    'directly (Cholesky on the P×P Hessian) or by CG on Hessian-vector products, and reports the parameter, test output and test loss changes. ' +
    'Exact for linear models with the rls loss; models are linear or linearised at initialisation.',
  paper: 'Z. Sun, S. Valaee, "Extending Kernel Trick to Influence Functions", arXiv:2605.11239 (2026)',
  mathSpec: 'influence.md',
  version: '2',
  params: commonParams,
  outputs: commonOutputs,
  cost: costOf,
  memoryEstimate: (p) => memoryOf(p, 'primal'),
  validate,
  async run(p, ctx) {
    const pr = prepare(p, ctx, 'trained');
    ctx.progress(0.3, 'trained θ*');
    const method = resolveMethod(p, pr.prob.P);
    if (method === 'direct' && pr.prob.P > 8000) throw new SolverInputError(`a direct solve would factorise a ${pr.prob.P}×${pr.prob.P} Hessian: use method = cg (or auto)`, 'method');
    const t0 = performance.now();
    const step = primalStep(pr.prob, pr.theta, pr.forget, pr.retain, { method, tol: p.tol as number, maxIter: p.max_iter as number, checkCancelled: ctx.checkCancelled });
    const eff = primalEffects(pr.prob, pr.theta, step.dtheta);
    const seconds = (performance.now() - t0) / 1000;
    if (!step.converged) ctx.warn(`CG stopped after ${step.iterations} iterations at relative residual ${step.relResidual.toExponential(2)}`);
    ctx.progress(0.8, 'influence step done');
    return finish(pr, p, step.dtheta, eff.doutput, eff.dloss, seconds, { iterations: step.iterations, residual: step.relResidual });
  },
};

const dual: SolverDef = {
  id: 'influence.dual',
  title: 'Data-removal influence in kernel (dual) form from the Jacobian Gram matrix',
  doc: 'Notation: the N training points split into the forget set D_f (N_f points, `forget`) and the retain set D_r (N_r = N − N_f); θ* is the regularised optimum on all N points, θ_r* the optimum after retraining on D_r alone, θ_u = θ* + Δθ the unlearned parameters this step predicts, J the N·d_out × P Jacobian of the outputs, α* the dual coefficients of θ* (θ* − θ_p = Jᵀα*). ' +
    'Fixes Δα_f = −α*_f and solves the retain block of the kernel system (D6, or the reduced D7) built from the empirical NTK ' +
    'K = J Jᵀ at θ_p (the linearisation point: the initial weights θ₀ for `mlp_linearized`, 0 otherwise), then maps back Δθ = Jᵀ Δα (influence.md D1–D10). The kernel is materialised (direct or CG) or applied matrix-free as J(Jᵀv) inside CG. ' +
    'Cost scales with N·d_out instead of P.',
  paper: 'Z. Sun, S. Valaee, "Extending Kernel Trick to Influence Functions", arXiv:2605.11239 (2026)',
  mathSpec: 'influence.md',
  version: '2',
  params: [
    ...commonParams,
    { name: 'system', kind: 'enum', values: ['d6', 'd7'], default: 'd6', doc: 'd6: the paper\'s eq. 13 system (K² terms); d7: the reduced, better-conditioned form (needs an exact optimum θ*)' },
    { name: 'kernel', kind: 'enum', values: ['materialized', 'matrix_free'], default: 'materialized', doc: 'materialise K = J Jᵀ, or apply it as J(Jᵀ v) (CG only)' },
    { name: 'damping', kind: 'number', default: 0, min: 0, max: 1e3, doc: 'extra damping added to the dual system matrix (off by default, as in the spec)' },
  ],
  outputs: [
    ...commonOutputs,
    { name: 'dalpha', kind: 'vector', doc: 'Δα over all training rows (sample-major); forget rows equal −α*_f' },
    { name: 'alpha_star', kind: 'vector', doc: 'α* = −∇_f ℓ/(λN) (D3)' },
    { name: 'seconds_kernel', kind: 'number', unit: 's', doc: 'time to build the Gram matrix (0 when matrix-free)' },
    { name: 'seconds_solve', kind: 'number', unit: 's', doc: 'time of the retain solve and the map back' },
  ],
  cost: costOf,
  memoryEstimate: (p) => memoryOf(p, 'dual'),
  validate(p) {
    const issues = validate(p);
    if (p.kernel === 'matrix_free' && p.method === 'direct') issues.push({ param: 'method', message: 'a direct solve needs kernel = materialized' });
    if (p.system === 'd7' && p.method === 'cg' && p.loss === 'softmax_ce') issues.push({ param: 'system', message: 'system d7 is not symmetric for softmax_ce: use d6 with CG' });
    return issues;
  },
  async run(p, ctx) {
    const pr = prepare(p, ctx);
    ctx.progress(0.3, 'trained θ*');
    const mr = pr.retain.length * pr.prob.dOut;
    let method = resolveMethod(p, mr);
    // A rank-deficient K_rr (P < N_r·d_out) has rank ≤ P, so the direct range-space (D6) solve costs
    // ~m_r²·P: keep it beyond the 2000-unknown limit while that stays affordable, since CG on (D6)
    // cannot meet C1 there (issue 22).
    if (p.method === 'auto' && p.system === 'd6' && p.kernel === 'materialized' && pr.prob.P < mr && mr * mr * pr.prob.P <= 2e10) method = 'direct';
    if (p.kernel === 'matrix_free') method = 'cg';
    if (p.method === 'auto' && p.system === 'd7' && pr.prob.loss.name !== 'rls') method = 'direct';
    const m = pr.prob.N * pr.prob.dOut;
    if (p.kernel === 'materialized' && m > 8000) throw new SolverInputError(`the Gram matrix would be ${m}×${m}: use kernel = matrix_free`, 'kernel');
    const t0 = performance.now();
    let gram: { K: Dense; Kt: Dense } | undefined;
    // On a WebGPU backend the Gram matrices (the O(N² d_out² P) part) are built on the device, in float32.
    if (ctx.backend.kind === 'webgpu' && p.kernel === 'materialized' && ctx.kernels) {
      gram = { K: await gramOnDevice(ctx.kernels, pr.prob.J, pr.prob.J), Kt: await gramOnDevice(ctx.kernels, pr.prob.Jt, pr.prob.J) };
      ctx.warn(`Gram matrix built on ${ctx.backend.name} in float32 (relative error ~1e-7); use device = cpu for float64`);
    }
    const res = dualStep(pr.prob, pr.theta, pr.forget, pr.retain, {
      method, tol: p.tol as number, maxIter: p.max_iter as number, checkCancelled: ctx.checkCancelled,
      system: p.system as 'd6' | 'd7', kernel: p.kernel as 'materialized' | 'matrix_free', damping: p.damping as number, warn: ctx.warn, gram,
    });
    const seconds = (performance.now() - t0) / 1000;
    if (!res.converged) ctx.warn(`CG stopped after ${res.iterations} iterations at relative residual ${res.relResidual.toExponential(2)}`);
    ctx.progress(0.8, 'influence step done');
    return finish(pr, p, res.dtheta, res.effects.doutput, res.effects.dloss, seconds, {
      iterations: res.iterations, residual: res.relResidual,
      dalpha: Array.from(res.dalpha), alpha_star: Array.from(res.alphaStar),
      seconds_kernel: res.secondsKernel, seconds_solve: res.secondsSolve,
    });
  },
};

export const solvers: SolverDef[] = [primal, dual];

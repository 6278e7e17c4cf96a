// The linearised problem shared by the primal and dual solvers: every supported model is (made)
// linear in θ, f(x; θ) = f(x; θ_p) + J(x)(θ − θ_p), so the problem is fully described by the
// stacked Jacobian J (N·d_out × P, sample-major rows), the offsets f(x; θ_p), the targets and λ.
// Solvers work in the shifted coordinates θ' = θ − θ_p (θ_p = 0 for linear / random features).
import { dense, Dense } from '../../numeric/linalg';
import { Rng } from '../../numeric/rng';
import { SolverInputError } from '../registry';
import { Dataset, labelsFromScores } from './data';
import { Loss } from './losses';
import { Mlp } from './mlp';

export type ModelName = 'linear' | 'random_features' | 'mlp_linearized' | 'mlp' | 'random_jacobian';

export interface InfluenceProblem {
  N: number;
  dOut: number;
  P: number;
  J: Dense;
  f0: Float64Array;
  Y: Float64Array;
  nTest: number;
  Jt: Dense;
  f0t: Float64Array;
  Yt: Float64Array;
  /** Linearisation point / regulariser centre θ_p. */
  thetaP: Float64Array;
  lambda: number;
  loss: Loss;
  /**
   * The retain Hessian H_r (P1) when it is not J_rᵀ H J_r / N + (N_r/N) λ I, i.e. for the
   * non-linearised network (second-derivative terms of f included).
   */
  retainHessian?: Dense;
}

/** Feature map of the models that are linear in θ with a Kronecker Jacobian I_{d_out} ⊗ φ(x)ᵀ. */
interface FeatureMap { dim: number; map(x: Float64Array): Float64Array }

function kronJacobian(X: Float64Array, n: number, d: number, dOut: number, fm: FeatureMap): Dense {
  const P = fm.dim * dOut;
  const J = dense(n * dOut, P);
  for (let i = 0; i < n; i++) {
    const phi = fm.map(X.subarray(i * d, (i + 1) * d));
    for (let a = 0; a < dOut; a++) J.data.set(phi, (i * dOut + a) * P + a * fm.dim);
  }
  return J;
}

export interface ModelSpec {
  model: ModelName;
  dOut: number;
  width: number;
  depth: number;
  /** Parameter count of the random_jacobian model. */
  P: number;
}

export function parameterCount(s: ModelSpec, d: number): number {
  switch (s.model) {
    case 'linear': return d * s.dOut;
    case 'random_features': return s.width * s.dOut;
    case 'random_jacobian': return s.P;
    case 'mlp':
    case 'mlp_linearized': return new Mlp({ sizes: [d, ...Array(s.depth).fill(s.width), s.dOut], wStd: 2, bStd: 0.1 }).P;
  }
}

/**
 * Builds J, f0 for the training and test inputs. `rng` draws the model's random parts (features,
 * network initialisation); the data were drawn before from their own stream.
 */
export function buildProblem(spec: ModelSpec, train: Dataset, test: Dataset, loss: Loss, lambda: number, rng: Rng): InfluenceProblem {
  const { dOut } = spec;
  const d = train.d;
  let J: Dense, Jt: Dense;
  let f0 = new Float64Array(train.n * dOut), f0t = new Float64Array(test.n * dOut);
  let thetaP: Float64Array;
  if (spec.model === 'linear') {
    const fm: FeatureMap = { dim: d, map: (x) => Float64Array.from(x) };
    J = kronJacobian(train.X, train.n, d, dOut, fm);
    Jt = kronJacobian(test.X, test.n, d, dOut, fm);
    thetaP = new Float64Array(J.cols);
  } else if (spec.model === 'random_features') {
    const w = spec.width;
    const Omega = rng.normals(w * d);
    const bias = rng.normals(w);
    const fm: FeatureMap = {
      dim: w,
      map: (x) => {
        const phi = new Float64Array(w);
        for (let j = 0; j < w; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += Omega[j * d + k] * x[k];
          phi[j] = Math.tanh(s / Math.sqrt(d) + bias[j]) / Math.sqrt(w);
        }
        return phi;
      },
    };
    J = kronJacobian(train.X, train.n, d, dOut, fm);
    Jt = kronJacobian(test.X, test.n, d, dOut, fm);
    thetaP = new Float64Array(J.cols);
  } else if (spec.model === 'random_jacobian') {
    // The math spec's reference construction: each J_i has i.i.d. N(0, 1/P) entries, no inputs.
    const P = spec.P;
    J = dense(train.n * dOut, P, rng.normals(train.n * dOut * P, 1 / Math.sqrt(P)));
    Jt = dense(test.n * dOut, P, rng.normals(test.n * dOut * P, 1 / Math.sqrt(P)));
    thetaP = new Float64Array(P);
  } else {
    const net = new Mlp({ sizes: [d, ...Array(spec.depth).fill(spec.width), dOut], wStd: 2, bStd: 0.1 });
    thetaP = net.init(rng);
    J = dense(train.n * dOut, net.P);
    Jt = dense(test.n * dOut, net.P);
    for (let i = 0; i < train.n; i++) f0.set(net.jacobianInto(thetaP, train.X.subarray(i * d, (i + 1) * d), J.data, i * dOut), i * dOut);
    for (let i = 0; i < test.n; i++) f0t.set(net.jacobianInto(thetaP, test.X.subarray(i * d, (i + 1) * d), Jt.data, i * dOut), i * dOut);
  }
  for (const v of [J.data, Jt.data, f0, f0t]) {
    if (v.some((x) => !Number.isFinite(x))) throw new SolverInputError('the model produced non-finite values (check the data for huge entries)', 'data');
  }
  return { N: train.n, dOut, P: J.cols, J, f0, Y: train.Y, nTest: test.n, Jt, f0t, Yt: test.Y, thetaP, lambda, loss };
}

/** Random N(0, 1) targets (rls) or random classes, for the input-free random_jacobian model. */
export function randomTargets(n: number, dOut: number, lossName: 'rls' | 'softmax_ce', rng: Rng): Dataset {
  if (lossName === 'rls') return { X: new Float64Array(0), Y: rng.normals(n * dOut), n, d: 0 };
  const { Y, classes } = labelsFromScores(rng.normals(n * dOut), n, dOut, lossName, 0, rng);
  return { X: new Float64Array(0), Y, n, d: 0, classes };
}

// The non-linearised network (model = mlp, influence.md C4): the tanh MLP itself is trained (θ*) and
// retrained on the retain set from θ₀ (θ_r*) by L-BFGS to a tight gradient tolerance. The influence
// solvers then see a linear problem whose offsets reproduce the network's true outputs at θ*:
//   dual   — J at θ_p = θ₀ (the empirical NTK at initialisation, as the paper prescribes);
//   primal — J at θ* and the full Hessian at θ* (the exact Newton step of P1–P2).
// Neither is exact for a non-linear model; the error against θ_r* is what C4 asks to report.
import { choleskyInPlace, choleskySolve, dense, Dense, matVec } from '../../numeric/linalg';
import { lbfgs } from '../../numeric/lbfgs';
import { SolverInputError } from '../registry';
import { Loss } from './losses';
import { Mlp } from './mlp';

export interface NetData {
  net: Mlp;
  theta0: Float64Array;
  X: Float64Array;
  Xt: Float64Array;
  d: number;
  Y: Float64Array;
  dOut: number;
  loss: Loss;
  lambda: number;
}

/** θ minimising (1/|S|) Σ_{i∈S} ℓ(f(x_i; θ), y_i) + (λ/2)‖θ − θ₀‖², started at `start`. */
export function trainNet(nd: NetData, pts: number[], start: Float64Array, checkCancelled?: () => void): { theta: Float64Array; gradNorm: number } {
  const fg = objective(nd, pts, checkCancelled);
  // L-BFGS gets close cheaply; Newton steps (Hessian by central differences of the gradient, damped
  // when indefinite) then converge to a tight tolerance in a few iterations, which L-BFGS cannot.
  const r = lbfgs(fg, start, { gradTol: 1e-6, maxIter: 3000, memory: 20 });
  if (!r.x.every(Number.isFinite)) throw new SolverInputError('training the network diverged: increase lambda', 'lambda');
  return newtonPolish(fg, r.x, 1e-11, 30);
}

/** Value and gradient of (1/|S|) Σ_{i∈S} ℓ_i + (λ/2)‖θ − θ₀‖², by one backward sweep per point. */
export function objective(nd: NetData, pts: number[], checkCancelled?: () => void): (theta: Float64Array) => { f: number; g: Float64Array } {
  const { net, theta0, X, d, Y, dOut, loss, lambda } = nd;
  const n = pts.length;
  const cot = new Float64Array(dOut);
  return (theta: Float64Array) => {
    checkCancelled?.();
    const g = new Float64Array(net.P);
    let f = 0;
    for (const i of pts) {
      const xi = X.subarray(i * d, (i + 1) * d);
      const out = net.forward(theta, xi);
      const yi = Y.subarray(i * dOut, (i + 1) * dOut);
      f += loss.value(out, yi, 0, dOut);
      loss.grad(out, yi, 0, dOut, cot, 0);
      for (let a = 0; a < dOut; a++) cot[a] /= n;
      net.vjpAccumulate(theta, xi, cot, g);
    }
    f /= n;
    let reg = 0;
    for (let j = 0; j < net.P; j++) {
      const dj = theta[j] - theta0[j];
      reg += dj * dj;
      g[j] += lambda * dj;
    }
    return { f: f + 0.5 * lambda * reg, g };
  };
}

/** Hessian by central differences of the gradient (step 1e-5, error ~1e-10), symmetrised. */
export function fdHessian(fg: (x: Float64Array) => { g: Float64Array }, x: Float64Array, h = 1e-5): Dense {
  const P = x.length;
  const H = dense(P, P);
  for (let j = 0; j < P; j++) {
    const xp = x.slice(), xm = x.slice();
    xp[j] += h; xm[j] -= h;
    const gp = fg(xp).g, gm = fg(xm).g;
    for (let i = 0; i < P; i++) H.data[i * P + j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) {
    const v = 0.5 * (H.data[i * P + j] + H.data[j * P + i]);
    H.data[i * P + j] = v; H.data[j * P + i] = v;
  }
  return H;
}

function newtonPolish(fg: (x: Float64Array) => { f: number; g: Float64Array }, x0: Float64Array, tol: number, maxIter: number): { theta: Float64Array; gradNorm: number } {
  let x = x0;
  let { f, g } = fg(x);
  const P = x.length;
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((a, b) => a + b * b, 0));
  let gn = norm(g);
  for (let it = 0; it < maxIter && gn > tol; it++) {
    const H = fdHessian(fg, x);
    let mu = 0, step: Float64Array | undefined;
    for (let k = 0; k < 60 && !step; k++) {
      const A = dense(P, P, H.data.slice());
      for (let i = 0; i < P; i++) A.data[i * P + i] += mu;
      try { step = choleskySolve(choleskyInPlace(A), g.map((v) => -v)); } catch { mu = Math.max(2 * mu, 1e-8); }
    }
    if (!step) break;
    let accepted = false;
    for (let t = 1; t > 1e-6; t *= 0.5) {
      const xn = x.map((v, i) => v + t * step![i]);
      const r = fg(xn);
      const rn = norm(r.g);
      // near the optimum f no longer resolves the decrease, so a smaller gradient also counts
      if (r.f < f - 1e-4 * t * Math.abs(dotArr(g, step)) || (r.f <= f + 1e-12 * Math.abs(f) && rn < gn)) {
        x = xn; f = r.f; g = r.g; gn = rn; accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  return { theta: x, gradNorm: gn };
}

function dotArr(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Stacked Jacobian (n·d_out × P) and outputs of the network at θ on n inputs. */
export function jacobianAt(net: Mlp, theta: Float64Array, X: Float64Array, n: number, d: number, dOut: number): { J: Dense; F: Float64Array } {
  const J = dense(n * dOut, net.P);
  const F = new Float64Array(n * dOut);
  for (let i = 0; i < n; i++) F.set(net.jacobianInto(theta, X.subarray(i * d, (i + 1) * d), J.data, i * dOut), i * dOut);
  return { J, F };
}

/** Offsets f0 with f0 + J θ' = F (so the linear problem reproduces the network's outputs at θ'). */
export function matchingOffsets(J: Dense, thetaShift: Float64Array, F: Float64Array): Float64Array {
  const lin = matVec(J, thetaShift);
  return F.map((v, i) => v - lin[i]);
}

// Training the linearised model to its exact optimum, θ'* = argmin (1/n) Σ_{i∈S} ℓ_i + (λ/2)‖θ'‖²,
// by damped Newton. The objective is convex (linear model + convex loss + λ > 0), and influence
// identities only hold at a true optimum (∇L_D(θ*) = 0), so we iterate to machine precision. For rls a
// single Newton step is the closed-form ridge solution.
// Newton runs in parameter space when P ≤ n·d_out and in kernel space (θ' = J_Sᵀ α) otherwise: the
// iterates stay in the row space of J_S, where the step solves (H K/n + λ I) Δα = −(g/n + λ α).
import { addDiagonal, choleskyInPlace, choleskySolve, crossT, dense, Dense, dot, matMulABt, matTVec, matVec, norm2, selectRows, solveLu } from '../../numeric/linalg';
import { applyBlocks, Loss, stackedGrads, stackedHessians } from './losses';
import type { InfluenceProblem } from './problem';

/** Row indices (sample-major) of the listed points. */
export function rowsOf(pts: ArrayLike<number>, dOut: number): Int32Array {
  const rows = new Int32Array(pts.length * dOut);
  for (let k = 0; k < pts.length; k++) for (let a = 0; a < dOut; a++) rows[k * dOut + a] = pts[k] * dOut + a;
  return rows;
}

export function pick(v: ArrayLike<number>, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = v[idx[k]];
  return out;
}

/** Jᵀ blockdiag(H) J for a row-major J with d_out-row blocks (P×P). */
export function weightedGram(J: Dense, H: Float64Array, dOut: number, constantHessian: boolean): Dense {
  if (constantHessian) {
    // rls: H = I/d_out, so Jᵀ H J = JᵀJ / d_out.
    const G = crossT(J, J);
    const s = H[0];
    for (let i = 0; i < G.data.length; i++) G.data[i] *= s;
    return G;
  }
  const B = dense(J.rows, J.cols);
  const n = J.rows / dOut, P = J.cols;
  for (let k = 0; k < n; k++) {
    for (let a = 0; a < dOut; a++) {
      const bo = (k * dOut + a) * P;
      for (let b = 0; b < dOut; b++) {
        const h = H[k * dOut * dOut + a * dOut + b];
        if (h === 0) continue;
        const jo = (k * dOut + b) * P;
        for (let j = 0; j < P; j++) B.data[bo + j] += h * J.data[jo + j];
      }
    }
  }
  return crossT(J, B);
}

function objective(loss: Loss, F: Float64Array, Y: Float64Array, n: number, dOut: number, reg: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += loss.value(F, Y, k * dOut, dOut);
  return s / n + reg;
}

export interface FitResult {
  theta: Float64Array; // θ' = θ − θ_p
  iterations: number;
  gradNorm: number;
}

/** Minimises the regularised loss over the points `pts` of the problem. */
export function fitLinearised(prob: InfluenceProblem, pts: ArrayLike<number>, maxIter = 100): FitResult {
  const { dOut, loss, lambda } = prob;
  const n = pts.length;
  const rows = rowsOf(pts, dOut);
  const J = selectRows(prob.J, rows);
  const f0 = pick(prob.f0, rows);
  const Y = pick(prob.Y, rows);
  const all = Int32Array.from({ length: n }, (_, k) => k);
  const P = J.cols, m = J.rows;
  const kernelSpace = P > m;
  const K = kernelSpace ? matMulABt(J, J) : undefined;
  let theta: Float64Array = new Float64Array(P);
  let alpha: Float64Array = new Float64Array(m);
  const outputs = (th: Float64Array, al: Float64Array) => {
    const F = kernelSpace ? matVec(K!, al) : matVec(J, th);
    for (let i = 0; i < m; i++) F[i] += f0[i];
    return F;
  };
  const regOf = (th: Float64Array, al: Float64Array) => kernelSpace ? 0.5 * lambda * dot(al, matVec(K!, al)) : 0.5 * lambda * dot(th, th);
  let F = outputs(theta, alpha);
  let obj = objective(loss, F, Y, n, dOut, 0);
  let gradNorm = Infinity, g0 = 0, it = 0;
  for (; it < maxIter; it++) {
    const g = stackedGrads(loss, F, Y, all, dOut);
    // θ-space gradient (1/n) Jᵀ g + λ θ'
    const r = new Float64Array(m);
    for (let i = 0; i < m; i++) r[i] = g[i] / n + (kernelSpace ? lambda * alpha[i] : 0);
    const grad = matTVec(J, r);
    if (!kernelSpace) for (let j = 0; j < P; j++) grad[j] += lambda * theta[j];
    gradNorm = norm2(grad);
    if (it === 0) g0 = gradNorm;
    if (gradNorm <= 1e-13 * Math.max(g0, 1e-300) || gradNorm === 0) break;
    const H = stackedHessians(loss, F, Y, all, dOut);
    let stepTheta: Float64Array | undefined, stepAlpha: Float64Array | undefined;
    if (kernelSpace) {
      // (H K / n + λ I) Δα = −r
      const HK = dense(m, m);
      for (let c = 0; c < m; c++) {
        const col = new Float64Array(m);
        for (let i = 0; i < m; i++) col[i] = K!.data[i * m + c];
        const hc = applyBlocks(H, col, dOut);
        for (let i = 0; i < m; i++) HK.data[i * m + c] = hc[i] / n;
      }
      addDiagonal(HK, lambda);
      stepAlpha = solveLu(HK, r.map((v) => -v));
    } else {
      const Hm = weightedGram(J, H, dOut, loss.constantHessian);
      for (let i = 0; i < Hm.data.length; i++) Hm.data[i] /= n;
      addDiagonal(Hm, lambda);
      stepTheta = choleskySolve(choleskyInPlace(Hm), grad.map((v) => -v));
    }
    // Backtracking (Armijo) on the convex objective; rls accepts the full step.
    let t = 1;
    let accepted = false;
    const cur = obj + regOf(theta, alpha);
    for (let ls = 0; ls < 40; ls++) {
      const th = stepTheta ? theta.map((v, j) => v + t * stepTheta![j]) : theta;
      const al = stepAlpha ? alpha.map((v, i) => v + t * stepAlpha![i]) : alpha;
      const Fn = outputs(th, al);
      const on = objective(loss, Fn, Y, n, dOut, 0);
      if (on + regOf(th, al) <= cur + 1e-12 * Math.abs(cur) || t < 1e-8) {
        theta = th; alpha = al; F = Fn; obj = on; accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
  }
  if (kernelSpace) theta = matTVec(J, alpha);
  return { theta, iterations: it, gradNorm };
}

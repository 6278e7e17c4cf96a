// A small, exact-arithmetic-free but careful dense LP solver: two-phase tableau simplex with Dantzig
// pricing and a switch to Bland's rule after a run of degenerate pivots (so it cannot cycle).
// Meant for small problems (a few hundred rows/columns): reference solutions in tests and exact
// polishing steps inside larger methods — O(rows · cols) memory and work per pivot.
//
//   maximise cᵀx   s.t.   A_r x (≤ | ≥ | =) b_r,   lower ≤ x ≤ upper
//
// Lower bounds may be −∞ (the variable is split into a difference of two non-negative parts); upper
// bounds may be +∞.

export type LpSense = '<=' | '>=' | '=';
export type LpStatus = 'optimal' | 'infeasible' | 'unbounded' | 'iteration_limit';

export interface LpProblem {
  /** Objective coefficients (length n); the objective is maximised. */
  c: ArrayLike<number>;
  /** Constraint matrix, m×n row-major. */
  A: ArrayLike<number>;
  b: ArrayLike<number>;
  /** One sense per row (default '<=' for every row). */
  sense?: LpSense[];
  /** Per-variable bounds (defaults 0 and +∞). */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
}

export interface LpResult {
  status: LpStatus;
  /** The optimal point (or the last iterate when not optimal); empty when infeasible. */
  x: Float64Array;
  objective: number;
  iterations: number;
}

export interface LpOptions {
  maxIterations?: number;
  /** Pivot and feasibility tolerance. */
  tol?: number;
}

export function solveDenseLp(prob: LpProblem, opts: LpOptions = {}): LpResult {
  const n = prob.c.length;
  const m = prob.b.length;
  if (prob.A.length !== m * n) throw new Error(`solveDenseLp: A has ${prob.A.length} entries, expected ${m}×${n}`);
  const tol = opts.tol ?? 1e-9;
  const pivTol = 1e-7;
  const maxIter = opts.maxIterations ?? 50 * (m + n) + 1000;
  const lower = Float64Array.from({ length: n }, (_, j) => prob.lower?.[j] ?? 0);
  const upper = Float64Array.from({ length: n }, (_, j) => prob.upper?.[j] ?? Infinity);
  for (let j = 0; j < n; j++) {
    if (Number.isNaN(lower[j]) || Number.isNaN(upper[j]) || lower[j] > upper[j] || lower[j] === Infinity) {
      throw new Error(`solveDenseLp: bad bounds for variable ${j}`);
    }
  }

  // Column map: variable j becomes x_j = lower_j + x'_j (finite lower) or x'_j⁺ − x'_j⁻ (free).
  const free = Array.from({ length: n }, (_, j) => lower[j] === -Infinity);
  const colOf: number[] = [];
  let nStruct = 0;
  for (let j = 0; j < n; j++) { colOf.push(nStruct); nStruct += free[j] ? 2 : 1; }

  // Rows: the m constraints, then x'_j ≤ upper_j − lower_j for finite upper bounds.
  interface Row { coef: Float64Array; rhs: number; sense: LpSense }
  const rows: Row[] = [];
  for (let r = 0; r < m; r++) {
    const coef = new Float64Array(nStruct);
    let rhs = prob.b[r];
    for (let j = 0; j < n; j++) {
      const a = prob.A[r * n + j];
      if (a === 0) continue;
      coef[colOf[j]] = a;
      if (free[j]) coef[colOf[j] + 1] = -a;
      else rhs -= a * lower[j];
    }
    rows.push({ coef, rhs, sense: prob.sense?.[r] ?? '<=' });
  }
  for (let j = 0; j < n; j++) {
    if (upper[j] === Infinity) continue;
    const coef = new Float64Array(nStruct);
    coef[colOf[j]] = 1;
    if (free[j]) { coef[colOf[j] + 1] = -1; rows.push({ coef, rhs: upper[j], sense: '<=' }); }
    else rows.push({ coef, rhs: upper[j] - lower[j], sense: '<=' });
  }
  // Make every right-hand side non-negative.
  for (const row of rows) {
    if (row.rhs < 0) {
      for (let j = 0; j < nStruct; j++) row.coef[j] = -row.coef[j];
      row.rhs = -row.rhs;
      row.sense = row.sense === '<=' ? '>=' : row.sense === '>=' ? '<=' : '=';
    }
  }

  const R = rows.length;
  const nSlack = rows.filter((r) => r.sense !== '=').length;
  const nArt = rows.filter((r) => r.sense !== '<=').length;
  const C = nStruct + nSlack + nArt;          // columns before the rhs
  const W = C + 1;                            // tableau width
  const T = new Float64Array((R + 1) * W);    // last row = objective (reduced costs)
  const basis = new Int32Array(R);
  const artStart = nStruct + nSlack;
  let s = nStruct, a = artStart;
  rows.forEach((row, r) => {
    T.set(row.coef, r * W);
    T[r * W + C] = row.rhs;
    if (row.sense === '<=') { T[r * W + s] = 1; basis[r] = s++; }
    else if (row.sense === '>=') { T[r * W + s++] = -1; T[r * W + a] = 1; basis[r] = a++; }
    else { T[r * W + a] = 1; basis[r] = a++; }
  });

  let iterations = 0;
  const obj = R * W;
  /** Runs simplex pivots on the current objective row; `allowed(j)` filters entering columns. */
  const iterate = (allowed: (j: number) => boolean): LpStatus => {
    let degenerateRun = 0;
    for (;;) {
      if (iterations >= maxIter) return 'iteration_limit';
      const bland = degenerateRun > 50;
      let enter = -1, best = -tol;
      for (let j = 0; j < C; j++) {
        if (!allowed(j)) continue;
        const rc = T[obj + j];
        if (rc < best) { enter = j; if (bland) break; best = rc; }
      }
      if (enter < 0) return 'optimal';
      // Harris two-pass ratio test: find the smallest ratio with the right-hand sides relaxed by
      // the tolerance, then pick among rows within it the largest pivot (numerical stability) — or,
      // in Bland mode, the smallest basis index (termination).
      let bound = Infinity;
      for (let r = 0; r < R; r++) {
        const piv = T[r * W + enter];
        if (piv > pivTol) bound = Math.min(bound, (Math.max(T[r * W + C], 0) + tol) / piv);
      }
      if (bound === Infinity) return 'unbounded';
      let leave = -1, bestPiv = 0, bestRatio = Infinity;
      for (let r = 0; r < R; r++) {
        const piv = T[r * W + enter];
        if (piv <= pivTol) continue;
        const ratio = Math.max(T[r * W + C], 0) / piv;
        if (ratio > bound) continue;
        const better = leave < 0 || (bland ? basis[r] < basis[leave] : piv > bestPiv);
        if (better) { leave = r; bestPiv = piv; bestRatio = ratio; }
      }
      if (leave < 0) return 'unbounded';
      degenerateRun = bestRatio <= tol ? degenerateRun + 1 : 0;
      pivot(T, R + 1, W, leave, enter);
      basis[leave] = enter;
      iterations++;
    }
  };

  // Phase 1: maximise −Σ artificials.
  if (nArt > 0) {
    for (let j = artStart; j < C; j++) T[obj + j] = 1;
    for (let r = 0; r < R; r++) {
      if (basis[r] < artStart) continue;
      for (let j = 0; j < W; j++) T[obj + j] -= T[r * W + j];
    }
    const st = iterate(() => true);
    if (st === 'iteration_limit') return { status: st, x: new Float64Array(0), objective: NaN, iterations };
    const infeas = -T[obj + C];
    const scale = Math.max(1, ...rows.map((r) => Math.abs(r.rhs)));
    if (infeas > tol * scale * 10) return { status: 'infeasible', x: new Float64Array(0), objective: NaN, iterations };
    // Drive artificials still basic (at zero) out of the basis where a real column can replace them.
    for (let r = 0; r < R; r++) {
      if (basis[r] < artStart) continue;
      let enter = -1;
      for (let j = 0; j < artStart; j++) if (Math.abs(T[r * W + j]) > 1e-7) { enter = j; break; }
      if (enter >= 0) { pivot(T, R + 1, W, r, enter); basis[r] = enter; }
    }
  }

  // Phase 2: the real objective in terms of the shifted/split variables.
  T.fill(0, obj, obj + W);
  const cs = new Float64Array(C);
  let constant = 0;
  for (let j = 0; j < n; j++) {
    cs[colOf[j]] = prob.c[j];
    if (free[j]) cs[colOf[j] + 1] = -prob.c[j];
    else constant += prob.c[j] * lower[j];
  }
  for (let j = 0; j < C; j++) T[obj + j] = -cs[j];
  for (let r = 0; r < R; r++) {
    const cb = cs[basis[r]];
    if (cb === 0) continue;
    for (let j = 0; j < W; j++) T[obj + j] += cb * T[r * W + j];
  }
  const status = iterate((j) => j < artStart);
  const xs = new Float64Array(C);
  for (let r = 0; r < R; r++) xs[basis[r]] = T[r * W + C];
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = free[j] ? xs[colOf[j]] - xs[colOf[j] + 1] : lower[j] + xs[colOf[j]];
  let objective = constant;
  for (let j = 0; j < n; j++) if (!free[j]) objective += prob.c[j] * (x[j] - lower[j]);
  else objective += prob.c[j] * x[j];
  return { status, x, objective, iterations };
}

function pivot(T: Float64Array, rows: number, W: number, pr: number, pc: number): void {
  const po = pr * W;
  const inv = 1 / T[po + pc];
  for (let j = 0; j < W; j++) T[po + j] *= inv;
  T[po + pc] = 1;
  for (let r = 0; r < rows; r++) {
    if (r === pr) continue;
    const ro = r * W;
    const f = T[ro + pc];
    if (f === 0) continue;
    for (let j = 0; j < W; j++) T[ro + j] -= f * T[po + j];
    T[ro + pc] = 0;
  }
}

// Dual coordinate ascent for the hard-margin problem   min ½‖W‖²_F  s.t.  g_kᵀ W e_{i(k)} ≥ 1,
// whose dual is   max Σλ − ½‖Σ_k λ_k g_k e_iᵀ‖²  over λ ≥ 0, with W = Σ_k λ_k g_k e_iᵀ.
// The rows of input i touch W only through y_i = W e_i, so the method sweeps input by input: y_i is
// formed once (d²), each of the p−1 coordinate steps of the block costs O(d), and W takes one
// rank-one update per block. An epoch is O(p²d + pd²) instead of O(p² d²) for a generic row method.
// For a feasible problem the iterate W converges to the max-margin solution and separates every row
// long before convergence; for an infeasible one the dual is unbounded, λ grows along a Farkas
// direction, and its support is what `certificate.ts` turns into an exact proof.
import { Rng } from '../../numeric/rng';
import { constraintDirection, type MemoryInstance } from './instance';
import { constraintMargins } from './scores';

export interface CdState {
  W: Float64Array;
  lambda: Float64Array;
  /** Active competitor slots per input (shrinking): rows far from binding with λ = 0 are skipped. */
  active: Int32Array[];
  epochs: number;
}

export function initCd(inst: MemoryInstance): CdState {
  const { d, p } = inst;
  const active: Int32Array[] = [];
  for (let i = 0; i < p; i++) active.push(Int32Array.from({ length: p - 1 }, (_, j) => j));
  return { W: new Float64Array(d * d), lambda: new Float64Array(p * (p - 1)), active, epochs: 0 };
}

/** Runs `epochs` passes of block coordinate ascent over the active rows (in a random input order). */
export function cdEpochs(inst: MemoryInstance, st: CdState, epochs: number, rng: Rng): void {
  const { d, p, E } = inst;
  const { W, lambda } = st;
  const y = new Float64Array(d), z = new Float64Array(d), g = new Float64Array(d);
  const order = Int32Array.from({ length: p }, (_, i) => i);
  for (let ep = 0; ep < epochs; ep++) {
    rng.shuffle(order);
    for (let oi = 0; oi < p; oi++) {
      const i = order[oi];
      const eo = i * d;
      let ee = 0;
      for (let b = 0; b < d; b++) ee += E[eo + b] * E[eo + b];
      for (let a = 0; a < d; a++) {
        let s = 0;
        const wa = a * d;
        for (let b = 0; b < d; b++) s += W[wa + b] * E[eo + b];
        y[a] = s;
      }
      z.fill(0);
      let moved = false;
      const act = st.active[i];
      for (let t = 0; t < act.length; t++) {
        const jp = act[t];
        constraintDirection(inst, i, jp, g);
        let m = 0, q = 0;
        for (let a = 0; a < d; a++) { m += g[a] * y[a]; q += g[a] * g[a]; }
        if (q === 0) continue;
        const k = i * (p - 1) + jp;
        const old = lambda[k];
        const nw = Math.max(0, old + (1 - m) / (q * ee));
        const delta = nw - old;
        if (delta === 0) continue;
        lambda[k] = nw;
        moved = true;
        const dy = delta * ee;
        for (let a = 0; a < d; a++) { y[a] += dy * g[a]; z[a] += delta * g[a]; }
      }
      if (!moved) continue;
      for (let a = 0; a < d; a++) {
        const za = z[a];
        if (za === 0) continue;
        const wa = a * d;
        for (let b = 0; b < d; b++) W[wa + b] += za * E[eo + b];
      }
    }
    st.epochs++;
  }
}

/**
 * Recomputes every row's margin at the current W and rebuilds the active sets: a row stays when it
 * carries weight or its margin is below `1 + slack`. Returns the margins (used for the certificate).
 */
export function refreshActive(inst: MemoryInstance, st: CdState, slack: number): Float64Array {
  const { p } = inst;
  const m = constraintMargins(inst, st.W);
  for (let i = 0; i < p; i++) {
    const keep: number[] = [];
    for (let jp = 0; jp < p - 1; jp++) {
      const k = i * (p - 1) + jp;
      if (st.lambda[k] > 0 || m[k] < 1 + slack) keep.push(jp);
    }
    st.active[i] = Int32Array.from(keep);
  }
  return m;
}

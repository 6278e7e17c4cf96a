"""Peer for bench/memory.bench.ts: decides one storage instance with scipy's HiGHS (math spec M3).

Reads the instance JSON written by the TypeScript bench ({d, p, E, U}: row-major unit vectors, coupled
model), builds the max-margin LP  max t  s.t.  (g_ij ⊗ e_i)·vec(W) ≥ t,  -1 ≤ W_ab ≤ 1,  0 ≤ t ≤ 1,
and prints one JSON line {verdict, t_star, seconds, mode, rows_used}.

mode "full": the whole p(p-1) × (d²+1) LP in one HiGHS call (the spec's A1 protocol).
mode "rowgen": when the full matrix would not fit in memory, HiGHS on a growing working set of rows
  (add each input's violated rows, re-solve) — stopped, like the TypeScript decider, at the first W
  that separates every row, or when the working-set optimum t* ≤ 1e-9 (a subset already infeasible).
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import linprog

THRESHOLD = 1e-9


def rows_for(E, U, pairs):
    """Constraint rows (g ⊗ e_i) for (i, j) pairs, g = u_i - u_j."""
    i, j = pairs[:, 0], pairs[:, 1]
    g = U[i] - U[j]
    return (g[:, :, None] * E[i][:, None, :]).reshape(len(pairs), -1)


def solve_lp(A):
    """max t s.t. A w - t >= 0, box on w; returns (t*, w)."""
    k, n = A.shape
    c = np.zeros(n + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-A, np.ones((k, 1))])
    bounds = [(-1.0, 1.0)] * n + [(0.0, 1.0)]
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(k), bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"HiGHS status {res.status}: {res.message}")
    return res.x[-1], res.x[:-1]


def all_margins(E, U, w, d):
    W = w.reshape(d, d)
    Y = E @ W.T  # y_i = W e_i
    S = Y @ U.T  # S[i, j] = u_j . y_i
    return np.diag(S)[:, None] - S  # margin of (i, j); diagonal is 0


def main():
    inst = json.load(open(sys.argv[1]))
    max_nnz = float(sys.argv[2]) if len(sys.argv) > 2 else 4e7
    d, p = inst["d"], inst["p"]
    E = np.array(inst["E"]).reshape(p, d)
    U = np.array(inst["U"]).reshape(p, d)
    off = ~np.eye(p, dtype=bool)
    t0 = time.perf_counter()
    if p * (p - 1) * (d * d + 1) <= max_nnz:
        pairs = np.argwhere(off)
        t_star, w = solve_lp(rows_for(E, U, pairs))
        verdict = "feasible" if t_star > THRESHOLD else "infeasible"
        out = dict(verdict=verdict, t_star=t_star, mode="full", rows_used=int(len(pairs)))
    else:
        # Start from each input's 8 most similar competitor targets (the likeliest binding rows).
        sim = U @ U.T
        np.fill_diagonal(sim, -np.inf)
        start = np.argsort(-sim, axis=1)[:, :8]
        work = {(i, int(j)) for i in range(p) for j in start[i]}
        verdict, t_star, rounds = None, None, 0
        while verdict is None:
            rounds += 1
            pairs = np.array(sorted(work))
            t_star, w = solve_lp(rows_for(E, U, pairs))
            if t_star <= THRESHOLD:
                verdict = "infeasible"
                break
            M = all_margins(E, U, w, d)
            M[~off] = np.inf
            wmax = np.abs(w).max()
            if M.min() > 0 and M.min() / wmax > THRESHOLD:
                verdict = "feasible"
                break
            added = 0
            for i in range(p):
                viol = np.where(M[i] < t_star - 1e-12)[0]
                viol = viol[np.argsort(M[i, viol])][:20]
                for j in viol:
                    if (i, int(j)) not in work:
                        work.add((i, int(j)))
                        added += 1
            if added == 0:
                raise RuntimeError("row generation stalled")
        out = dict(verdict=verdict, t_star=t_star, mode="rowgen", rows_used=len(work), rounds=rounds)
    out["seconds"] = time.perf_counter() - t0
    print(json.dumps(out))


if __name__ == "__main__":
    main()

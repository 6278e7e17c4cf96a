#!/usr/bin/env python3
"""Peer implementation (numpy/scipy) of the Bayes-optimal equations of shared/math/scaling-laws.md,
used only by bench/scaling.bench.ts to compare speed and values with the TypeScript solver.

Same equations, a different method: m_e is computed by the plain fixed-point iteration from q = 1
(A2), vectorised over all features; lambda_e by scipy's brentq on Phi(q*(lambda)); eps by the
monotone iteration from 0 (A5). Reads a JSON job on stdin, prints a JSON result."""
import json
import sys
import time

import numpy as np
from scipy.optimize import brentq


def hermite_coefficients(act, L=200, zmax=14.0, h=0.005):
    z = np.arange(-zmax, zmax + h / 2, h)
    w = h * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    w /= w.sum()
    f = act(z)
    c = np.zeros(L + 1)
    h_prev, h_cur = np.ones_like(z), z.copy()
    c[0], c[1] = np.sum(w * f), np.sum(w * f * z)
    for l in range(1, L):
        h_prev, h_cur = h_cur, (z * h_cur - np.sqrt(l) * h_prev) / np.sqrt(l + 1)
        c[l + 1] = np.sum(w * f * h_cur)
    c[:3] = 0.0  # odd activation with its linear part removed
    return c


class Channel:
    def __init__(self, c):
        self.a = c ** 2
        self.g1 = self.a.sum()
        ls = np.arange(len(c))
        self.gp_coef = (ls * self.a)[1:]

    def g(self, q):
        return np.polynomial.polynomial.polyval(q, self.a)

    def gp(self, q):
        return np.polynomial.polynomial.polyval(q, self.gp_coef)

    def q_star(self, lam, tol=1e-12, max_iter=100000):
        """Largest fixed point by iterating T from q = 1, for an array of SNRs."""
        lam = np.atleast_1d(np.asarray(lam, dtype=float))
        q = np.ones_like(lam)
        for _ in range(max_iter):
            r = lam * self.gp(q)
            nq = r / (1 + r)
            done = np.max(np.abs(nq - q)) < tol
            q = nq
            if done:
                break
        q[q < 1e-6] = 0.0
        return q

    def lambda_e(self):
        def phi_at(lam):
            q = self.q_star(lam)[0]
            return -1.0 if q <= 0 else lam * self.g(q) + q + np.log1p(-q)
        hi = 1.0
        while phi_at(hi) <= 0:
            hi *= 2
        return brentq(phi_at, hi / 2, hi, xtol=1e-13, rtol=1e-13)


def solve_eps(ch, lam_e, n_over_d, delta, v2, rtol=1e-12, max_iter=10000):
    eps = 0.0
    for it in range(max_iter):
        lam = n_over_d * v2 / (delta + eps)
        learned = lam > lam_e
        gap = np.full_like(v2, ch.g1)
        if learned.any():
            gap[learned] = ch.g1 - ch.g(ch.q_star(lam[learned]))
        nxt = float(np.sum(v2 * gap))
        if abs(nxt - eps) <= rtol * nxt:
            return nxt, int(learned.sum()), it + 1
        eps = nxt
    raise RuntimeError("no convergence")


def main():
    job = json.load(sys.stdin)
    t0 = time.perf_counter()
    c = hermite_coefficients(lambda z: np.tanh(2 * z))
    ch = Channel(c)
    lam_e = ch.lambda_e()
    t_setup = time.perf_counter() - t0
    k, beta, delta, d = job["k"], job["beta"], job["delta"], job["d"]
    v2 = np.arange(1, k + 1, dtype=float) ** (-2 * beta)
    v2 /= v2.sum()
    t1 = time.perf_counter()
    eps, kc = [], []
    for alpha in job["alphas"]:
        e, kk, _ = solve_eps(ch, lam_e, alpha * d, delta, v2)
        eps.append(e)
        kc.append(kk)
    t_curve = time.perf_counter() - t1
    print(json.dumps({"lambda_e": lam_e, "g1": ch.g1, "eps": eps, "k_c": kc,
                      "setup_s": t_setup, "curve_s": t_curve}))


if __name__ == "__main__":
    main()

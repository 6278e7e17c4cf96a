# Minimum-norm least squares on isotropic Gaussian data (a NumPy workspace solver for Theory Lab).
# Simulates the excess test risk E‖β̂ − β‖² of the ridgeless estimator β̂ = X⁺y at sample size n and
# dimension d, and returns next to it the exact finite-sample expectation for Gaussian design:
#   n ≥ d + 2:  σ² d / (n − d − 1)                          (under-parameterised, variance only)
#   n ≤ d − 2:  r² (1 − n/d) + σ² n / (d − n − 1)           (over-parameterised: bias + variance)
# where r = ‖β‖. Both follow from E[(XᵀX)⁻¹] = I/(n − d − 1) (inverse Wishart) and, for n < d, from the
# row space of X being a uniformly random n-dimensional subspace.
import numpy as np

import theorylab_solver as tl


def exact_risk(n, d, sigma, r):
    if n >= d + 2:
        return sigma ** 2 * d / (n - d - 1)
    if n <= d - 2:
        return r ** 2 * (1 - n / d) + sigma ** 2 * n / (d - n - 1)
    return float("inf")  # the interpolation peak: the expectation diverges


def simulate(params, ctx):
    n, d = int(params["n"]), int(params["d"])
    sigma, r, trials = float(params["sigma"]), float(params["r"]), int(params["trials"])
    if ctx.budget == "test":
        trials = min(trials, 50)
    rng = ctx.rng()
    beta = rng.standard_normal(d)
    beta *= r / np.linalg.norm(beta)
    risks = np.empty(trials)
    for t in range(trials):
        X = rng.standard_normal((n, d))
        y = X @ beta + sigma * rng.standard_normal(n)
        beta_hat = np.linalg.lstsq(X, y, rcond=None)[0]  # the minimum-norm solution when n < d
        risks[t] = np.sum((beta_hat - beta) ** 2)
        if t % 10 == 0:
            tl.progress(t / trials, "trial %d of %d" % (t, trials))
    theory = exact_risk(n, d, sigma, r)
    return {
        "risk": risks.mean(),
        "risk_sem": risks.std(ddof=1) / np.sqrt(trials),
        "theory": theory if np.isfinite(theory) else -1.0,
        "overparameterised": n < d,
    }

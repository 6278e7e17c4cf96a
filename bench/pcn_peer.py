# NumPy peer of one PCN inference-learning epoch (pcn.md §4) at the C3 setting: n⁰ = 64, widths 128/128,
# N = 10 binary patterns, ReLU, γ = 0.1 with the 0.9 rule, T = 32, α = 1e-3, full batch, float64.
# Written the way a researcher would write it in NumPy (fresh arrays per operation, BLAS products).
# Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pcn_peer.py [reps]  → JSON {"min": s, "median": s, ...}
import json, sys, time
import numpy as np

def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = np.random.default_rng(0)
    N, sizes, T, g0, a = 10, [64, 128, 128], 32, 0.1, 1e-3
    X = (rng.random((N, sizes[0])) < 0.5).astype(np.float64)
    th = [None] + [rng.uniform(-1 / np.sqrt(sizes[l]), 1 / np.sqrt(sizes[l]), (sizes[l - 1], sizes[l])) for l in (1, 2)]
    b = rng.uniform(0.5 - 1 / np.sqrt(128), 0.5 + 1 / np.sqrt(128), sizes[2])
    f = lambda x: np.maximum(x, 0)
    df = lambda x: (x > 0).astype(np.float64)

    def epoch():
        x = [X.copy(), None, np.tile(b, (N, 1))]
        x[1] = f(x[2]) @ th[2].T
        def errs():
            mu = [f(x[l + 1]) @ th[l + 1].T for l in (0, 1)]
            e = [x[l] - mu[l] for l in (0, 1)]
            return e, 0.5 * sum((ei ** 2).sum() for ei in e)
        e, E = errs()
        g = g0
        for _ in range(T):
            d1 = e[1] - df(x[1]) * (e[0] @ th[1])
            d2 = -df(x[2]) * (e[1] @ th[2])
            x[1] -= g * d1
            x[2] -= g * d2
            e, E2 = errs()
            if E2 >= E:
                g *= 0.9
            E = E2
        for l in (0, 1):
            th[l + 1] += a * e[l].T @ f(x[l + 1])
        return E

    for _ in range(3):
        epoch()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        epoch()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    print(json.dumps({"min": ts[0], "median": ts[len(ts) // 2], "reps": reps,
                      "numpy": np.__version__, "dtype": "float64"}))

main()

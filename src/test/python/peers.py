"""One peer's whole fit of y = a*exp(-b*x) + c, as its user would write it, for bench EndToEnd.

    python peers.py PEER DATA

PEER is scipy (pandas read + scipy curve_fit, trf with the analytic Jacobian), lmfit (pandas read +
lmfit Model.fit, its default leastsq), nlsq (pandas read + NLSQ curve_fit on JAX's CPU backend) or
nlsq_large (NLSQ curve_fit_large). DATA is a CSV file or a Parquet file or directory with columns
x, y and sigma. Weighted by sigma, relative (absolute_sigma False), started from (1, 1, 0), default
tolerances: what each library's documentation shows first.

Prints one JSON line: the parameters and their standard errors, the time to read and to fit (the
process's own clock; the caller times the whole process), and the peak resident memory.
"""

import json
import os
import resource
import sys
import time

START = [1.0, 1.0, 0.0]


def read(path):
    import pandas as pd

    if path.endswith(".csv"):
        frame = pd.read_csv(path, usecols=["x", "y", "sigma"], comment="#")
    else:
        frame = pd.read_parquet(path, columns=["x", "y", "sigma"])
    return (frame["x"].to_numpy(dtype="float64"), frame["y"].to_numpy(dtype="float64"),
            frame["sigma"].to_numpy(dtype="float64"))


def scipy_fit(x, y, s):
    import numpy as np
    from scipy.optimize import curve_fit

    def f(t, a, b, c):
        return a * np.exp(-b * t) + c

    def jac(t, a, b, c):
        e = np.exp(-b * t)
        return np.stack([e, -a * t * e, np.ones_like(t)], axis=1)

    p, cov = curve_fit(f, x, y, p0=START, sigma=s, method="trf", jac=jac)
    return p, cov


def lmfit_fit(x, y, s):
    import numpy as np
    from lmfit import Model

    def f(x, a, b, c):
        return a * np.exp(-b * x) + c

    result = Model(f).fit(y, x=x, weights=1.0 / s, a=START[0], b=START[1], c=START[2])
    names = ["a", "b", "c"]
    p = [result.params[n].value for n in names]
    return p, result.covar


def nlsq_fit(x, y, s, large):
    import jax.numpy as jnp
    import nlsq

    def f(t, a, b, c):
        return a * jnp.exp(-b * t) + c

    fit = nlsq.curve_fit_large if large else nlsq.curve_fit
    p, cov = fit(f, x, y, p0=START, sigma=s)  # curve_fit's result unpacks like scipy's tuple
    return p, cov


def main():
    peer, path = sys.argv[1], sys.argv[2]
    if peer.startswith("nlsq"):
        os.environ.setdefault("JAX_PLATFORMS", "cpu")
        os.environ.setdefault("JAX_ENABLE_X64", "1")
    t0 = time.perf_counter()
    x, y, s = read(path)
    t1 = time.perf_counter()
    if peer == "scipy":
        p, cov = scipy_fit(x, y, s)
    elif peer == "lmfit":
        p, cov = lmfit_fit(x, y, s)
    elif peer in ("nlsq", "nlsq_large"):
        p, cov = nlsq_fit(x, y, s, peer == "nlsq_large")
    else:
        raise SystemExit("unknown peer " + peer)
    t2 = time.perf_counter()
    import numpy as np

    errors = None if cov is None else [float(v) for v in np.sqrt(np.diag(np.asarray(cov)))]
    print(json.dumps({
        "peer": peer,
        "points": int(len(x)),
        "parameters": [float(v) for v in p],
        "standard_errors": errors,
        "read_seconds": t1 - t0,
        "fit_seconds": t2 - t1,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The scipy side of FitVsScipy (src/test/java/org/sparknlsq/bench/FitVsScipy.java).

Loads x and y as raw little-endian float64 (written by the Java side), fits
a*exp(-b*x)+c with scipy.optimize.curve_fit(method='trf', jac=analytic) and prints
one JSON object on stdout: wall seconds of the curve_fit call, CPU seconds (all
threads, OpenBLAS included), parameters, uncertainties, cost, evaluation counts and
peak RSS.

Usage: /usr/bin/python3 scipy_fit.py X.f64 Y.f64 [a0 b0 c0] [--tol scipy|tight] [--repeats R]

The fit runs 1 + R times (default R = 2) in this process; wall_seconds and
cpu_seconds are those of the fastest run, first_wall_seconds that of the first.

--tol scipy (default) keeps curve_fit's defaults (ftol = xtol = gtol = 1e-8);
--tol tight passes 1e-15 for all three, the Java fitter's defaults.
"""

import argparse
import json
import resource
import sys
import time

import numpy as np
import scipy
from scipy.optimize import curve_fit


def machine_busy_seconds():
    """CPU seconds every process on the machine has used (first line of /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            v = f.readline().split()
        # cpu user nice system idle iowait irq softirq steal ...
        return (int(v[1]) + int(v[2]) + int(v[3]) + int(v[6]) + int(v[7]) + int(v[8])) / 100.0
    except (OSError, ValueError, IndexError):
        return float("nan")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("x", help="raw little-endian float64 file of x")
    parser.add_argument("y", help="raw little-endian float64 file of y")
    parser.add_argument("p0", nargs="*", type=float, default=[1.0, 1.0, 0.0])
    parser.add_argument("--tol", choices=["scipy", "tight"], default="scipy")
    parser.add_argument("--repeats", type=int, default=2)
    opts = parser.parse_args(argv)
    if len(opts.p0) != 3:
        parser.error("p0 needs three values a0 b0 c0")
    x = np.fromfile(opts.x, dtype="<f8")
    y = np.fromfile(opts.y, dtype="<f8")
    if x.shape != y.shape:
        sys.exit("x has %d values, y has %d" % (x.size, y.size))
    p0 = tuple(opts.p0)
    tol = opts.tol
    repeats = opts.repeats

    counts = {"f": 0, "jac": 0}

    def f(xv, a, b, c):
        counts["f"] += 1
        return a * np.exp(-b * xv) + c

    def jac(xv, a, b, c):
        counts["jac"] += 1
        e = np.exp(-b * xv)
        j = np.empty((xv.size, 3))
        j[:, 0] = e
        j[:, 1] = -a * xv * e
        j[:, 2] = 1.0
        return j

    kwargs = {}
    if tol == "tight":
        kwargs = dict(ftol=1e-15, xtol=1e-15, gtol=1e-15)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    walls, cpus, others = [], [], []
    for _ in range(1 + repeats):
        counts["f"] = counts["jac"] = 0
        m0 = machine_busy_seconds()
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        popt, pcov, info, mesg, ier = curve_fit(
            f, x, y, p0=p0, method="trf", jac=jac, full_output=True, **kwargs
        )
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpus.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
        others.append(max(0.0, (machine_busy_seconds() - m0 - cpus[-1]) / walls[-1]))
    best = min(range(len(walls)), key=walls.__getitem__)
    fvec = info["fvec"]
    print(
        json.dumps(
            {
                "tool": "scipy.optimize.curve_fit",
                "scipy": scipy.__version__,
                "numpy": np.__version__,
                "points": int(x.size),
                "tolerances": tol,
                "wall_seconds": walls[best],
                "cpu_seconds": cpus[best],
                "first_wall_seconds": walls[0],
                "wall_seconds_each": walls,
                "cpu_seconds_each": cpus,
                "others_cores_each": others,
                "parameters": [float(v) for v in popt],
                "uncertainties": [float(v) for v in np.sqrt(np.diag(pcov))],
                "cost": float(0.5 * np.dot(fvec, fvec)),
                "nfev": int(info["nfev"]),
                "f_calls": counts["f"],
                "jac_calls": counts["jac"],
                "status": int(ier),
                "message": mesg,
                "peak_rss_bytes_before_fit": rss_before,
                "peak_rss_bytes": r1.ru_maxrss * 1024,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])

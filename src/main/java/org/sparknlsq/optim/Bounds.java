package org.sparknlsq.optim;

/** Box-constraint geometry for the reflective method (scipy {@code _lsq.common}, {@code trf}). */
final class Bounds {
    final double[] lb;
    final double[] ub;

    Bounds(double[] lb, double[] ub) {
        this.lb = lb;
        this.ub = ub;
    }

    boolean contains(double[] x) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] < lb[i] || x[i] > ub[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Coleman–Li scaling vector v and its derivative dv (Coleman &amp; Li 1996, eq. 2.3): the
     * distance to the bound the anti-gradient points at, or 1 when that bound is infinite.
     */
    void clScaling(double[] x, double[] g, double[] v, double[] dv) {
        for (int i = 0; i < x.length; i++) {
            v[i] = 1.0;
            dv[i] = 0.0;
            if (g[i] < 0 && Double.isFinite(ub[i])) {
                v[i] = ub[i] - x[i];
                dv[i] = -1.0;
            } else if (g[i] > 0 && Double.isFinite(lb[i])) {
                v[i] = x[i] - lb[i];
                dv[i] = 1.0;
            }
        }
    }

    /** Moves x strictly inside the box (scipy {@code make_strictly_feasible}, rstep = 0). */
    double[] strictlyFeasible(double[] x) {
        double[] r = x.clone();
        for (int i = 0; i < r.length; i++) {
            if (r[i] <= lb[i]) {
                r[i] = Math.nextAfter(lb[i], ub[i]);
            } else if (r[i] >= ub[i]) {
                r[i] = Math.nextAfter(ub[i], lb[i]);
            }
            if (r[i] < lb[i] || r[i] > ub[i]) {
                r[i] = 0.5 * (lb[i] + ub[i]);
            }
        }
        return r;
    }

    /**
     * Largest t with x + t·s inside the box; {@code hits[i]} is ±1 for the bounds reached at t
     * (scipy {@code step_size_to_bound}).
     */
    double stepToBound(double[] x, double[] s, int[] hits) {
        double min = Double.POSITIVE_INFINITY;
        double[] steps = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            steps[i] = Double.POSITIVE_INFINITY;
            if (s[i] != 0) {
                steps[i] = Math.max((lb[i] - x[i]) / s[i], (ub[i] - x[i]) / s[i]);
            }
            min = Math.min(min, steps[i]);
        }
        if (hits != null) {
            for (int i = 0; i < x.length; i++) {
                hits[i] = steps[i] == min ? (int) Math.signum(s[i]) : 0;
            }
        }
        return min;
    }

    /** The roots t₁ ≤ t₂ of ‖x + t·s‖ = Δ for ‖x‖ ≤ Δ (scipy {@code intersect_trust_region}). */
    /**
     * The TIGHTEN_BOUNDS recovery: each range shrunk to {@code factor} of its width, centred on
     * {@code x} and kept inside these bounds; an infinite range takes the width 2·max(|x|, 1).
     */
    Bounds tightenedAround(double[] x, double factor) {
        int n = x.length;
        double[] l = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            double w = ub[i] - lb[i];
            if (!Double.isFinite(w)) {
                w = 2 * Math.max(Math.abs(x[i]), 1.0);
            }
            double half = 0.5 * factor * w;
            l[i] = Math.max(lb[i], x[i] - half);
            u[i] = Math.min(ub[i], x[i] + half);
        }
        return new Bounds(l, u);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lb.length; i++) {
            b.append(i == 0 ? "" : ", ")
                    .append('[')
                    .append(lb[i])
                    .append(", ")
                    .append(ub[i])
                    .append(']');
        }
        return b.toString();
    }

    static double[] intersectTrustRegion(double[] x, double[] s, double delta) {
        double a = Subproblem.dot(s, s);
        double b = Subproblem.dot(x, s);
        double c = Subproblem.dot(x, x) - delta * delta;
        double d = Math.sqrt(Math.max(b * b - a * c, 0.0));
        double q = -(b + Math.copySign(d, b));
        double t1 = q / a;
        double t2 = q != 0 ? c / q : 0.0;
        return t1 < t2 ? new double[] {t1, t2} : new double[] {t2, t1};
    }

    /** Minimum of a·t² + b·t + c on [lo, hi]: {t, value} (scipy {@code minimize_quadratic_1d}). */
    static double[] minimizeQuadratic1d(double a, double b, double lo, double hi, double c) {
        double bestT = lo;
        double best = lo * (a * lo + b) + c;
        double vHi = hi * (a * hi + b) + c;
        if (vHi < best) {
            bestT = hi;
            best = vHi;
        }
        if (a != 0) {
            double ext = -0.5 * b / a;
            if (lo < ext && ext < hi) {
                double v = ext * (a * ext + b) + c;
                if (v < best) {
                    bestT = ext;
                    best = v;
                }
            }
        }
        return new double[] {bestT, best};
    }
}

package org.sparknlsq.optim;

import java.util.HashMap;
import java.util.Map;
import org.sparknlsq.kernel.Accumulator;

/**
 * Levenberg–Marquardt with MINPACK {@code lmder}'s outer loop (Moré 1978, "The Levenberg–Marquardt
 * algorithm: implementation and theory"): scaling D by the running maximum of the Jacobian column
 * norms, initial radius 100·‖D·x‖, the ratio and radius rules, and the ftol/xtol/gtol tests with
 * their precision-limit variants (info 6–8). The damping parameter is found as in {@code lmpar}
 * by Moré's Newton iteration on ‖D·p(λ)‖ = Δ, here in the eigenbasis of the scaled normal matrix.
 */
final class LmSolver {
    /** MINPACK's recommended step bound factor. */
    private static final double FACTOR = 100.0;

    private static final double EPS = Math.ulp(1.0);

    private LmSolver() {}

    static void run(LoopState s, double[] start) {
        int p = s.p;
        Snapshot resume = s.takeResume(PHASE);
        if (resume != null) {
            s.resumeAt(resume);
        } else {
            s.start(start.clone());
        }
        double[] fixed = s.options.xScale();
        double[] diag = new double[p];
        double fnorm = Math.sqrt(2 * s.cost);
        double par = 0;
        double delta = 0;
        double xnorm = 0;
        boolean first = true;
        if (resume != null) {
            diag = resume.doubles("diag");
            fnorm = resume.number("fnorm");
            par = resume.number("par");
            delta = resume.number("trust_radius");
            xnorm = resume.number("xnorm");
            first = resume.integer("first") == 1;
        }
        while (true) {
            double[] colNorm = s.columnNorms();
            for (int j = 0; j < p; j++) {
                // mode 1: D = running max of column norms; mode 2: D = 1/xScale
                diag[j] = fixed != null ? 1.0 / fixed[j] : first ? colNorm[j] : Math.max(diag[j], colNorm[j]);
            }
            if (first) {
                xnorm = weightedNorm(diag, s.x);
                delta = xnorm == 0 ? FACTOR : FACTOR * xnorm;
            }
            double gnorm = 0;
            if (fnorm != 0) {
                for (int j = 0; j < p; j++) {
                    gnorm = Math.max(gnorm, Math.abs(s.g[j]) / (fnorm * colNorm[j]));
                }
            }
            if (gnorm <= s.options.gtol()) {
                s.termination = Termination.GTOL;
                return;
            }
            if (s.iterations >= s.options.maxIterations()) {
                s.termination = Termination.MAX_ITERATIONS;
                return;
            }
            double[] d = new double[p];
            for (int j = 0; j < p; j++) {
                d[j] = 1.0 / diag[j];
            }
            Subproblem sub = s.subproblem(d, null);
            if (s.atRoundingFloor(sub)) {
                return;
            }
            double ratio = 0;
            boolean accepted = false;
            double pnorm = 0;
            do {
                Subproblem.Step st = sub.solveTrustRegion(delta, par, false);
                par = st.alpha();
                double[] ph = st.h();
                pnorm = Subproblem.norm(ph);
                if (first) {
                    delta = Math.min(delta, pnorm);
                }
                double[] xNew = new double[p];
                for (int j = 0; j < p; j++) {
                    xNew[j] = s.x[j] + d[j] * ph[j];
                }
                Accumulator accNew = s.evaluate(xNew);
                if (!LoopState.valid(accNew)) {
                    s.nextRecovery(false);
                    if (s.objectiveChanged) {
                        // a partition was excluded: start the iteration again from the new sums
                        s.objectiveChanged = false;
                        fnorm = Math.sqrt(2 * s.cost);
                        ratio = 0;
                        break;
                    }
                }
                double fnorm1 = LoopState.valid(accNew) ? Math.sqrt(2 * accNew.cost()) : Double.POSITIVE_INFINITY;
                double actred = 0.1 * fnorm1 < fnorm ? 1 - (fnorm1 / fnorm) * (fnorm1 / fnorm) : -1;
                double temp1 = Math.sqrt(Math.max(sub.form(ph, ph), 0.0)) / fnorm;
                double temp2 = Math.sqrt(par) * pnorm / fnorm;
                double prered = temp1 * temp1 + temp2 * temp2 / 0.5;
                double dirder = -(temp1 * temp1 + temp2 * temp2);
                ratio = prered != 0 ? actred / prered : 0;
                if (ratio <= 0.25) {
                    double temp = actred >= 0 ? 0.5 : 0.5 * dirder / (dirder + 0.5 * actred);
                    if (0.1 * fnorm1 >= fnorm || temp < 0.1) {
                        temp = 0.1;
                    }
                    delta = temp * Math.min(delta, pnorm / 0.1);
                    par = par / temp;
                } else if (par == 0 || ratio >= 0.75) {
                    delta = pnorm / 0.5;
                    par = 0.5 * par;
                }
                if (ratio >= 1e-4) {
                    s.moveTo(xNew, accNew);
                    xnorm = weightedNorm(diag, s.x);
                    fnorm = fnorm1;
                    accepted = true;
                }
                boolean ftol = Math.abs(actred) <= s.options.ftol() && prered <= s.options.ftol() && 0.5 * ratio <= 1;
                boolean xtol = delta <= s.options.xtol() * xnorm;
                if (ftol && xtol) {
                    s.termination = Termination.FTOL_XTOL;
                } else if (ftol) {
                    s.termination = Termination.FTOL;
                } else if (xtol) {
                    s.termination = Termination.XTOL;
                } else if (!s.evaluationsLeft()) {
                    s.termination = Termination.MAX_EVALUATIONS;
                } else if ((Math.abs(actred) <= EPS && prered <= EPS && 0.5 * ratio <= 1)
                        || delta <= EPS * xnorm
                        || gnorm <= EPS) {
                    s.termination = Termination.PRECISION_LIMIT;
                }
                if (s.termination != null) {
                    break;
                }
            } while (ratio < 1e-4);
            first = false;
            s.iterations++;
            if (!s.record(gnorm, accepted ? pnorm : 0, delta, accepted) || s.termination != null) {
                return;
            }
            Map<String, Object> st = new HashMap<>();
            st.put("diag", diag.clone());
            st.put("fnorm", fnorm);
            st.put("par", par);
            st.put("trust_radius", delta);
            st.put("xnorm", xnorm);
            st.put("first", first ? 1L : 0L);
            s.snapshot(PHASE, st);
        }
    }

    /** The phase name of this solver's snapshots. */
    static final String PHASE = "lm";

    private static double weightedNorm(double[] d, double[] x) {
        double[] t = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            t[i] = d[i] * x[i];
        }
        return Subproblem.norm(t);
    }
}

package org.sparknlsq.optim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.sparknlsq.kernel.Accumulator;
import org.sparknlsq.robust.RecoveryAction;

/**
 * Trust Region Reflective (Branch, Coleman &amp; Li 1999), following scipy's {@code trf_bounds}
 * and {@code trf_no_bounds} step for step: Coleman–Li scaling, the exact subproblem in the scaled
 * space, and the choice between the truncated, reflected and anti-gradient steps. Without bounds
 * it reduces to a trust-region Gauss–Newton/LM method with the same radius rules.
 */
final class TrfSolver {
    private TrfSolver() {}

    static void run(LoopState s, double[] start) {
        int p = s.p;
        double[] lb = new double[p];
        double[] ub = new double[p];
        for (int i = 0; i < p; i++) {
            lb[i] = s.problem.lower(i);
            ub[i] = s.problem.upper(i);
        }
        final Bounds original = new Bounds(lb, ub);
        Bounds bounds = original;
        boolean bounded = s.problem.bounded();
        Snapshot resume = s.takeResume(PHASE);
        if (resume != null) {
            s.resumeAt(resume);
        } else {
            s.start(bounded ? bounds.strictlyFeasible(start) : start.clone());
        }

        boolean jacScale = s.options.xScale() == null;
        double[] scaleInv = jacScale ? s.columnNorms() : invert(s.options.xScale());
        double[] v = new double[p];
        double[] dv = new double[p];
        double delta = initialRadius(s, bounds, scaleInv);
        double alpha = 0.0;
        int invalidInARow = 0;
        double[] forced = null;
        if (resume != null) {
            jacScale = resume.integer("jac_scale") == 1;
            scaleInv = resume.doubles("scale");
            delta = resume.number("trust_radius");
            alpha = resume.number("alpha");
            invalidInARow = (int) resume.integer("invalid_in_a_row");
            bounds = new Bounds(resume.doubles("lower"), resume.doubles("upper"));
            bounded = resume.integer("bounded") == 1;
            forced = resume.state().containsKey("forced") ? resume.doubles("forced") : null;
        }
        while (true) {
            bounds.clScaling(s.x, s.g, v, dv);
            double gNorm = 0;
            for (int i = 0; i < p; i++) {
                gNorm = Math.max(gNorm, Math.abs(s.g[i] * v[i]));
            }
            if (gNorm < s.options.gtol()) {
                s.termination = Termination.GTOL;
            }
            if (s.termination != null) {
                return;
            }
            if (!s.evaluationsLeft()) {
                s.termination = Termination.MAX_EVALUATIONS;
                return;
            }
            if (s.iterations >= s.options.maxIterations()) {
                s.termination = Termination.MAX_ITERATIONS;
                return;
            }
            double[] d = new double[p];
            double[] diagH = bounded ? new double[p] : null;
            for (int i = 0; i < p; i++) {
                double vi = dv[i] != 0 ? v[i] * scaleInv[i] : v[i];
                d[i] = Math.sqrt(vi) / scaleInv[i];
                if (bounded) {
                    diagH[i] = s.g[i] * dv[i] / scaleInv[i];
                }
            }
            Subproblem sub = s.subproblem(d, diagH);
            if (s.atRoundingFloor(sub)) {
                return;
            }
            double theta = Math.max(0.995, 1 - gNorm);
            double actualReduction = -1;
            double stepNorm = 0;
            double[] xNew = null;
            Accumulator accNew = null;
            boolean rebuild = false;
            while (actualReduction <= 0 && s.evaluationsLeft() && !rebuild) {
                Subproblem.Step st = sub.solveTrustRegion(delta, alpha, true);
                alpha = st.alpha();
                double[] ph = st.h();
                double[] step = new double[p];
                double[] stepH;
                double predicted;
                if (bounded) {
                    for (int i = 0; i < p; i++) {
                        step[i] = d[i] * ph[i];
                    }
                    double[][] sel = selectStep(s.x, sub, step, ph, d, delta, bounds, theta);
                    step = sel[0];
                    stepH = sel[1];
                    predicted = sel[2][0];
                    xNew = bounds.strictlyFeasible(add(s.x, step));
                } else {
                    for (int i = 0; i < p; i++) {
                        step[i] = d[i] * ph[i];
                    }
                    stepH = ph;
                    predicted = -sub.quadratic(ph);
                    xNew = add(s.x, step);
                }
                if (forced != null) {
                    // PERTURB_PARAMETERS: the trial point is given; its step is judged as any other
                    xNew = forced;
                    forced = null;
                    for (int i = 0; i < p; i++) {
                        step[i] = xNew[i] - s.x[i];
                        stepH[i] = step[i] / d[i];
                    }
                    predicted = -sub.quadratic(stepH);
                }
                accNew = s.evaluate(xNew);
                double stepHNorm = Subproblem.norm(stepH);
                if (!LoopState.valid(accNew)) {
                    RecoveryAction act = s.nextRecovery(true);
                    if (s.objectiveChanged) {
                        // a partition was excluded: the model at the current point is rebuilt
                        s.objectiveChanged = false;
                        break;
                    }
                    if (act == null) {
                        // scipy: a non-finite trial point shrinks the radius to a quarter of the step
                        delta = 0.25 * stepHNorm;
                    } else {
                        switch (act) {
                            case SHRINK_TRUST_RADIUS -> {
                                double old = delta;
                                delta = 0.5 * delta;
                                s.recordRecovery(act, "trust radius " + old + " -> " + delta);
                            }
                            case TIGHTEN_BOUNDS -> {
                                bounds = bounds.tightenedAround(s.x, 0.9);
                                bounded = true;
                                s.recordRecovery(act, "bounds " + bounds);
                                rebuild = true;
                            }
                            case RESCALE -> {
                                scaleInv = s.columnNorms();
                                jacScale = true;
                                double old = delta;
                                delta = initialRadius(s, bounds, scaleInv);
                                s.recordRecovery(
                                        act,
                                        "scale from column norms " + Arrays.toString(scaleInv) + ", trust radius " + old
                                                + " -> " + delta);
                                rebuild = true;
                            }
                            case PERTURB_PARAMETERS -> {
                                forced = s.perturbed(bounds);
                                s.recordRecovery(act, "trial point " + Arrays.toString(forced));
                            }
                            case INCREASE_ITERATIONS -> s.recordRecovery(act, s.increaseLimits());
                            case RELAX_TOLERANCE -> s.recordRecovery(act, s.relaxTolerances());
                        }
                    }
                    if (++invalidInARow > 50 || delta == 0) {
                        s.termination = Termination.FAILURE;
                        return;
                    }
                    continue;
                }
                invalidInARow = 0;
                double costNew = accNew.cost();
                actualReduction = s.cost - costNew;
                double ratio;
                if (predicted > 0) {
                    ratio = actualReduction / predicted;
                } else if (predicted == 0 && actualReduction == 0) {
                    ratio = 1;
                } else {
                    ratio = 0;
                }
                // scipy update_tr_radius
                double deltaNew = delta;
                if (ratio < 0.25) {
                    deltaNew = 0.25 * stepHNorm;
                } else if (ratio > 0.75 && stepHNorm > 0.95 * delta) {
                    deltaNew = 2.0 * delta;
                }
                stepNorm = Subproblem.norm(step);
                s.termination =
                        checkTermination(actualReduction, s.cost, stepNorm, Subproblem.norm(s.x), ratio, s.options);
                if (s.termination != null) {
                    break;
                }
                if (deltaNew > 0) {
                    alpha *= delta / deltaNew;
                }
                delta = deltaNew;
            }
            boolean accepted = actualReduction > 0;
            if (accepted) {
                s.moveTo(xNew, accNew);
                // TIGHTEN_BOUNDS holds for the retries of one iteration, not for the answer
                bounds = original;
                bounded = s.problem.bounded();
                if (jacScale) {
                    double[] c = s.columnNorms();
                    for (int i = 0; i < p; i++) {
                        scaleInv[i] = Math.max(scaleInv[i], c[i]);
                    }
                }
            } else {
                stepNorm = 0;
            }
            s.iterations++;
            if (!s.record(gNorm, stepNorm, delta, accepted)) {
                return;
            }
            Map<String, Object> st = new HashMap<>();
            st.put("trust_radius", delta);
            st.put("alpha", alpha);
            st.put("scale", scaleInv.clone());
            st.put("jac_scale", jacScale ? 1L : 0L);
            st.put("invalid_in_a_row", (long) invalidInARow);
            st.put("lower", bounds.lb.clone());
            st.put("upper", bounds.ub.clone());
            st.put("bounded", bounded ? 1L : 0L);
            if (forced != null) {
                st.put("forced", forced.clone());
            }
            s.snapshot(PHASE, st);
        }
    }

    /** The phase name of this solver's snapshots. */
    static final String PHASE = "trf";

    /** scipy trf: Δ₀ = ‖x·scale⁻¹/√v‖ (Coleman–Li v), or 1 when that is 0 or not finite. */
    private static double initialRadius(LoopState s, Bounds bounds, double[] scaleInv) {
        int p = s.p;
        double[] v = new double[p];
        double[] dv = new double[p];
        bounds.clScaling(s.x, s.g, v, dv);
        double[] t = new double[p];
        for (int i = 0; i < p; i++) {
            double vi = dv[i] != 0 ? v[i] * scaleInv[i] : v[i];
            t[i] = s.x[i] * scaleInv[i] / Math.sqrt(vi);
        }
        double delta = Subproblem.norm(t);
        return delta == 0 || !Double.isFinite(delta) ? 1.0 : delta;
    }

    /** scipy {@code check_termination}. */
    static Termination checkTermination(double dF, double f, double dxNorm, double xNorm, double ratio, FitOptions o) {
        boolean ftol = dF < o.ftol() * f && ratio > 0.25;
        boolean xtol = dxNorm < o.xtol() * (o.xtol() + xNorm);
        if (ftol && xtol) {
            return Termination.FTOL_XTOL;
        } else if (ftol) {
            return Termination.FTOL;
        } else if (xtol) {
            return Termination.XTOL;
        }
        return null;
    }

    /**
     * scipy {@code trf.select_step}: the best of the step truncated at the bound, its reflection
     * off that bound, and the scaled anti-gradient, all strictly feasible.
     *
     * @return {step, stepH, {predictedReduction}}
     */
    private static double[][] selectStep(
            double[] x, Subproblem sub, double[] p, double[] ph, double[] d, double delta, Bounds b, double theta) {
        int n = x.length;
        if (b.contains(add(x, p))) {
            return new double[][] {p, ph, {-sub.quadratic(ph)}};
        }
        int[] hits = new int[n];
        double pStride = b.stepToBound(x, p, hits);
        double[] rh = ph.clone();
        for (int i = 0; i < n; i++) {
            if (hits[i] != 0) {
                rh[i] = -rh[i];
            }
        }
        double[] r = mul(d, rh);
        double[] pTrunc = scale(p, pStride);
        double[] phTrunc = scale(ph, pStride);
        double[] xOnBound = add(x, pTrunc);
        double toTr = Bounds.intersectTrustRegion(phTrunc, rh, delta)[1];
        double toBound = b.stepToBound(xOnBound, r, null);
        double rStride = Math.min(toBound, toTr);
        double rLo;
        double rHi;
        if (rStride > 0) {
            rLo = (1 - theta) * pStride / rStride;
            rHi = rStride == toBound ? theta * toBound : toTr;
        } else {
            rLo = 0;
            rHi = -1;
        }
        double rValue = Double.POSITIVE_INFINITY;
        double[] rhFinal = null;
        if (rLo <= rHi) {
            double a = 0.5 * sub.form(rh, rh);
            double bq = Subproblem.dot(sub.scaledGradient(), rh) + sub.form(phTrunc, rh);
            double c = 0.5 * sub.form(phTrunc, phTrunc) + Subproblem.dot(sub.scaledGradient(), phTrunc);
            double[] m = Bounds.minimizeQuadratic1d(a, bq, rLo, rHi, c);
            rValue = m[1];
            rhFinal = add(phTrunc, scale(rh, m[0]));
        }
        double[] phInner = scale(phTrunc, theta);
        double[] pInner = scale(pTrunc, theta);
        double pValue = sub.quadratic(phInner);
        double[] agh = scale(sub.scaledGradient(), -1);
        double[] ag = mul(d, agh);
        double toTrAg = delta / Subproblem.norm(agh);
        double toBoundAg = b.stepToBound(x, ag, null);
        double agStride = toBoundAg < toTrAg ? theta * toBoundAg : toTrAg;
        double a = 0.5 * sub.form(agh, agh);
        double bq = Subproblem.dot(sub.scaledGradient(), agh);
        double[] m = Bounds.minimizeQuadratic1d(a, bq, 0, agStride, 0);
        double agValue = m[1];
        if (pValue < rValue && pValue < agValue) {
            return new double[][] {pInner, phInner, {-pValue}};
        } else if (rValue < pValue && rValue < agValue) {
            return new double[][] {mul(d, rhFinal), rhFinal, {-rValue}};
        }
        return new double[][] {scale(ag, m[0]), scale(agh, m[0]), {-agValue}};
    }

    static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    private static double[] mul(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * b[i];
        }
        return r;
    }

    private static double[] scale(double[] a, double f) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * f;
        }
        return r;
    }

    private static double[] invert(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = 1.0 / a[i];
        }
        return r;
    }
}

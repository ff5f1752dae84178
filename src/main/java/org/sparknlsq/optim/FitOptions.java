package org.sparknlsq.optim;

import java.util.ArrayList;
import java.util.List;
import org.sparknlsq.robust.FaultTolerance;

/**
 * Optimizer options: one immutable record, changed with withers and validated as a whole
 * ({@link #validate()} lists every violation, like Ceres' {@code Solver::Options::IsValid}).
 *
 * <p>Tolerances (F = cost, x = parameters, h = scaled step, g = gradient), with scipy
 * {@code least_squares} meanings for TRF and MINPACK {@code lmder} meanings for LM:
 *
 * <ul>
 *   <li>{@code ftol}: TRF stops when {@code ΔF < ftol·F} and the step agreed with the model
 *       (ratio &gt; ¼); LM when the actual and predicted relative reductions of ‖f‖² are both
 *       ≤ ftol.
 *   <li>{@code xtol}: TRF stops when {@code ‖Δx‖ < xtol·(xtol + ‖x‖)}; LM when the trust radius
 *       {@code Δ ≤ xtol·‖D·x‖}.
 *   <li>{@code gtol}: TRF stops when {@code ‖v∘g‖∞ < gtol} (v the Coleman–Li scaling, 1 without
 *       bounds); LM when the largest cosine between f and a column of J is ≤ gtol.
 * </ul>
 *
 * <p>The defaults are tighter than scipy's (1e-8) because after convergence the fit is polished
 * with Gauss–Newton steps, each kept only while the steps contract (the iteration is converging
 * toward the fixed point JᵀWr = 0). The cost-based tests cannot see the last digits of the
 * parameters, because the cost is flat to second order at the optimum; the polish can.
 *
 * @param method TRF (default; bounds allowed) or LM (no bounds)
 * @param ftol relative cost tolerance, default 1e-15
 * @param xtol relative step tolerance, default 1e-15
 * @param gtol gradient tolerance, default 1e-15
 * @param maxIterations most accepted steps, default 1000
 * @param maxEvaluations most evaluations of the data; 0 (default) means 200·(p+1), MINPACK's
 *     {@code lmdif} default: twice {@code lmder}'s, because TRF can crawl along a curved valley
 *     with short Gauss–Newton steps (NIST MGH17 from start 1 needs about 930 evaluations)
 * @param xScale characteristic scale of each parameter, or null (default) for {@code 'jac'}: the
 *     inverse column norms of the Jacobian, updated to their running maximum (MINPACK mode 1)
 * @param polishPasses most Gauss–Newton polish passes after convergence, default 30 (they stop
 *     as soon as the steps no longer contract, usually after 1–3); 0 disables
 * @param faultTolerance how failing partitions are treated (default {@link FaultTolerance#defaults()})
 */
public record FitOptions(
        Method method,
        double ftol,
        double xtol,
        double gtol,
        int maxIterations,
        int maxEvaluations,
        double[] xScale,
        int polishPasses,
        FaultTolerance faultTolerance) {

    public static FitOptions defaults() {
        return new FitOptions(Method.TRF, 1e-15, 1e-15, 1e-15, 1000, 0, null, 30, FaultTolerance.defaults());
    }

    public FitOptions {
        xScale = xScale == null ? null : xScale.clone();
    }

    public FitOptions withMethod(Method m) {
        return new FitOptions(m, ftol, xtol, gtol, maxIterations, maxEvaluations, xScale, polishPasses, faultTolerance);
    }

    public FitOptions withTolerances(double f, double x, double g) {
        return new FitOptions(method, f, x, g, maxIterations, maxEvaluations, xScale, polishPasses, faultTolerance);
    }

    public FitOptions withMaxIterations(int n) {
        return new FitOptions(method, ftol, xtol, gtol, n, maxEvaluations, xScale, polishPasses, faultTolerance);
    }

    public FitOptions withMaxEvaluations(int n) {
        return new FitOptions(method, ftol, xtol, gtol, maxIterations, n, xScale, polishPasses, faultTolerance);
    }

    public FitOptions withXScale(double[] scale) {
        return new FitOptions(
                method, ftol, xtol, gtol, maxIterations, maxEvaluations, scale, polishPasses, faultTolerance);
    }

    public FitOptions withPolishPasses(int n) {
        return new FitOptions(method, ftol, xtol, gtol, maxIterations, maxEvaluations, xScale, n, faultTolerance);
    }

    /** The evaluation limit for p parameters. */
    /** How failing partitions are treated; see {@link FaultTolerance}. */
    public FitOptions withFaultTolerance(FaultTolerance ft) {
        return new FitOptions(method, ftol, xtol, gtol, maxIterations, maxEvaluations, xScale, polishPasses, ft);
    }

    public int evaluationLimit(int p) {
        return maxEvaluations > 0 ? maxEvaluations : 200 * (p + 1);
    }

    /** Every violation, each naming the option and its value; empty when valid. */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (method == null) {
            errors.add("method is null (expected trf or lm)");
        }
        checkTolerance(errors, "ftol", ftol);
        checkTolerance(errors, "xtol", xtol);
        checkTolerance(errors, "gtol", gtol);
        if (ftol < Math.ulp(1.0) && xtol < Math.ulp(1.0) && gtol < Math.ulp(1.0)) {
            errors.add("at least one of ftol, xtol, gtol must be >= machine epsilon (2.2e-16)");
        }
        if (maxIterations < 1) {
            errors.add("maxIterations must be >= 1, got " + maxIterations);
        }
        if (maxEvaluations < 0) {
            errors.add("maxEvaluations must be >= 0 (0 = automatic), got " + maxEvaluations);
        }
        if (polishPasses < 0) {
            errors.add("polishPasses must be >= 0, got " + polishPasses);
        }
        if (faultTolerance == null) {
            errors.add("faultTolerance is null");
        } else {
            errors.addAll(faultTolerance.validate());
        }
        if (xScale != null) {
            for (int i = 0; i < xScale.length; i++) {
                if (!(xScale[i] > 0) || !Double.isFinite(xScale[i])) {
                    errors.add("xScale[" + i + "] must be positive and finite, got " + xScale[i]);
                }
            }
        }
        return errors;
    }

    private static void checkTolerance(List<String> errors, String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            errors.add(name + " must be a finite number >= 0, got " + v);
        }
    }

    /** Throws IllegalArgumentException listing every violation at once. */
    public FitOptions requireValid() {
        List<String> errors = validate();
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid options: " + String.join("; ", errors));
        }
        return this;
    }
}

package org.sparknlsq.optim;

import java.util.List;
import java.util.Locale;
import org.sparknlsq.robust.FaultReport;

/**
 * The summary of a fit, not just a point.
 *
 * <p>Conventions a caller may rely on:
 *
 * <ul>
 *   <li>{@code parameters} is the best point seen: a later point replaces it only with a lower
 *       cost (polish passes may move it within the rounding noise of the cost).
 *   <li>{@code cost} = Σ ½C²ρ((r/C)²) with r = (f − y)/σ; {@code chiSquared} = 2·cost (Σr² for the
 *       linear loss); {@code reducedChiSquared} = χ²/(n − p).
 *   <li>{@code covariance} = pinv(JᵀWJ) at the solution, multiplied by the reduced χ² unless
 *       {@code absoluteSigma} (scipy {@code curve_fit}). With n = p and relative sigma it is
 *       infinite, as in scipy. It comes from a QR factor of the weighted Jacobian, made by one
 *       more pass over the data at the solution; without that pass when the loop already holds
 *       the factor (it iterated with the QR accumulator), or from the loop's own JᵀWJ when the
 *       scaled condition number is at most {@link
 *       org.sparknlsq.linalg.Covariance#NORMAL_CONDITION_LIMIT}, where squaring it costs under
 *       2·10⁻¹² relative.
 *   <li>{@code success} is true only when a convergence test was met.
 *   <li>{@code fitSeconds} is the wall time of the whole fit, a covariance pass included;
 *       {@code dataPasses} counts every pass over the data, that one included.
 * </ul>
 */
public record FitResult(
        List<String> parameterNames,
        double[] parameters,
        double[] uncertainties,
        double[][] covariance,
        double[][] correlation,
        double chiSquared,
        double reducedChiSquared,
        double initialCost,
        double cost,
        long points,
        long invalidPoints,
        int iterations,
        int evaluations,
        long dataPasses,
        int polishPassesAccepted,
        double scaledCondition,
        Termination termination,
        String message,
        Method method,
        String strategy,
        double fitSeconds,
        List<IterationRecord> history,
        FaultReport faults) {

    /**
     * Converged, and (with fault tolerance) enough batches succeeded: never true for a fit that
     * did not converge.
     */
    public boolean success() {
        return termination.converged() && (faults == null || faults.successRateMet());
    }

    /** Value of a named parameter. */
    /** This result with another fault report (the Spark engine adds its infrastructure counts). */
    public FitResult withFaults(FaultReport f) {
        return new FitResult(
                parameterNames,
                parameters,
                uncertainties,
                covariance,
                correlation,
                chiSquared,
                reducedChiSquared,
                initialCost,
                cost,
                points,
                invalidPoints,
                iterations,
                evaluations,
                dataPasses,
                polishPassesAccepted,
                scaledCondition,
                termination,
                message,
                method,
                strategy,
                fitSeconds,
                history,
                f);
    }

    public double parameter(String name) {
        return parameters[indexOf(name)];
    }

    /** One-standard-deviation uncertainty of a named parameter. */
    public double uncertainty(String name) {
        return uncertainties[indexOf(name)];
    }

    private int indexOf(String name) {
        int i = parameterNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no parameter '" + name + "' in " + parameterNames);
        }
        return i;
    }

    /** A short human-readable report, like Ceres' {@code BriefReport}. */
    public String briefReport() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%s: %s (%s, %s)%n",
                success() ? "converged" : termination.converged() ? "converged, NOT a success" : "NOT converged",
                termination,
                method.name().toLowerCase(Locale.ROOT),
                message));
        b.append(String.format(
                Locale.ROOT,
                "points %d, iterations %d, evaluations %d, cost %.6e -> %.6e, reduced chi2 %.6e%n",
                points,
                iterations,
                evaluations,
                initialCost,
                cost,
                reducedChiSquared));
        int w = 4;
        for (String n : parameterNames) {
            w = Math.max(w, n.length());
        }
        for (int i = 0; i < parameters.length; i++) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %-" + w + "s = %.12g +/- %.4g%n",
                    parameterNames.get(i),
                    parameters[i],
                    uncertainties[i]));
        }
        return b.toString();
    }
}

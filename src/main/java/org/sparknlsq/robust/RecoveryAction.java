package org.sparknlsq.robust;

import java.util.List;
import java.util.Locale;

/**
 * The recovery strategies tried, in order, when a partition fails at a trial point (seed:
 * homodyne's {@code RecoveryStrategyApplicator}). Retry k of a partition with a failure of kind
 * NUMERICAL (or OTHER) applies the k-th of {@link #NUMERICAL}; of kind CONVERGENCE, the k-th of
 * {@link #CONVERGENCE}. What each one changes is on the constant.
 */
public enum RecoveryAction {
    /** The trust radius is halved: the next trial step is at most half as long. */
    SHRINK_TRUST_RADIUS,
    /**
     * The bounds shrink to 0.9 of their width, centred on the current parameters and kept inside
     * the original bounds; a parameter with an infinite range takes the width 2·max(|x|, 1), so
     * it is held within x ± 0.9·max(|x|, 1). They hold until the next accepted step, so they
     * steer the retries but never confine the answer.
     */
    TIGHTEN_BOUNDS,
    /**
     * The variable scaling is recomputed from the Jacobian's column norms at the current point
     * (dropping the running maximum, and a user's xScale), and the trust radius restarts from its
     * initial rule at the current point.
     */
    RESCALE,
    /**
     * The next trial point is the current one with each parameter moved by up to 5% of its
     * magnitude (by up to 0.05 where it is 0), in a seeded random direction that differs on every
     * retry of the fit.
     */
    PERTURB_PARAMETERS,
    /** The iteration and evaluation limits grow by half (1.5x) for the rest of the fit. */
    INCREASE_ITERATIONS,
    /** ftol, xtol and gtol are multiplied by 10 for the rest of the fit. */
    RELAX_TOLERANCE;

    public static final List<RecoveryAction> NUMERICAL = List.of(SHRINK_TRUST_RADIUS, TIGHTEN_BOUNDS, RESCALE);
    public static final List<RecoveryAction> CONVERGENCE =
            List.of(PERTURB_PARAMETERS, INCREASE_ITERATIONS, RELAX_TOLERANCE);

    /**
     * The action for retry {@code retry} (1-based) of a failure of the given kind, or null when
     * the list is used up.
     *
     * @param convergence true for a CONVERGENCE failure, false for NUMERICAL and OTHER
     */
    public static RecoveryAction forRetry(boolean convergence, int retry) {
        List<RecoveryAction> list = convergence ? CONVERGENCE : NUMERICAL;
        return retry >= 1 && retry <= list.size() ? list.get(retry - 1) : null;
    }

    /** The name used in results and logs, for example {@code shrink_trust_radius}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package org.sparknlsq.optim;

/** Why the optimizer stopped. */
public enum Termination {
    /** Scaled gradient below gtol. */
    GTOL(true),
    /** Relative cost reduction below ftol. */
    FTOL(true),
    /** Relative step below xtol. */
    XTOL(true),
    /** Both ftol and xtol. */
    FTOL_XTOL(true),
    /**
     * No further reduction is possible in double precision (MINPACK info 6–8): the tolerances
     * are tighter than the arithmetic allows, and the point is as good as it gets.
     */
    PRECISION_LIMIT(true),
    /** The iteration limit was reached. */
    MAX_ITERATIONS(false),
    /** The evaluation limit was reached. */
    MAX_EVALUATIONS(false),
    /** The fit was cancelled by the caller. */
    USER_ABORT(false),
    /** No acceptable step could be found (for example, every trial point was non-finite). */
    FAILURE(false);

    private final boolean converged;

    Termination(boolean converged) {
        this.converged = converged;
    }

    /** True for the convergence tests; false for limits, aborts and failures. */
    public boolean converged() {
        return converged;
    }
}

package org.sparknlsq.optim;

/** The trust-region algorithm. */
public enum Method {
    /**
     * Trust Region Reflective (Branch, Coleman &amp; Li 1999) as in scipy {@code least_squares}:
     * supports bounds. The default.
     */
    TRF,
    /** Levenberg–Marquardt with MINPACK {@code lmder}'s radius and termination rules; no bounds. */
    LM
}

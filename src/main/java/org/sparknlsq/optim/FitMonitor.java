package org.sparknlsq.optim;

/** Observes a running fit; returning false from {@link #onIteration} cancels it. */
@FunctionalInterface
public interface FitMonitor {
    /** A monitor that never cancels. */
    FitMonitor NONE = r -> true;

    /** Called after every iteration. Return false to stop with {@link Termination#USER_ABORT}. */
    boolean onIteration(IterationRecord record);
}

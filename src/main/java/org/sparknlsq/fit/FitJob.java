package org.sparknlsq.fit;

import java.util.function.Supplier;
import org.sparknlsq.spark.FitHandle;

/**
 * A fit that was started by {@link CurveFitting#submit}. {@link #cancel()} stops a fit on Spark
 * and cancels its jobs; the outcome then has termination {@code USER_ABORT} and the best
 * parameters found before the cancel. A fit without Spark is already done when it is returned.
 */
public final class FitJob {
    private final FitHandle handle;
    private final Supplier<FitOutcome> outcome;
    private FitOutcome done;

    FitJob(FitHandle handle, Supplier<FitOutcome> outcome) {
        this.handle = handle;
        this.outcome = outcome;
    }

    static FitJob done(FitOutcome o) {
        return new FitJob(null, () -> o);
    }

    /** Requests cancellation; returns at once. Idempotent. */
    public void cancel() {
        if (handle != null) {
            handle.cancel();
        }
    }

    public boolean isDone() {
        return handle == null || handle.isDone();
    }

    /** Waits for the fit; rethrows its own exception. */
    public synchronized FitOutcome outcome() {
        if (done == null) {
            done = outcome.get();
        }
        return done;
    }
}

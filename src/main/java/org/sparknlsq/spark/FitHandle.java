package org.sparknlsq.spark;

import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A running fit. {@link #cancel()} stops the optimizer loop and cancels the fit's Spark jobs (its
 * job group, with interrupt-on-cancel); the result then has termination {@code USER_ABORT} and
 * the best parameters found before the cancel. Cancelling while the data are still being read ends
 * the fit with a {@link java.util.concurrent.CancellationException}: there are no parameters yet.
 */
public final class FitHandle {
    private final JavaSparkContext jsc;
    private final CompletableFuture<SparkFitResult> future = new CompletableFuture<>();
    private final String loadGroup = "spark-nlsq-load-" + UUID.randomUUID();
    private volatile boolean cancelRequested;
    private volatile boolean loading;
    private volatile SparkSource source;

    FitHandle(JavaSparkContext jsc) {
        this.jsc = jsc;
    }

    /** Requests cancellation; returns at once. Idempotent. */
    public void cancel() {
        cancelRequested = true;
        SparkSource s = source;
        if (s != null) {
            s.cancel();
        }
        if (loading) {
            jsc.cancelJobGroup(loadGroup);
        }
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    public boolean isDone() {
        return future.isDone();
    }

    /** Waits for the result; rethrows the fit's own exception (a {@code FitException} for bad input). */
    public SparkFitResult result() {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** Waits at most {@code timeout}. */
    public SparkFitResult result(long timeout, TimeUnit unit) throws TimeoutException {
        try {
            return future.get(timeout, unit);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the fit", e);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    void enterLoad() {
        loading = true;
        jsc.setJobGroup(loadGroup, "spark-nlsq load", true);
        if (cancelRequested) {
            jsc.cancelJobGroup(loadGroup);
        }
    }

    void leaveLoad() {
        loading = false;
        jsc.clearJobGroup();
        if (cancelRequested) {
            throw new CancellationException("the fit was cancelled while reading the data");
        }
    }

    void attach(SparkSource s) {
        source = s;
        if (cancelRequested) {
            s.cancel();
        }
    }

    void complete(SparkFitResult r) {
        future.complete(r);
    }

    void fail(Throwable t) {
        future.completeExceptionally(t);
    }
}

package org.sparknlsq.kernel;

/**
 * Thrown by a {@link NormalEquationsSource} whose pass was cancelled by the caller (for example
 * {@code FitHandle.cancel()} cancelling the Spark jobs of a fit). The optimizer catches it and ends
 * the fit with {@code USER_ABORT}, keeping the best parameters found so far; the interrupted pass
 * gave no numbers, and none are made up for it.
 */
public final class SourceCancelledException extends RuntimeException {
    public SourceCancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}

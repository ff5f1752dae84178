package org.sparknlsq.optim;

import java.util.Map;

/**
 * Progress of a running fit: {@code step} of at most {@code total} (iterations, epochs, or
 * partitions of a pass, as {@code unit} says) and a few metrics such as {@code cost} and {@code
 * gradient_norm}. Called on the fitting thread; keep it fast. Throttling is the listener's job.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (unit, step, total, metrics) -> {};

    void onProgress(String unit, long step, long total, Map<String, Object> metrics);
}

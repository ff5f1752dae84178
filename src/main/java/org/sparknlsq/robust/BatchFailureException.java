package org.sparknlsq.robust;

import java.util.Map;

/**
 * Every partition failed, so there is no objective left to minimize. Carries the first failure,
 * and whether all failures were non-finite values (then the model is simply not finite at these
 * parameters anywhere in the data).
 */
public class BatchFailureException extends FitException {
    private final boolean allNonFinite;
    private final long invalidPoints;
    private final long firstInvalidIndex;

    public BatchFailureException(
            String message, Map<String, ?> context, boolean allNonFinite, long invalidPoints, long firstInvalidIndex) {
        super(message, context, null);
        this.allNonFinite = allNonFinite;
        this.invalidPoints = invalidPoints;
        this.firstInvalidIndex = firstInvalidIndex;
    }

    public boolean allNonFinite() {
        return allNonFinite;
    }

    /** Non-finite points counted over all partitions (0 when a partition threw). */
    public long invalidPoints() {
        return invalidPoints;
    }

    /** The first non-finite data row, or -1. */
    public long firstInvalidIndex() {
        return firstInvalidIndex;
    }
}

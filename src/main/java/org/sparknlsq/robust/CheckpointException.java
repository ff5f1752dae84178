package org.sparknlsq.robust;

import java.util.Map;

/** A checkpoint could not be written, read or validated. */
public class CheckpointException extends FitException {
    public CheckpointException(String message, Map<String, ?> context, Throwable cause) {
        super(message, context, cause);
    }
}

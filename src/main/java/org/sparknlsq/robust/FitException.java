package org.sparknlsq.robust;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of spark-nlsq's exceptions. Carries a context map (for example the iteration, the
 * partition or the file) that the CLI and the result JSON report next to the message.
 */
public class FitException extends RuntimeException {
    private final Map<String, Object> context;

    public FitException(String message) {
        this(message, Map.of(), null);
    }

    public FitException(String message, Map<String, ?> context, Throwable cause) {
        super(message, cause);
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** Extra facts about where the failure happened. Never null. */
    public Map<String, Object> context() {
        return context;
    }
}

package org.sparknlsq.robust;

import java.util.Map;

/** The optimizer could not make progress (for example, every trial step was invalid). */
public class ConvergenceException extends FitException {
    public ConvergenceException(String message, Map<String, ?> context) {
        super(message, context, null);
    }
}

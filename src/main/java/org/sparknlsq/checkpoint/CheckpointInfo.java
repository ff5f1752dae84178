package org.sparknlsq.checkpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the checkpoints of one fit did, for its diagnostics.
 *
 * @param directory where they were written
 * @param every a checkpoint every N iterations
 * @param saves checkpoints written
 * @param failedSaves saves that failed after their retries
 * @param skippedSaves saves skipped while the circuit breaker was open
 * @param meanSaveSeconds mean wall time of a save
 * @param lastCheckpoint the newest file written, or null
 * @param circuitBreakerOpen whether saves are being skipped at the end
 * @param errors the save errors, one line each
 * @param resumedFrom the checkpoint the fit resumed from, or null
 * @param resumedAtIteration the iteration it resumed at, or null
 * @param skippedInvalid invalid checkpoints passed over by a resume, one line each
 */
public record CheckpointInfo(
        String directory,
        int every,
        long saves,
        long failedSaves,
        long skippedSaves,
        double meanSaveSeconds,
        String lastCheckpoint,
        boolean circuitBreakerOpen,
        List<String> errors,
        String resumedFrom,
        Integer resumedAtIteration,
        List<String> skippedInvalid) {

    /** The result document's {@code checkpoint_info} object. */
    public Map<String, Object> toJsonObject() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", true);
        m.put("directory", directory);
        m.put("saves", saves);
        m.put("failed_saves", failedSaves);
        m.put("skipped_saves", skippedSaves);
        m.put("mean_save_seconds", meanSaveSeconds);
        m.put("last_checkpoint", lastCheckpoint);
        m.put("circuit_breaker_open", circuitBreakerOpen);
        m.put("errors", errors);
        m.put("every", every);
        m.put("resumed_from", resumedFrom);
        m.put("resumed_at_iteration", resumedAtIteration);
        m.put("skipped_invalid", skippedInvalid);
        return m;
    }
}

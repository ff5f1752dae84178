package org.sparknlsq.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.robust.CheckpointException;

/**
 * Everything a fit needs to go on exactly where it stopped, in the seed's layout v2:
 *
 * <pre>
 * /                        attributes: version "2.0", writer_version, timestamp (ms since the
 *                          epoch), config_hash, data_fingerprint, phase, sha256
 * parameters/names         the parameter names
 * parameters/current       the current parameters
 * parameters/best          the best parameters seen, and
 * parameters/best_cost     their cost
 * optimizer_state/...      the solver's own state (trust radius, damping, scaling, counters, RNG
 *                          draws, the STREAMING information); names depend on the phase
 * progress/iteration       iterations done
 * progress/epoch           STREAMING epochs done (0 otherwise)
 * progress/batch_index     the next STREAMING batch (0 at an epoch boundary)
 * progress/best_loss       the best cost again, as the seed has it
 * diagnostics/failed_batch_indices, diagnostics/retry_counts/{keys,values},
 * diagnostics/error_types/{keys,values}, diagnostics/excluded_partitions
 *                          the fault-tolerance ledger; empty ones are left out (HDF5 as jhdf
 *                          writes it has no empty arrays)
 * </pre>
 *
 * A v1 file is the same without {@code diagnostics/} (and without the resume identity
 * attributes): it loads with an empty ledger.
 */
public record CheckpointState(
        String version,
        String writerVersion,
        long timestampMillis,
        String configHash,
        String dataFingerprint,
        List<String> parameterNames,
        Snapshot snapshot) {

    public static final String VERSION = "2.0";

    public CheckpointState {
        parameterNames = List.copyOf(parameterNames);
    }

    /** The file's content, without the digest (the writer adds it). */
    public CheckpointContent toContent() {
        CheckpointContent c = new CheckpointContent()
                .attribute("version", version)
                .attribute("writer_version", writerVersion)
                .attribute("timestamp", timestampMillis)
                .attribute("config_hash", configHash)
                .attribute("data_fingerprint", dataFingerprint)
                .attribute("phase", snapshot.phase())
                .put("parameters/names", parameterNames.toArray(new String[0]))
                .put("parameters/current", snapshot.x())
                .put("parameters/best", snapshot.best())
                .put("parameters/best_cost", snapshot.bestCost())
                .put("progress/iteration", (long) snapshot.iteration())
                .put("progress/epoch", (long) snapshot.epoch())
                .put("progress/batch_index", 0L)
                .put("progress/best_loss", snapshot.bestCost());
        snapshot.state().forEach((k, v) -> c.put("optimizer_state/" + k, v));
        putIfAny(c, "diagnostics/failed_batch_indices", snapshot.failedBatchIndices());
        putIfAny(c, "diagnostics/excluded_partitions", snapshot.excludedPartitions());
        if (!snapshot.retryCounts().isEmpty()) {
            c.put("diagnostics/retry_counts/keys", longs(snapshot.retryCounts().keySet()));
            c.put(
                    "diagnostics/retry_counts/values",
                    longs(snapshot.retryCounts().values()));
        }
        if (!snapshot.errorTypes().isEmpty()) {
            c.put("diagnostics/error_types/keys", snapshot.errorTypes().keySet().toArray(new String[0]));
            c.put("diagnostics/error_types/values", longs(snapshot.errorTypes().values()));
        }
        return c;
    }

    private static void putIfAny(CheckpointContent c, String path, long[] v) {
        if (v.length > 0) {
            c.put(path, v);
        }
    }

    private static long[] longs(java.util.Collection<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Reads and checks a checkpoint's content: the version, every required entry with its type,
     * matching lengths; a v1 file loads without the diagnostics and the resume identity.
     *
     * @param where names the file in messages
     * @throws CheckpointException naming the first problem
     */
    public static CheckpointState fromContent(CheckpointContent c, String where) {
        Reader r = new Reader(c, where);
        String version = r.attribute("version", String.class);
        boolean v1 = version.equals("1.0");
        if (!v1 && !version.equals(VERSION)) {
            throw r.fail("version " + version + " is not supported (expected 1.0 or " + VERSION + ")");
        }
        String[] names = r.dataset("parameters/names", String[].class);
        double[] current = r.dataset("parameters/current", double[].class);
        double[] best = r.dataset("parameters/best", double[].class);
        if (current.length != names.length || best.length != names.length) {
            throw r.fail("parameters/current has " + current.length + " values and parameters/best " + best.length
                    + " for " + names.length + " parameter names");
        }
        SortedMap<String, Object> state = new TreeMap<>();
        c.datasets().forEach((k, v) -> {
            if (k.startsWith("optimizer_state/")) {
                state.put(k.substring("optimizer_state/".length()), v);
            }
        });
        long[] retryKeys = r.optional("diagnostics/retry_counts/keys", long[].class, new long[0]);
        long[] retryValues = r.optional("diagnostics/retry_counts/values", long[].class, new long[0]);
        String[] errorKeys = r.optional("diagnostics/error_types/keys", String[].class, new String[0]);
        long[] errorValues = r.optional("diagnostics/error_types/values", long[].class, new long[0]);
        if (retryKeys.length != retryValues.length || errorKeys.length != errorValues.length) {
            throw r.fail("diagnostics: keys and values differ in length");
        }
        SortedMap<Long, Long> retries = new TreeMap<>();
        for (int i = 0; i < retryKeys.length; i++) {
            retries.put(retryKeys[i], retryValues[i]);
        }
        SortedMap<String, Long> errors = new TreeMap<>();
        for (int i = 0; i < errorKeys.length; i++) {
            errors.put(errorKeys[i], errorValues[i]);
        }
        Snapshot snapshot = new Snapshot(
                v1 ? r.optionalAttribute("phase", "") : r.attribute("phase", String.class),
                current,
                best,
                r.dataset("parameters/best_cost", Double.class),
                Math.toIntExact(r.dataset("progress/iteration", Long.class)),
                Math.toIntExact(r.dataset("progress/epoch", Long.class)),
                state,
                r.optional("diagnostics/failed_batch_indices", long[].class, new long[0]),
                retries,
                errors,
                r.optional("diagnostics/excluded_partitions", long[].class, new long[0]));
        return new CheckpointState(
                version,
                v1 ? r.optionalAttribute("writer_version", "") : r.attribute("writer_version", String.class),
                v1 ? r.optionalAttribute("timestamp", 0L) : r.attribute("timestamp", Long.class),
                v1 ? r.optionalAttribute("config_hash", "") : r.attribute("config_hash", String.class),
                v1 ? r.optionalAttribute("data_fingerprint", "") : r.attribute("data_fingerprint", String.class),
                List.of(names),
                snapshot);
    }

    /** Typed access with one-line errors naming the file and the entry. */
    private record Reader(CheckpointContent c, String where) {
        <T> T attribute(String name, Class<T> type) {
            Object v = c.attributes().get(name);
            if (v == null) {
                throw fail("the root attribute '" + name + "' is missing");
            }
            return typed(v, type, "attribute '" + name + "'");
        }

        <T> T optionalAttribute(String name, T fallback) {
            Object v = c.attributes().get(name);
            @SuppressWarnings("unchecked")
            T t = v == null ? fallback : typed(v, (Class<T>) fallback.getClass(), "attribute '" + name + "'");
            return t;
        }

        <T> T dataset(String path, Class<T> type) {
            Object v = c.datasets().get(path);
            if (v == null) {
                throw fail("the dataset '" + path + "' is missing");
            }
            return typed(v, type, "dataset '" + path + "'");
        }

        <T> T optional(String path, Class<T> type, T fallback) {
            return c.has(path) ? dataset(path, type) : fallback;
        }

        private <T> T typed(Object v, Class<T> type, String what) {
            if (!type.isInstance(v)) {
                throw fail(what + " is a " + v.getClass().getSimpleName() + ", expected " + type.getSimpleName());
            }
            return type.cast(v);
        }

        CheckpointException fail(String problem) {
            return new CheckpointException(where + ": " + problem, Map.of("file", where), null);
        }
    }

    /** A short description for listings: phase, iteration, epoch, best cost. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("phase", snapshot.phase());
        m.put("iteration", snapshot.iteration());
        m.put("epoch", snapshot.epoch());
        m.put("best_cost", snapshot.bestCost());
        m.put("timestamp", timestampMillis);
        List<String> p = new ArrayList<>();
        for (int i = 0; i < snapshot.best().length; i++) {
            p.add(parameterNames.get(i) + "=" + snapshot.best()[i]);
        }
        m.put("best", p);
        return m;
    }
}

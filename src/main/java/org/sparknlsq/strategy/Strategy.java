package org.sparknlsq.strategy;

import java.util.Locale;

/**
 * How the data are held while the optimizer iterates. All four reach the same optimum on the same
 * data; they differ in speed and memory only.
 */
public enum Strategy {
    /** Data collected to the driver and evaluated on its cores; no Spark job per iteration. */
    STANDARD,
    /** Data cached in executor memory as primitive arrays; one Spark job per pass. */
    LARGE,
    /** Cached with spill to disk; each pass runs in waves of partitions, with progress per wave. */
    CHUNKED,
    /** Batches of partitions in sequence, a step after each batch, then an exact polish. */
    STREAMING;

    /** Parses a strategy name, case-insensitive; {@code auto} gives null (choose by size). */
    public static Strategy parse(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.equals("AUTO")) {
            return null;
        }
        for (Strategy s : values()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown strategy '" + name + "' (expected auto, standard, large, chunked or streaming)");
    }
}

package org.sparknlsq.cli;

import org.sparknlsq.spark.SparkSessions;

/**
 * The command line's way to a SparkSession: a master that is malformed, unreachable or refuses
 * the application is a configuration error (exit 2) in one line that names it, at once.
 */
final class SparkStart {
    private SparkStart() {}

    static SparkSessions.Owned open(String master) {
        return open(master, SparkSessions.ExecutorWait.BLOCK);
    }

    /** With {@code wait}: {@link SparkSessions.ExecutorWait#WATCH} for a fit, which plans its read meanwhile. */
    static SparkSessions.Owned open(String master, SparkSessions.ExecutorWait wait) {
        try {
            return SparkSessions.open(master, wait);
        } catch (IllegalArgumentException e) {
            throw CliException.config("--master: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw CliException.config(e.getMessage());
        }
    }
}

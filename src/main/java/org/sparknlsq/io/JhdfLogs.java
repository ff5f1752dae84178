package org.sparknlsq.io;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Quiets three jHDF warnings that say nothing to a user of this project and would bury real ones:
 * "Writing files is in alpha" on every checkpoint save, "buffer still has N bytes remaining" five
 * times per file read (padding that jHDF 0.13 reads past), and "Using development version" when a
 * shaded jar carries no jHDF manifest. Only those three loggers are raised to ERROR; every other
 * warning stays. Done in code, not in a log configuration, so it holds under spark-submit's own.
 */
public final class JhdfLogs {
    private static volatile boolean done;

    private JhdfLogs() {}

    /** Idempotent; call before the first jHDF use. */
    public static void quiet() {
        if (done) {
            return;
        }
        done = true;
        for (String logger :
                new String[] {"io.jhdf.WritableHdfFile", "io.jhdf.object.message.Message", "io.jhdf.HdfFile"}) {
            Configurator.setLevel(logger, Level.ERROR);
        }
    }
}

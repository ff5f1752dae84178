package org.sparknlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading a checkpoint logs none of jHDF's three noise warnings; other warnings pass. */
class QuietJhdfTest {
    @TempDir
    Path dir;

    /** Collects every event that reaches the root logger's configuration. */
    static final class Collect extends AbstractAppender {
        final List<String> lines = new ArrayList<>();

        Collect() {
            super("collect", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public synchronized void append(LogEvent e) {
            lines.add(e.getLevel() + " " + e.getLoggerName() + ": "
                    + e.getMessage().getFormattedMessage());
        }
    }

    @Test
    void checkpointsWriteAndReadWithoutJhdfNoise() throws Exception {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Collect c = new Collect();
        c.start();
        ctx.getConfiguration().getRootLogger().addAppender(c, Level.WARN, null);
        ctx.updateLoggers();
        try {
            CheckpointManager m = new CheckpointManager(dir.toString(), null, CheckpointManager.Options.defaults());
            for (int i = 1; i <= 2; i++) {
                assertTrue(m.save(CheckpointFormatTest.state(i)).isPresent());
            }
            assertEquals(2, m.list().size());
            LogManager.getLogger("io.jhdf.SomethingElse").warn("a real warning");
        } finally {
            ctx.getConfiguration().getRootLogger().removeAppender("collect");
            ctx.updateLoggers();
        }
        List<String> noise = c.lines.stream()
                .filter(l ->
                        l.contains("in alpha") || l.contains("bytes remaining") || l.contains("development version"))
                .toList();
        assertEquals(List.of(), noise);
        assertTrue(c.lines.contains("WARN io.jhdf.SomethingElse: a real warning"), c.lines.toString());
    }
}

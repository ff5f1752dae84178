package org.sparknlsq.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;

/** {@code --verbose}: the loggers that write to the log file only get the console too. */
final class LogConsole {
    private LogConsole() {}

    static void showEverything() {
        if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
            return;
        }
        Configuration config = ctx.getConfiguration();
        Appender console = config.getAppender("console");
        if (console == null) {
            return;
        }
        for (LoggerConfig logger : config.getLoggers().values()) {
            if (!logger.isAdditive() && !logger.getAppenders().containsKey("console")) {
                logger.addAppender(console, null, null);
            }
        }
        ctx.updateLoggers();
    }
}

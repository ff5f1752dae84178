package org.sparknlsq.cli;

/**
 * A failure the command line reports as one line with a specific exit code, for example a bad
 * option value. The message names the option or file it is about.
 */
public class CliException extends RuntimeException {
    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** A bad argument or configuration (exit 2). */
    static CliException config(String message) {
        return new CliException(ExitCode.CONFIG_ERROR, message);
    }
}

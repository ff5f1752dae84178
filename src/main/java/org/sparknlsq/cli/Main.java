package org.sparknlsq.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparknlsq.io.DataException;
import org.sparknlsq.robust.BatchFailureException;
import org.sparknlsq.robust.CheckpointException;
import org.sparknlsq.robust.ConvergenceException;
import org.sparknlsq.robust.NumericalException;
import org.sparknlsq.spark.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code spark-nlsq} command line: a root command whose subcommands do the work ({@code fit},
 * {@code generate} and {@code checkpoints}; each new one is a class added to {@code subcommands}).
 *
 * <p>Error contract, for every subcommand: a failure prints exactly one line to stderr, {@code
 * spark-nlsq: error: <what and where>}, and exits with an {@link ExitCode}. Stack traces are
 * printed only with {@code --debug}, and then after that line.
 */
@Command(
        name = "spark-nlsq",
        mixinStandardHelpOptions = true,
        versionProvider = VersionText.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Nonlinear least-squares curve fitting (scipy curve_fit semantics).",
        subcommands = {
            FitCommand.class,
            PredictCommand.class,
            GenerateCommand.class,
            CheckpointsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {
    /** How every error line starts. */
    static final String ERROR_PREFIX = "spark-nlsq: error: ";

    /** How a warning about a fit that still succeeded starts. */
    static final String WARNING_PREFIX = "spark-nlsq: warning: ";

    private static final String DEBUG = "--debug";

    private static final String VERBOSE = "--verbose";

    @Spec
    CommandSpec spec;

    /**
     * Declared so that picocli accepts and documents {@code --debug} on every subcommand; {@link
     * #run} reads it from the raw arguments, because it must also work when parsing them fails.
     */
    @Option(
            names = DEBUG,
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error after its message.")
    boolean debug;

    /**
     * Declared like {@code --debug}; {@link #run} reads it from the raw arguments. Sends the log
     * lines that {@code conf/log4j2.properties} keeps in its log file (Spark's own reports of
     * failures this command reports in one line) to the console too.
     */
    @Option(
            names = VERBOSE,
            scope = ScopeType.INHERIT,
            description = "Also show on the console Spark's own failure reports, which go to the log file"
                    + " (${sys:java.io.tmpdir}/spark-nlsq-USER.log) by default.")
    boolean verbose;

    /** Runs the command line and exits the JVM with its {@link ExitCode}. */
    public static void main(String[] args) {
        warmUp();
        int code = run(System.out, System.err, args);
        if (!shuttingDown()) {
            // during a shutdown System.exit would block on the hooks; the JVM exits with the
            // signal's status (143 for SIGTERM, 130 for SIGINT) by itself
            System.exit(code);
        }
    }

    /**
     * Loads the expression compiler (Janino, whose signed jar is verified on first use) on a daemon
     * thread while the main thread parses the command line: start-up is single-threaded, so a
     * second core is free. Logging is not warmed here: {@code --verbose} reconfigures it on the main
     * thread, which must not race with a half-made logging context. Nothing here changes what the
     * command does.
     */
    private static void warmUp() {
        Thread t = new Thread(
                () -> {
                    try {
                        Class.forName("org.codehaus.janino.ClassBodyEvaluator", true, Main.class.getClassLoader());
                    } catch (ClassNotFoundException | LinkageError e) {
                        // the compile itself will say what is missing, when a model needs it
                    }
                },
                "spark-nlsq-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** True once the JVM has begun its shutdown (a SIGTERM or SIGINT, say). */
    static boolean shuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * Runs the command line in this JVM and returns the exit code instead of exiting, so tests
     * and embedding code can call it.
     *
     * @param out where reports and help go
     * @param err where errors go
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        // Read from the raw arguments, so it also applies to errors found while parsing them.
        boolean debug = Arrays.asList(args).contains(DEBUG);
        if (Arrays.asList(args).contains(VERBOSE)) {
            LogConsole.showEverything();
        }
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler((ex, ignored) -> usageError(ex, e, debug));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> report(ex, e, debug));
        String[] expanded = args;
        int code;
        try {
            expanded = ConfigFile.expandSubcommand(cl, args);
            code = cl.execute(expanded);
        } catch (CliException config) {
            // A bad --config or --set is found before picocli parses anything.
            code = report(config, e, debug);
        } catch (Error fatal) {
            // OutOfMemoryError and friends bypass picocli's handlers, which only see Exceptions.
            code = report(fatal, e, debug);
        }
        String status = StatusFile.find(expanded);
        if (status != null) {
            StatusFile.write(status, code, e);
        }
        o.flush();
        e.flush();
        return code;
    }

    /** Without a subcommand there is nothing to do: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "missing command (one of: "
                        + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    private static int usageError(ParameterException ex, PrintWriter err, boolean debug) {
        StringBuilder m = new StringBuilder(oneLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            m.append(" (did you mean ")
                    .append(String.join(" or ", u.getSuggestions()))
                    .append("?)");
        }
        m.append("; see '")
                .append(ex.getCommandLine().getCommandSpec().qualifiedName())
                .append(" --help'");
        err.println(ERROR_PREFIX + m);
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.CONFIG_ERROR.code();
    }

    /** Prints the one-line message for a failure and returns its exit code. */
    static int report(Throwable t, PrintWriter err, boolean debug) {
        if (t instanceof ParameterException pe) {
            return usageError(pe, err, debug);
        }
        ExitCode code = classify(t);
        String message = oneLine(t.getMessage());
        if (shuttingDown()) {
            // Spark's own shutdown hook stopped the context under the fit: not an internal error
            err.println(ERROR_PREFIX + "stopped by a signal (SIGTERM: exit 143, SIGINT: exit 130); a fit with"
                    + " --checkpoint-dir goes on with --resume auto from its newest checkpoint, if it had written one");
            err.flush();
            return code.code();
        }
        if (t instanceof OutOfMemoryError) {
            message = "out of memory (the JVM may use " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MB); allow more with JAVA_OPTS=-Xmx<size>";
        } else if (code == ExitCode.INTERNAL_ERROR) {
            message = "internal error: " + t.getClass().getName() + (message.isEmpty() ? "" : ": " + message)
                    + (debug ? "" : " (see --debug for the stack trace)");
        }
        err.println(ERROR_PREFIX + message);
        if (debug) {
            t.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }

    static ExitCode classify(Throwable t) {
        if (t instanceof CliException c) {
            return c.exitCode();
        } else if (t instanceof DataException) {
            return ExitCode.DATA_ERROR;
        } else if (t instanceof NumericalException) {
            return ExitCode.NUMERICAL_ERROR;
        } else if (t instanceof CheckpointException) {
            return ExitCode.CHECKPOINT_ERROR;
        } else if (t instanceof ConvergenceException) {
            return ExitCode.NOT_CONVERGED;
        } else if (t instanceof BatchFailureException) {
            return ExitCode.BATCH_FAILURE;
        } else if (t instanceof SparkSessions.NoExecutorsException) {
            // a cluster too small for the request: the settings must change
            return ExitCode.CONFIG_ERROR;
        }
        return ExitCode.INTERNAL_ERROR;
    }

    /** Words longer than this (a value pasted by mistake, say) are cut in a message. */
    static final int LONGEST_WORD = 200;

    private static final Pattern LONG_WORD = Pattern.compile("\\S{" + (LONGEST_WORD + 1) + ",}");

    /** Joins a multi-line message into one line, its overlong words cut. */
    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String joined = message.strip().replaceAll("\\s*\\R\\s*", " ");
        return escape(LONG_WORD
                .matcher(joined)
                .replaceAll(m -> Matcher.quoteReplacement(
                        m.group().substring(0, 80) + "...(" + (m.group().length() - 80) + " more characters)")));
    }

    /**
     * Control characters (terminal escape sequences in a CSV header, say) as {@code \xNN}, and
     * invisible format characters (bidirectional overrides, zero-width spaces) as a backslash, u and four hex digits:
     * text from the user never reaches the terminal raw or reordered.
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                b.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            } else if (Character.getType(c) == Character.FORMAT) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

package org.sparknlsq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.sparknlsq.checkpoint.CheckpointManager;
import org.sparknlsq.checkpoint.FitCheckpoints;
import org.sparknlsq.io.Location;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.problem.FitProblem;
import picocli.CommandLine.Option;

/**
 * The checkpoint options of {@code fit}: where, how often, and whether to resume. A fit
 * checkpoints only with {@code --checkpoint-dir}; a checkpoint records a hash of the settings
 * that decide the fit's steps and a fingerprint of the data (paths, sizes, modification times),
 * and a resume is refused when either differs (unless {@code --resume-force}).
 */
final class CheckpointArgs {
    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            description = "Write checkpoints (HDF5) to this directory: a local path, file://, hdfs:// or s3a://.")
    String dir;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "10",
            paramLabel = "N",
            description = "Checkpoint every N iterations (default ${DEFAULT-VALUE}), and on SIGTERM.")
    int every;

    @Option(
            names = "--keep-checkpoints",
            defaultValue = "3",
            paramLabel = "N",
            description = "Checkpoints kept in the directory (default ${DEFAULT-VALUE}).")
    int keep;

    @Option(
            names = "--resume",
            paramLabel = "auto|PATH",
            description = "Resume from the newest valid checkpoint in --checkpoint-dir (auto; start afresh if there"
                    + " is none) or from the given checkpoint file.")
    String resume;

    @Option(
            names = "--resume-force",
            description = "Resume even from a checkpoint written for other settings or other data.")
    boolean force;

    /** The checkpoints of this fit, or null without {@code --checkpoint-dir} and {@code --resume}. */
    FitCheckpoints open(FitProblem problem, FitOptions options, String settings, String data, Configuration conf) {
        if (dir == null) {
            if (resume != null && !resume.equals("auto")) {
                // resuming from a file without writing new checkpoints: the file's own directory
                return open(problem, options, settings, data, conf, parent(resume));
            }
            if (resume != null) {
                throw CliException.config("--resume auto needs --checkpoint-dir");
            }
            return null;
        }
        return open(problem, options, settings, data, conf, dir);
    }

    private FitCheckpoints open(
            FitProblem problem, FitOptions options, String settings, String data, Configuration conf, String where) {
        if (every < 1) {
            throw CliException.config("--checkpoint-every: expected 1 or more, got " + every);
        }
        if (keep < 1) {
            throw CliException.config("--keep-checkpoints: expected 1 or more, got " + keep);
        }
        CheckpointManager manager;
        try {
            manager = new CheckpointManager(
                    where, conf, CheckpointManager.Options.defaults().withKeepLastN(keep));
        } catch (IOException e) {
            throw CliException.config("--checkpoint-dir: cannot use " + where + ": " + e.getMessage());
        }
        FitCheckpoints.ResumeMode mode = resume == null
                ? FitCheckpoints.ResumeMode.NONE
                : resume.equals("auto") ? FitCheckpoints.ResumeMode.AUTO : FitCheckpoints.ResumeMode.PATH;
        return new FitCheckpoints(
                manager,
                every,
                problem.model().parameterNames(),
                configHash(problem, options, settings),
                fingerprint(data, conf),
                Version.current(),
                mode,
                resume,
                force);
    }

    private static String parent(String file) {
        int slash = file.lastIndexOf('/');
        return slash <= 0 ? "." : file.substring(0, slash);
    }

    /**
     * SHA-256 of what decides the steps of a fit: the model, the start, the bounds, the loss, the
     * options (method, tolerances, limits, scaling, polish, fault tolerance) and {@code settings}
     * (the input columns, partitions, strategy and bad-record policy, as the command words them).
     * Left out on purpose: the output, progress and master (a fit gives the same bits on any
     * master), and the checkpoint options themselves.
     */
    static String configHash(FitProblem problem, FitOptions o, String settings) {
        int p = problem.parameterCount();
        StringBuilder b = new StringBuilder();
        b.append("model=").append(problem.model().describe()).append('\n');
        b.append("names=").append(problem.model().parameterNames()).append('\n');
        b.append("start=").append(Arrays.toString(problem.start())).append('\n');
        for (int i = 0; i < p; i++) {
            b.append("bounds=")
                    .append(problem.lower(i))
                    .append(':')
                    .append(problem.upper(i))
                    .append('\n');
        }
        b.append("loss=")
                .append(problem.loss().scipyName())
                .append(' ')
                .append(problem.fScale())
                .append(' ');
        b.append(problem.absoluteSigma()).append('\n');
        b.append(String.format(
                Locale.ROOT,
                "method=%s ftol=%s xtol=%s gtol=%s maxit=%d maxev=%d xscale=%s polish=%d ft=%s%n",
                o.method(),
                o.ftol(),
                o.xtol(),
                o.gtol(),
                o.maxIterations(),
                o.maxEvaluations(),
                Arrays.toString(o.xScale()),
                o.polishPasses(),
                o.faultTolerance()));
        b.append(settings);
        return sha256(b.toString());
    }

    /**
     * The data's identity: the location with the size and modification time of every file under
     * it (local), or its total length, file count and modification time (Hadoop file systems).
     */
    static String fingerprint(String data, Configuration conf) {
        Location where = Location.of(data);
        StringBuilder b = new StringBuilder(data).append('\n');
        try {
            if (where.local()) {
                Path root = where.localPath();
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        b.append(root.relativize(f))
                                .append(' ')
                                .append(Files.size(f))
                                .append(' ');
                        b.append(Files.getLastModifiedTime(f).toMillis()).append('\n');
                    }
                }
            } else {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(data);
                FileSystem fs = p.getFileSystem(conf);
                ContentSummary cs = fs.getContentSummary(p);
                b.append(cs.getLength()).append(' ').append(cs.getFileCount()).append(' ');
                b.append(fs.getFileStatus(p).getModificationTime()).append('\n');
            }
        } catch (IOException e) {
            throw CliException.config("--checkpoint-dir: cannot fingerprint the data " + data + ": " + e.getMessage());
        }
        return sha256(b.toString());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
    /** On SIGTERM (a JVM shutdown), the newest snapshot is saved before the JVM goes. */
    static Thread saveOnTerm(FitCheckpoints checkpoints) {
        if (checkpoints == null) {
            return null;
        }
        Thread t = new Thread(checkpoints::saveLatest, "spark-nlsq-checkpoint-on-exit");
        Runtime.getRuntime().addShutdownHook(t);
        return t;
    }

    static void removeHook(Thread t) {
        if (t == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(t);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already going down: the hook runs
        }
    }
}

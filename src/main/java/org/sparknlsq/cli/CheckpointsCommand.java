package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.sparknlsq.checkpoint.CheckpointManager;
import org.sparknlsq.checkpoint.CheckpointState;
import org.sparknlsq.io.Location;
import org.sparknlsq.robust.CheckpointException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code checkpoints list DIR}, {@code checkpoints show FILE} and {@code checkpoints validate
 * FILE|DIR}: what a checkpoint directory holds, and whether a file would be used by {@code fit
 * --resume}. {@code validate} exits with {@link ExitCode#CHECKPOINT_ERROR} and the reason when a
 * file is not a valid checkpoint (for a directory: when any is not).
 */
@Command(
        name = "checkpoints",
        mixinStandardHelpOptions = true,
        versionProvider = VersionText.class,
        description = "List, show or validate fit checkpoints (local path, file://, hdfs://, s3a://).",
        subcommands = {
            CheckpointsCommand.ListCommand.class,
            CheckpointsCommand.ShowCommand.class,
            CheckpointsCommand.ValidateCommand.class
        })
final class CheckpointsCommand {

    static Configuration conf(String uri) {
        return Location.of(uri).local() ? null : new Configuration();
    }

    /** A reader of an existing directory: a missing one is a checkpoint error (exit 5), not an empty list. */
    static CheckpointManager existing(String dir) {
        boolean exists;
        try {
            exists = isDirectory(dir);
        } catch (IOException e) {
            exists = false;
        }
        if (!exists) {
            throw new CheckpointException(dir + ": no such checkpoint directory", java.util.Map.of(), null);
        }
        return manager(dir);
    }

    static CheckpointManager manager(String dir) {
        try {
            return CheckpointManager.forReading(dir, conf(dir));
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot be opened (" + e.getMessage() + ")", java.util.Map.of(), e);
        }
    }

    static String parent(String file) {
        int slash = file.lastIndexOf('/');
        return slash <= 0 ? "." : file.substring(0, slash);
    }

    static boolean isDirectory(String uri) throws IOException {
        Location where = Location.of(uri);
        if (where.local()) {
            return java.nio.file.Files.isDirectory(where.localPath());
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(conf(uri));
        return fs.exists(p) && fs.getFileStatus(p).isDirectory();
    }

    static String line(CheckpointManager.Entry e) {
        if (!e.valid()) {
            return e.name() + "  INVALID: " + e.problem();
        }
        CheckpointState s = e.state();
        return String.format(
                java.util.Locale.ROOT,
                "%s  v%s  %s  iteration %d  epoch %d  best cost %.12g  %s",
                e.name(),
                s.version(),
                s.snapshot().phase(),
                s.snapshot().iteration(),
                s.snapshot().epoch(),
                s.snapshot().bestCost(),
                java.time.Instant.ofEpochMilli(s.timestampMillis()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The checkpoints in DIR, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR")
        String dir;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            List<CheckpointManager.Entry> all = existing(dir).list();
            for (CheckpointManager.Entry e : all) {
                out.println(line(e));
            }
            if (all.isEmpty()) {
                out.println("no checkpoints in " + dir);
            }
            out.flush();
            return ExitCode.SUCCESS.code();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Everything a checkpoint file holds.")
    static final class ShowCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            CheckpointState s = manager(parent(file)).load(file);
            PrintWriter out = spec.commandLine().getOut();
            out.print(s.toContent());
            out.flush();
            return ExitCode.SUCCESS.code();
        }
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = "Check a checkpoint file, or every one in a directory (exit 5 and the reason if invalid).")
    static final class ValidateCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE|DIR")
        String target;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (!isDirectory(target)) {
                CheckpointState s = manager(parent(target)).load(target);
                out.println(target + ": valid (v" + s.version() + ", "
                        + s.snapshot().phase() + ", iteration " + s.snapshot().iteration() + ")");
                out.flush();
                return ExitCode.SUCCESS.code();
            }
            List<CheckpointManager.Entry> all = manager(target).list();
            if (all.isEmpty()) {
                throw new CheckpointException(target + ": no checkpoints to validate", java.util.Map.of(), null);
            }
            String firstBad = null;
            for (CheckpointManager.Entry e : all) {
                out.println(line(e));
                firstBad = firstBad == null && !e.valid() ? e.problem() : firstBad;
            }
            out.flush();
            if (firstBad != null) {
                throw new CheckpointException(firstBad, java.util.Map.of(), null);
            }
            return ExitCode.SUCCESS.code();
        }
    }
}

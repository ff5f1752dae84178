package org.sparknlsq.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sparknlsq.fit.Predictions;
import org.sparknlsq.io.Location;

/** Where {@code fit} writes (result, report, checkpoints), checked before any work. */
final class Destinations {
    private Destinations() {}

    /**
     * An output (the result, the report's files, the checkpoint directory) that is, holds or lies
     * inside an input (the data, the config, a checkpoint resumed from) is refused: paths are
     * compared after resolving symlinks and {@code ..}, URIs by their normalized paths.
     */
    static void refuseInputs(List<String> inputs, String checkpointDir, String output, String report) {
        String[][] outputs = {
            {"--checkpoint-dir", checkpointDir},
            {"--output", output},
            {
                "--report",
                report == null ? null : Path.of(report, "fit-report.png").toString()
            },
            {
                "--report",
                report == null ? null : Path.of(report, "fit-report.html").toString()
            }
        };
        for (String[] o : outputs) {
            for (String in : inputs) {
                if (o[1] != null && Predictions.overlaps(o[1], in)) {
                    throw CliException.config(o[0] + ": " + o[1] + " is, holds or lies inside an input (" + in
                            + "); an output never replaces an input");
                }
            }
        }
    }

    /**
     * In cluster deploy mode ({@code spark.submit.deployMode=cluster}) the driver runs on a node
     * of the cluster, in a directory of its own: a relative path would be read from, or written
     * to, that node. Each of {@code named} ({option, value} pairs) must be absolute or a URI.
     */
    static void requireSharedInClusterMode(String[]... named) {
        if (!"cluster".equals(System.getProperty("spark.submit.deployMode"))) {
            return;
        }
        for (String[] o : named) {
            if (o[1] != null && !o[1].contains("://") && !Path.of(o[1]).isAbsolute()) {
                throw CliException.config(o[0] + ": '" + o[1] + "' is relative, and in cluster deploy mode the driver"
                        + " runs on a cluster node; give an absolute path on a shared filesystem or a URI (hdfs://,"
                        + " s3a://)");
            }
        }
    }

    /**
     * Fails before the fit, not after it, when a local result could not be written. A URI is
     * checked when it is written: asking a remote store first would cost a round trip and prove
     * little.
     */
    static void checkOutput(Location output) {
        if (output == null || !output.local()) {
            return;
        }
        Path target = output.localPath().toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw CliException.config("--output: " + output + " is a directory");
        }
        if (dir == null) {
            throw CliException.config("--output: " + output + " has no directory");
        }
        writableDirectory("--output", dir);
    }

    /** The report's directory is made and checked before the fit, not after it. */
    static void checkReportDirectory(String report) {
        if (report != null) {
            writableDirectory("--report", Path.of(report).toAbsolutePath());
        }
    }

    /** Makes the directory if missing (as on HDFS and S3) and checks that it is writable. */
    private static void writableDirectory(String option, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CliException.config(option + ": cannot create directory " + dir + " (" + FitCommand.reason(e) + ")");
        }
        if (!Files.isWritable(dir)) {
            throw CliException.config(option + ": directory " + dir + " is not writable");
        }
    }
}

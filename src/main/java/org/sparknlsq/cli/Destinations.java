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
     * Where the command writes: an output that is, holds or lies inside an input (the data, the
     * config, a checkpoint resumed from) is refused, and so are two outputs of which one is, holds
     * or lies inside the other (the result inside the report directory, the status file on the
     * result, a result among the checkpoints). Paths are compared after resolving symlinks and
     * {@code ..}, URIs by their normalized paths.
     *
     * @param report the report directory (its files, fit-report.png and .html, are compared too)
     */
    static void refuseOverlaps(
            List<String> inputs, String checkpointDir, String output, String report, String statusFile) {
        String[][] outputs = {
            {"--checkpoint-dir", checkpointDir},
            {"--output", output},
            {StatusFile.OPTION, statusFile},
            {"--report", report},
            {
                "--report",
                report == null ? null : Path.of(report, "fit-report.png").toString()
            },
            {
                "--report",
                report == null ? null : Path.of(report, "fit-report.html").toString()
            }
        };
        for (int i = 0; i < outputs.length; i++) {
            String[] o = outputs[i];
            if (o[1] == null) {
                continue;
            }
            for (String in : inputs) {
                if (Predictions.overlaps(o[1], in)) {
                    throw CliException.config(o[0] + ": " + o[1] + " is, holds or lies inside an input (" + in
                            + "); an output never replaces an input");
                }
            }
            for (int j = i + 1; j < outputs.length; j++) {
                String[] other = outputs[j];
                if (other[1] != null && !o[0].equals(other[0]) && Predictions.overlaps(o[1], other[1])) {
                    throw CliException.config(o[0] + " " + o[1] + " and " + other[0] + " " + other[1]
                            + " are, hold or lie inside each other; give each output its own place");
                }
            }
        }
    }

    /**
     * An existing local destination must be a regular file: an output is written beside it and
     * renamed into place, which would replace a FIFO, a device or the link {@code /dev/stdout}
     * with a plain file. Checked through symlinks.
     */
    static void requireRegularFile(String option, String where) {
        if (where == null || !Location.of(where).local()) {
            return;
        }
        Path p = Location.of(where).localPath();
        if (Files.exists(p) && !Files.isRegularFile(p)) {
            throw CliException.config(option + ": " + where + " exists and is not a regular file ("
                    + (Files.isDirectory(p) ? "a directory" : "a device, FIFO or socket")
                    + "); give the path of a file to write");
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
        requireRegularFile("--output", output.toString());
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

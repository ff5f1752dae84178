package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.sparknlsq.io.Location;

/**
 * {@code --status-file PATH|URI}: the command's exit code as a one-line JSON document, {@code
 * {"exit_code": N}}, written atomically when the command ends, whatever ended it (a usage error,
 * a bad config, a failed or a successful fit). A scheduler that cannot see the driver's own exit
 * code, as with spark-submit in cluster deploy mode, reads it there ({@code jobs/submit.sh} does).
 * It is read from the command line after {@code --config} and {@code --set} are expanded, so
 * that even a usage error is reported; a status that cannot be written is a warning.
 */
final class StatusFile {
    static final String OPTION = "--status-file";

    private StatusFile() {}

    /** The value of the last {@code --status-file} before {@code --}, or null. */
    static String find(String[] args) {
        String found = null;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                found = args[i + 1];
            } else if (args[i].startsWith(OPTION + "=")) {
                found = args[i].substring(OPTION.length() + 1);
            }
        }
        return found;
    }

    /** What this class writes; an existing file of any other content is never replaced. */
    private static final Pattern DOCUMENT = Pattern.compile("\\{\"exit_code\": -?\\d{1,10}\\}\\s*");

    private static final int MAX_DOCUMENT_BYTES = 64;

    /**
     * Writes the status, unless {@code where} already holds something other than a status
     * document (the data, the config, a result: a status file given the wrong path), which is
     * left as it is with a warning, whatever ended the command.
     */
    static void write(String where, int code, PrintWriter err) {
        try {
            Location target = Location.of(where);
            // spark.hadoop.* settings (an S3 endpoint, say) come as system properties under spark-submit
            Configuration conf = target.local()
                    ? null
                    : org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(new org.apache.spark.SparkConf());
            String held = existing(where, conf);
            if (held != null && !DOCUMENT.matcher(held).matches()) {
                err.println(Main.WARNING_PREFIX + OPTION + ": " + where + " exists and is not a status file; it is"
                        + " left as it is, and the exit code (" + code + ") is not written");
                return;
            }
            target.write(conf, out -> out.write(("{\"exit_code\": " + code + "}\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            err.println(Main.WARNING_PREFIX + OPTION + ": cannot write " + where + ": " + e.getMessage());
        }
    }

    /**
     * The start of what {@code where} holds, or null when nothing is there; "" stands for
     * anything that cannot be a status document (not a regular file, or too long).
     */
    private static String existing(String where, Configuration conf) throws IOException {
        Location target = Location.of(where);
        if (target.local()) {
            java.nio.file.Path p = target.localPath();
            if (!Files.exists(p)) {
                return Files.isSymbolicLink(p) ? "" : null;
            }
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_DOCUMENT_BYTES) {
                return "";
            }
            return Files.readString(p, StandardCharsets.UTF_8);
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(where);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            return null;
        }
        FileStatus st = fs.getFileStatus(p);
        if (!st.isFile() || st.getLen() > MAX_DOCUMENT_BYTES) {
            return "";
        }
        try (var in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

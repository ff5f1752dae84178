package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
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

    static void write(String where, int code, PrintWriter err) {
        try {
            Location target = Location.of(where);
            // spark.hadoop.* settings (an S3 endpoint, say) come as system properties under spark-submit
            Configuration conf = target.local()
                    ? null
                    : org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(new org.apache.spark.SparkConf());
            target.write(conf, out -> out.write(("{\"exit_code\": " + code + "}\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            err.println(Main.WARNING_PREFIX + OPTION + ": cannot write " + where + ": " + e.getMessage());
        }
    }
}

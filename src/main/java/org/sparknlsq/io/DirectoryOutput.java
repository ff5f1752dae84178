package org.sparknlsq.io;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A directory output (Spark's part files) written through a hidden temporary sibling, {@code
 * .NAME.tmp-UUID}, and renamed into place: a crash, a kill or a failed write never leaves a
 * half-written output under the final name, and the sibling is removed whatever happens (a
 * killed JVM leaves only the hidden sibling). Works on any Hadoop file system.
 */
public final class DirectoryOutput {
    private DirectoryOutput() {}

    /** Writes the output into the directory it is given (a path or URI that does not exist). */
    @FunctionalInterface
    public interface Writer {
        void writeTo(String directory) throws IOException;
    }

    /**
     * @param replace whether an existing {@code target} is deleted just before the rename (the
     *     caller has decided it may be)
     */
    public static void write(FileSystem fs, Path target, boolean replace, Writer writer) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            writer.writeTo(tmp.toString());
            if (replace && fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("cannot remove the old " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } finally {
            try {
                fs.delete(tmp, true);
            } catch (IOException ignored) {
                // a leftover hidden sibling is harmless; the error that matters is already on its way
            }
        }
    }
}

package org.sparknlsq.io;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;

/**
 * A local path, or a URI on any Hadoop file system (hdfs://, s3a://, ...): where data come from
 * and results go.
 * Every write is atomic, so a reader, or a rerun after a crash, sees the old file or the whole new
 * one, never a part:
 *
 * <ul>
 *   <li>local paths and {@code file:} URIs: {@link AtomicFile} (temp file, fsync, rename);
 *   <li>object stores ({@code s3a}, {@code gs}, {@code abfs}, ...): one stream to the final name;
 *       the object appears only when the upload completes at {@code close()}, and a rename there
 *       would be a copy;
 *   <li>other file systems (HDFS): a temporary name in the same directory, then {@code
 *       FileContext.rename(..., OVERWRITE)}, which HDFS performs atomically.
 * </ul>
 */
public final class Location {
    private final String text;
    private final URI uri;

    private Location(String text, URI uri) {
        this.text = text;
        this.uri = uri;
    }

    /** Parses a path or URI: a scheme of two or more characters before a colon makes a URI. */
    public static Location of(String text) {
        String t = text.strip();
        if (t.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
            try {
                URI u = new URI(t);
                if (!u.getScheme().equalsIgnoreCase("file")) {
                    return new Location(t, u);
                }
                return new Location(t, null);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a valid URI: " + t + " (" + e.getReason() + ")");
            }
        }
        return new Location(t, null);
    }

    /** True for a local path or {@code file:} URI. */
    public boolean local() {
        return uri == null;
    }

    /** The local path (only when {@link #local()}). */
    public Path localPath() {
        if (text.regionMatches(true, 0, "file:", 0, 5)) {
            return Path.of(URI.create(text));
        }
        return Path.of(text);
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * Writes the content atomically (see the class comment). Missing parent directories are made,
     * on local disk as on HDFS and S3 (a date-keyed output, say).
     *
     * @param conf the Hadoop configuration; not used (may be null) for a local path
     */
    public void write(Configuration conf, AtomicFile.Body body) throws IOException {
        if (local()) {
            java.nio.file.Path parent = localPath().toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            AtomicFile.write(localPath(), body);
            return;
        }
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = target.getFileSystem(conf);
        if (objectStore(uri.getScheme())) {
            writeAndClose(fs.create(target, true), body, false);
            return;
        }
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(
                target.getParent(),
                "." + target.getName() + ".tmp-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            writeAndClose(fs.create(tmp, false), body, true);
            FileContext.getFileContext(fs.getUri(), conf).rename(tmp, target, Options.Rename.OVERWRITE);
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException alsoDown) {
                e.addSuppressed(alsoDown);
            }
            throw e;
        }
    }

    /**
     * Writes the body and closes the stream; a failure is thrown with its own cause. (An HDFS
     * stream's close() throws the very exception the write met, and try-with-resources then fails
     * with "Self-suppression not permitted", which hides the reason.)
     */
    private static void writeAndClose(FSDataOutputStream out, AtomicFile.Body body, boolean sync) throws IOException {
        try {
            body.writeTo(out);
            if (sync) {
                out.hsync();
            }
        } catch (IOException | RuntimeException e) {
            try {
                out.close();
            } catch (IOException closing) {
                if (closing != e) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        out.close();
    }

    private static boolean objectStore(String scheme) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "cos", "cosn" -> true;
            default -> false;
        };
    }
}

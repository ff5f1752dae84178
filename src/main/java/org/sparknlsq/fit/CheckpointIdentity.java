package org.sparknlsq.fit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.sparknlsq.io.Location;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.problem.FitProblem;

/**
 * What makes a checkpoint belong to a fit: a hash of the settings that decide its steps, and a
 * fingerprint of its data. A resume is refused when either differs (unless forced).
 */
final class CheckpointIdentity {
    private CheckpointIdentity() {}

    /**
     * SHA-256 of what decides the steps of a fit: the model (with any fixed values), the start, the
     * bounds, the loss, the optimizer options and {@code settings} (the input columns, partitions,
     * strategy and bad-record policy). Left out on purpose: the output, progress and master (a fit
     * gives the same bits on any master), and the checkpoint settings themselves.
     */
    static String configHash(FitProblem problem, FitOptions o, String settings) {
        StringBuilder b = new StringBuilder();
        b.append("model=").append(problem.model().describe()).append('\n');
        b.append("names=").append(problem.model().parameterNames()).append('\n');
        b.append("start=").append(Arrays.toString(problem.start())).append('\n');
        for (int i = 0; i < problem.parameterCount(); i++) {
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

    /** The input settings that decide a fit's steps, for {@link #configHash}. */
    static String settings(FitRequest r, String format, int partitionsUsed) {
        return String.format(
                Locale.ROOT,
                "x=%s y=%s sigma=%s policy=%s format=%s partitions=%d/%d strategy=%s batch=%d epochs=%d lambda=%s%n",
                r.xColumns(),
                r.yColumn(),
                r.sigmaColumn(),
                r.badRecords(),
                format,
                r.partitions(),
                partitionsUsed,
                r.strategy(),
                r.batchPoints(),
                r.streaming().maxEpochs(),
                r.streaming().forgettingFactor());
    }

    /**
     * A file's identity without reading it: the location with the size and modification time of
     * every file under it (local), or its total length, file count and modification time (Hadoop
     * file systems).
     */
    static String fileFingerprint(String data, Configuration conf) {
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
            throw new InvalidSettingsException(
                    "checkpointDir", "cannot fingerprint the data " + data + ": " + e.getMessage());
        }
        return sha256(b.toString());
    }

    /** The content's identity, for data that have no file: see {@link #contentHash}. */
    static String contentFingerprint(List<DataBlock> blocks) {
        long h = 0;
        long n = 0;
        for (DataBlock b : blocks) {
            h += contentHash(b);
            n += b.size();
        }
        return sha256("content " + n + " " + Long.toHexString(h));
    }

    /** As {@link #contentFingerprint(List)}, one Spark job over the cached blocks. */
    static String contentFingerprint(JavaRDD<DataBlock> blocks) {
        // one job: every block's {hash, size}, summed on the driver
        long h = 0;
        long n = 0;
        for (long[] part :
                blocks.map(b -> new long[] {contentHash(b), b.size()}).collect()) {
            h += part[0];
            n += part[1];
        }
        return sha256("content " + n + " " + Long.toHexString(h));
    }

    /**
     * The sum over a block's points of a 64-bit mix of the point's global index and the bits of
     * its values. A sum of per-point terms is independent of how the points are cut into blocks
     * and of the order the blocks are added in, and exact (integer arithmetic), yet any changed,
     * moved, added or removed value changes it with overwhelming probability. The mix is
     * SplitMix64's finalizer (Steele, Lea and Flood 2014).
     */
    static long contentHash(DataBlock b) {
        int k = b.variables();
        long h = 0;
        for (int i = 0; i < b.size(); i++) {
            long t = mix(b.firstIndex() + i);
            for (int j = 0; j < k; j++) {
                t = mix(t ^ Double.doubleToLongBits(b.x()[i * k + j]));
            }
            t = mix(t ^ Double.doubleToLongBits(b.y()[i]));
            if (b.sigma() != null) {
                t = mix(t ^ Double.doubleToLongBits(b.sigma()[i]));
            }
            h += t;
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}

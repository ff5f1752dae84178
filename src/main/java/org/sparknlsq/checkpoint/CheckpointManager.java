package org.sparknlsq.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.sparknlsq.io.Location;
import org.sparknlsq.robust.CheckpointException;
import org.sparknlsq.robust.FitMetrics;

/**
 * Checkpoints of one fit in one directory, on local disk or any Hadoop file system (hdfs://,
 * s3a://): numbered files {@code checkpoint-<fit id>-000001.h5}, ... (or {@code
 * checkpoint-000001.h5} for an unscoped manager) written atomically through {@link Location} (temp
 * file and rename; a single PUT on object stores), so a reader never sees half a checkpoint. A
 * scoped manager ({@link #scoped}) numbers, prunes and resumes only its own fit's files, so
 * several fits can share one directory.
 *
 * <p><b>A storage outage never fails the fit.</b> {@link #save} retries a failed write with
 * exponential backoff ({@code attempts}, starting at {@code backoffMillis}); after {@code
 * breakerThreshold} saves in a row have failed, the circuit breaker opens and saves are skipped
 * for {@code cooldownMillis}, then one is tried again (half open). Failed and skipped saves are
 * counted in {@link #diagnostics()}.
 *
 * <p>{@link #findLatest} returns the newest checkpoint that validates (digest, version, required
 * entries); invalid ones are skipped and reported. After each successful save all but the newest
 * {@code keepLastN} are deleted; leftover temporary files of an interrupted write are deleted when
 * the manager opens the directory.
 */
public final class CheckpointManager {
    /** {@code checkpoint-NNNNNN.h5} (unscoped) or {@code checkpoint-<fit id>-NNNNNN.h5}. */
    private static final Pattern NAME = Pattern.compile("checkpoint-(?:([0-9a-f]{12})-)?(\\d{6,})\\.h5");

    /**
     * @param keepLastN checkpoints kept after a save (the seed's default 3)
     * @param attempts writes tried per save before it counts as failed
     * @param backoffMillis wait before the second attempt, doubled before each later one
     * @param breakerThreshold failed saves in a row that open the circuit breaker
     * @param cooldownMillis how long an open breaker skips saves
     */
    public record Options(int keepLastN, int attempts, long backoffMillis, int breakerThreshold, long cooldownMillis) {
        public static Options defaults() {
            return new Options(3, 3, 100, 3, 30_000);
        }

        public Options withKeepLastN(int n) {
            return new Options(n, attempts, backoffMillis, breakerThreshold, cooldownMillis);
        }
    }

    /** One file in the directory and whether it validates. */
    public record Entry(String name, String uri, int sequence, boolean valid, String problem, CheckpointState state) {}

    private static final org.apache.logging.log4j.Logger LOG =
            org.apache.logging.log4j.LogManager.getLogger(CheckpointManager.class);

    private final String dir;
    private final Configuration conf;
    private final Options options;
    private int nextSequence;
    private Supplier<String> scopeSource;
    private String scope;
    private int failedInARow;
    private long breakerOpenUntil;
    private final List<String> errors = new ArrayList<>();
    private long saves;
    private long failedSaves;
    private long skippedSaves;
    private long saveNanos;
    private String lastSaved;
    /** Runs half way through writing a file's bytes: the seam fault-injection tests use. */
    private volatile Runnable midWrite;

    /**
     * Opens (and, on local disk, creates) the directory and removes temporary files left by an
     * interrupted write.
     *
     * @param conf the Hadoop configuration for a remote directory; may be null for a local one
     */
    public CheckpointManager(String dir, Configuration conf, Options options) throws IOException {
        this(dir, conf, options, true);
    }

    private CheckpointManager(String dir, Configuration conf, Options options, boolean forWriting) throws IOException {
        this.dir = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        this.conf = conf;
        this.options = options;
        Location where = Location.of(this.dir);
        if (forWriting && where.local()) {
            Files.createDirectories(where.localPath());
        }
        for (String name : names()) {
            if (forWriting && !NAME.matcher(name).matches() && name.startsWith(".checkpoint-")) {
                delete(name);
            }
        }
    }

    /**
     * Scopes this manager to one fit: its files are named {@code checkpoint-<id>-NNNNNN.h5}, and
     * numbering, pruning and {@link #findLatest} see only them, so several fits share a directory
     * without deleting or resuming each other's checkpoints. The id is asked for on first use
     * (a fit's identity may need its data loaded); 12 lower-case hex digits.
     *
     * @return this
     */
    public CheckpointManager scoped(Supplier<String> id) {
        scopeSource = id;
        return this;
    }

    /** The scope's id, or null for an unscoped manager. */
    private String scope() {
        if (scope == null && scopeSource != null) {
            scope = scopeSource.get();
            if (!scope.matches("[0-9a-f]{12}")) {
                throw new IllegalArgumentException("a checkpoint scope is 12 lower-case hex digits, got " + scope);
            }
        }
        return scope;
    }

    /** True when {@code name} is a checkpoint of this manager's scope. */
    private boolean own(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() && java.util.Objects.equals(m.group(1), scope());
    }

    /** A manager that only reads: it creates nothing and deletes nothing (for listings). */
    public static CheckpointManager forReading(String dir, Configuration conf) throws IOException {
        return new CheckpointManager(dir, conf, Options.defaults(), false);
    }

    public String directory() {
        return dir;
    }

    /**
     * Saves {@code state} as the next checkpoint. Never throws for a storage failure: retries,
     * then gives up for this save (see the class comment).
     *
     * @return the name written, or empty if the save failed or was skipped
     */
    public Optional<String> save(CheckpointState state) {
        long now = System.currentTimeMillis();
        if (failedInARow >= options.breakerThreshold() && now < breakerOpenUntil) {
            skippedSaves++;
            return Optional.empty();
        }
        long t0 = System.nanoTime();
        byte[] bytes;
        try {
            bytes = encode(state);
        } catch (IOException e) {
            return failed("encoding: " + e.getMessage());
        }
        if (nextSequence == 0) {
            try {
                nextSequence = names().stream()
                                .filter(this::own)
                                .mapToInt(CheckpointManager::sequence)
                                .max()
                                .orElse(0)
                        + 1;
            } catch (IOException e) {
                return failed("listing " + dir + ": " + e.getMessage());
            }
        }
        String name = scope() == null
                ? String.format(java.util.Locale.ROOT, "checkpoint-%06d.h5", nextSequence)
                : String.format(java.util.Locale.ROOT, "checkpoint-%s-%06d.h5", scope(), nextSequence);
        IOException last = null;
        for (int attempt = 1; attempt <= options.attempts(); attempt++) {
            try {
                Location.of(dir + "/" + name).write(conf, out -> {
                    int half = bytes.length / 2;
                    out.write(bytes, 0, half);
                    Runnable hook = midWrite;
                    if (hook != null) {
                        hook.run();
                    }
                    out.write(bytes, half, bytes.length - half);
                });
                nextSequence++;
                failedInARow = 0;
                saves++;
                saveNanos += System.nanoTime() - t0;
                FitMetrics.checkpointSaved((System.nanoTime() - t0) / 1e9);
                lastSaved = name;
                cleanup();
                return Optional.of(name);
            } catch (IOException | RuntimeException e) {
                last = e instanceof IOException io ? io : new IOException(e);
                if (attempt < options.attempts()) {
                    sleep(options.backoffMillis() << (attempt - 1));
                }
            }
        }
        return failed(name + ": " + last.getMessage());
    }

    private Optional<String> failed(String why) {
        if (failedSaves == 0) {
            // once per manager: later failures are counted in the diagnostics
            LOG.warn(
                    "checkpoint save to {} failed ({}); the fit goes on, and further failures are counted in"
                            + " checkpoint_info",
                    dir,
                    why.lines().findFirst().orElse(why));
        }
        failedSaves++;
        FitMetrics.checkpointFailed();
        failedInARow++;
        if (errors.size() < 10) {
            errors.add(why.lines().findFirst().orElse(why));
        }
        if (failedInARow >= options.breakerThreshold()) {
            breakerOpenUntil = System.currentTimeMillis() + options.cooldownMillis();
        }
        return Optional.empty();
    }

    /** The file bytes of {@code state}: HDF5 through a local temporary file, with the digest. */
    public static byte[] encode(CheckpointState state) throws IOException {
        CheckpointContent c = state.toContent();
        c.attribute(CheckpointContent.DIGEST_ATTRIBUTE, c.sha256());
        Path tmp = Files.createTempFile("spark-nlsq-checkpoint", ".h5");
        try {
            Hdf5Checkpoint.write(c, tmp);
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads and validates a checkpoint file.
     *
     * @param where names the file in messages
     * @throws CheckpointException with the reason it is not a valid checkpoint
     */
    public static CheckpointState decode(byte[] bytes, String where) {
        CheckpointContent c = Hdf5Checkpoint.read(bytes, where);
        Object stored = c.attributes().get(CheckpointContent.DIGEST_ATTRIBUTE);
        if (!(stored instanceof String s)) {
            throw new CheckpointException(where + ": no sha256 attribute", Map.of("file", where), null);
        }
        String actual = c.sha256();
        if (!actual.equals(s)) {
            throw new CheckpointException(
                    where + ": the SHA-256 of the content does not match the stored one (corrupt or modified)",
                    Map.of("file", where),
                    null);
        }
        return CheckpointState.fromContent(c, where);
    }

    /** Loads one checkpoint by name in this directory (or by a full path/URI). */
    public CheckpointState load(String nameOrUri) {
        String uri = nameOrUri.contains("/") ? nameOrUri : dir + "/" + nameOrUri;
        byte[] bytes;
        try {
            bytes = read(uri);
        } catch (IOException e) {
            throw new CheckpointException(uri + ": cannot be read (" + e.getMessage() + ")", Map.of("file", uri), e);
        }
        return decode(bytes, uri);
    }

    /**
     * Every checkpoint file in the directory, of every fit, each validated: grouped by fit, newest
     * first within a fit.
     */
    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        List<String> names = new ArrayList<>(names());
        names.removeIf(n -> !NAME.matcher(n).matches());
        names.sort(Comparator.comparing(CheckpointManager::fitId)
                .thenComparing(
                        Comparator.comparingInt(CheckpointManager::sequence).reversed()));
        for (String n : names) {
            String uri = dir + "/" + n;
            try {
                out.add(new Entry(n, uri, sequence(n), true, null, load(uri)));
            } catch (CheckpointException e) {
                out.add(new Entry(n, uri, sequence(n), false, e.getMessage(), null));
            }
        }
        return out;
    }

    /**
     * The newest checkpoint that validates; the invalid ones met on the way are added to {@code
     * skipped} with their reasons.
     */
    public Optional<Entry> findLatest(List<Entry> skipped) throws IOException {
        for (Entry e : list()) {
            if (!own(e.name())) {
                continue;
            }
            if (e.valid()) {
                return Optional.of(e);
            }
            skipped.add(e);
        }
        return Optional.empty();
    }

    /**
     * The newest valid checkpoint of any fit in the directory, by the time it was written (for a
     * forced resume); invalid ones are added to {@code skipped}.
     */
    public Optional<Entry> findLatestOfAnyFit(List<Entry> skipped) throws IOException {
        Entry best = null;
        for (Entry e : list()) {
            if (!e.valid()) {
                skipped.add(e);
            } else if (best == null
                    || e.state().timestampMillis() > best.state().timestampMillis()) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    private void cleanup() {
        try {
            List<String> names = new ArrayList<>(names());
            names.removeIf(n -> !own(n));
            names.sort(Comparator.comparingInt(CheckpointManager::sequence).reversed());
            for (int i = options.keepLastN(); i < names.size(); i++) {
                delete(names.get(i));
            }
        } catch (IOException e) {
            // a cleanup that fails leaves old files; the next one tries again
            if (errors.size() < 10) {
                errors.add("cleanup: " + e.getMessage());
            }
        }
    }

    /** Sets the code run half way through each file write (fault-injection tests only). */
    void midWriteForTests(Runnable hook) {
        midWrite = hook;
    }

    /** What the manager did: saves, failures, skips, time, last file, breaker state. */
    public Map<String, Object> diagnostics() {
        return info(0, null, null, List.of()).toJsonObject();
    }

    /**
     * What the manager did, with what only the fit knows: how often it saves and where it
     * resumed from.
     */
    CheckpointInfo info(int every, String resumedFrom, Integer resumedAtIteration, List<String> skippedInvalid) {
        return new CheckpointInfo(
                dir,
                every,
                saves,
                failedSaves,
                skippedSaves,
                saves == 0 ? 0.0 : saveNanos / 1e9 / saves,
                lastSaved,
                failedInARow >= options.breakerThreshold(),
                List.copyOf(errors),
                resumedFrom,
                resumedAtIteration,
                skippedInvalid);
    }

    private static int sequence(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** The fit id in a checkpoint's name, or "" for an unscoped one. */
    private static String fitId(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() && m.group(1) != null ? m.group(1) : "";
    }

    private List<String> names() throws IOException {
        Location where = Location.of(dir);
        if (where.local()) {
            if (!Files.isDirectory(where.localPath())) {
                return List.of();
            }
            try (Stream<Path> s = Files.list(where.localPath())) {
                return s.map(p -> p.getFileName().toString()).toList();
            }
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(p)) {
            out.add(st.getPath().getName());
        }
        return out;
    }

    private byte[] read(String uri) throws IOException {
        Location where = Location.of(uri);
        if (where.local()) {
            return Files.readAllBytes(where.localPath());
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            return in.readAllBytes();
        }
    }

    private void delete(String name) throws IOException {
        Location where = Location.of(dir + "/" + name);
        if (where.local()) {
            Files.deleteIfExists(where.localPath());
            return;
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir + "/" + name);
        p.getFileSystem(conf).delete(p, false);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

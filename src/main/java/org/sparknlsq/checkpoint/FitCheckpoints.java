package org.sparknlsq.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.robust.CheckpointException;

/**
 * The checkpoints of one fit: saves every {@code every}-th snapshot through a {@link
 * CheckpointManager}, keeps the newest one in memory so that {@link #saveLatest()} (called on
 * SIGTERM) can store it, and finds the snapshot to resume from.
 *
 * <p>A checkpoint is used only by the fit it was written for: its parameter names, config hash
 * (the settings that decide the steps: model, start, bounds, method, loss, tolerances, partitions,
 * strategy, fault tolerance) and data fingerprint must match, unless {@code force} is set. Files
 * are scoped to the fit (see {@link CheckpointManager#scoped}): {@code AUTO} looks only at this
 * fit's own (forced, at the newest of any fit), and pruning never deletes another fit's.
 */
public final class FitCheckpoints implements Snapshot.Sink {
    /** How to resume. */
    public enum ResumeMode {
        /** start afresh (the checkpoints still get written) */
        NONE,
        /** from the newest valid checkpoint in the directory, if there is one */
        AUTO,
        /** from the given file */
        PATH
    }

    private final CheckpointManager manager;
    private final int every;
    private final List<String> names;
    private final String configHash;
    private final Supplier<String> fingerprintSource;
    private String dataFingerprint;
    private final String writerVersion;
    private final ResumeMode mode;
    private final String resumePath;
    private final boolean force;
    private double[] lower;
    private double[] upper;
    private Snapshot latest;
    private boolean latestSaved = true;
    private Snapshot resume;
    private boolean resolved;
    private String resumedFrom;
    private final List<String> skipped = new ArrayList<>();

    public FitCheckpoints(
            CheckpointManager manager,
            int every,
            List<String> names,
            String configHash,
            Supplier<String> dataFingerprint,
            String writerVersion,
            ResumeMode mode,
            String resumePath,
            boolean force) {
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint every must be >= 1, got " + every);
        }
        this.manager = manager;
        this.every = every;
        this.names = List.copyOf(names);
        this.configHash = configHash;
        this.fingerprintSource = dataFingerprint;
        this.writerVersion = writerVersion;
        this.mode = mode;
        this.resumePath = resumePath;
        this.force = force;
        manager.scoped(this::fitId);
    }

    /**
     * The id of this fit within a shared directory: the first 12 hex digits of SHA-256 over the
     * config hash and the data fingerprint. Fits that differ in either keep apart.
     */
    private String fitId() {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((configHash + "\n" + fingerprint()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * The bounds of the fit, in the order of the parameter names: a checkpoint whose point lies
     * outside them is refused, forced or not (the optimizer cannot start outside its bounds).
     *
     * @param lo lower bounds, or null for none. Not modified.
     * @param hi upper bounds, or null for none. Not modified.
     * @return this
     */
    public FitCheckpoints withBounds(double[] lo, double[] hi) {
        lower = lo == null ? null : lo.clone();
        upper = hi == null ? null : hi.clone();
        return this;
    }

    @Override
    public synchronized void onSnapshot(Snapshot s) {
        latest = s;
        latestSaved = false;
        if (s.iteration() % every == 0) {
            save(s);
        }
    }

    /** Saves the newest snapshot if it has not been saved yet (graceful shutdown). */
    public synchronized void saveLatest() {
        if (latest != null && !latestSaved) {
            save(latest);
        }
    }

    private void save(Snapshot s) {
        Optional<String> name = manager.save(new CheckpointState(
                CheckpointState.VERSION,
                writerVersion,
                System.currentTimeMillis(),
                configHash,
                fingerprint(),
                names,
                s));
        latestSaved = name.isPresent() || latestSaved;
    }

    /**
     * The snapshot to resume from (looked up once), or null.
     *
     * @throws CheckpointException if the checkpoint asked for cannot be read, or was written for
     *     another fit (and {@code force} is off)
     */
    @Override
    public synchronized Snapshot resume() {
        if (resolved) {
            return resume;
        }
        resolved = true;
        CheckpointState st = null;
        String from = null;
        if (mode == ResumeMode.PATH) {
            st = manager.load(resumePath);
            from = resumePath;
        } else if (mode == ResumeMode.AUTO) {
            List<CheckpointManager.Entry> bad = new ArrayList<>();
            Optional<CheckpointManager.Entry> e;
            try {
                // this fit's own checkpoints; forced, the newest of any fit in the directory
                e = force ? manager.findLatestOfAnyFit(bad) : manager.findLatest(bad);
            } catch (IOException io) {
                throw new CheckpointException(
                        manager.directory() + ": cannot be listed (" + io.getMessage() + ")",
                        Map.of("directory", manager.directory()),
                        io);
            }
            for (CheckpointManager.Entry b : bad) {
                skipped.add(b.problem());
            }
            if (e.isPresent()) {
                st = e.get().state();
                from = e.get().uri();
            }
        }
        if (st != null) {
            requireSameFit(st, from);
            resume = st.snapshot();
            resumedFrom = from;
        }
        return resume;
    }

    private void requireSameFit(CheckpointState st, String from) {
        List<String> problems = new ArrayList<>();
        if (!st.parameterNames().equals(names)) {
            problems.add("parameters " + st.parameterNames() + " instead of " + names);
        }
        if (!st.configHash().equals(configHash)) {
            problems.add(
                    "another configuration (hash " + abbrev(st.configHash()) + ", now " + abbrev(configHash) + ")");
        }
        if (!st.dataFingerprint().equals(fingerprint())) {
            problems.add(
                    "other data (fingerprint " + abbrev(st.dataFingerprint()) + ", now " + abbrev(fingerprint()) + ")");
        }
        if (!st.parameterNames().equals(names) && force) {
            // no force can map one parameter vector onto another
            throw new CheckpointException(
                    "cannot resume from " + from + ": it holds the parameters " + st.parameterNames()
                            + ", this fit has " + names
                            + "; --resume-force applies only to checkpoints of the same parameters",
                    Map.of("checkpoint", from),
                    null);
        }
        if (problems.isEmpty() || force) {
            requireWithinBounds(st, from);
        }
        if (!problems.isEmpty() && !force) {
            throw new CheckpointException(
                    "refusing to resume from " + from + ": it was written for " + String.join(" and ", problems)
                            + "; rerun without --resume to start afresh, or add --resume-force to use it anyway",
                    Map.of("checkpoint", from),
                    null);
        }
    }

    /**
     * The data's fingerprint, computed on first use: a fingerprint of the content needs the data
     * loaded, which happens after the checkpoints are opened and before the first snapshot.
     */
    private String fingerprint() {
        if (dataFingerprint == null) {
            dataFingerprint = fingerprintSource.get();
        }
        return dataFingerprint;
    }

    private void requireWithinBounds(CheckpointState st, String from) {
        double[][] points = {st.snapshot().x(), st.snapshot().best()};
        for (double[] x : points) {
            for (int i = 0; i < x.length; i++) {
                double lo = lower == null ? Double.NEGATIVE_INFINITY : lower[i];
                double hi = upper == null ? Double.POSITIVE_INFINITY : upper[i];
                if (!(x[i] >= lo && x[i] <= hi)) {
                    throw new CheckpointException(
                            "cannot resume from " + from + ": its point has " + names.get(i) + " = " + x[i]
                                    + ", outside this fit's bounds [" + lo + ", " + hi + "]; rerun without --resume to"
                                    + " start afresh, or widen the bounds",
                            Map.of("checkpoint", from),
                            null);
                }
            }
        }
    }

    private static String abbrev(String h) {
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    /** What these checkpoints did, for the result's {@code checkpoint_info}. */
    public synchronized CheckpointInfo info() {
        return manager.info(every, resumedFrom, resume == null ? null : resume.iteration(), List.copyOf(skipped));
    }
}

package org.sparknlsq.fit;

/**
 * Where a fit checkpoints and whether it resumes. The identity of a checkpoint (a hash of the
 * settings that decide the fit's steps and a fingerprint of the data) is computed by {@link
 * CurveFitting}, so every client gets the same protection against resuming a foreign checkpoint.
 *
 * @param dir directory (local path, {@code file://}, {@code hdfs://}, {@code s3a://}), or null to
 *     write none (a resume from a file then reads that file's directory)
 * @param every a checkpoint every N iterations (default 10), and on SIGTERM
 * @param keep checkpoints kept in the directory (default 3)
 * @param resume null (start afresh), {@code auto} (the newest valid checkpoint in {@code dir}, if
 *     any) or the path of a checkpoint file
 * @param force resume even from a checkpoint written for other settings or other data
 */
public record CheckpointSettings(String dir, int every, int keep, String resume, boolean force) {
    public static final int DEFAULT_EVERY = 10;
    public static final int DEFAULT_KEEP = 3;

    /** No checkpoints. */
    public static CheckpointSettings none() {
        return new CheckpointSettings(null, DEFAULT_EVERY, DEFAULT_KEEP, null, false);
    }

    /** Checkpoints in {@code dir} with the defaults, no resume. */
    public static CheckpointSettings in(String dir) {
        return new CheckpointSettings(dir, DEFAULT_EVERY, DEFAULT_KEEP, null, false);
    }

    public CheckpointSettings withEvery(int n) {
        return new CheckpointSettings(dir, n, keep, resume, force);
    }

    public CheckpointSettings withKeep(int n) {
        return new CheckpointSettings(dir, every, n, resume, force);
    }

    /** {@code auto}, a checkpoint path, or null for none. */
    public CheckpointSettings withResume(String from) {
        return new CheckpointSettings(dir, every, keep, from, force);
    }

    public CheckpointSettings withForce(boolean f) {
        return new CheckpointSettings(dir, every, keep, resume, f);
    }

    /** True when the fit writes or reads checkpoints. */
    public boolean active() {
        return dir != null || resume != null;
    }
}

package org.sparknlsq.cli;

import org.sparknlsq.fit.CheckpointSettings;
import picocli.CommandLine.Option;

/**
 * The checkpoint options of {@code fit}: where, how often, and whether to resume. A fit
 * checkpoints only with {@code --checkpoint-dir}; the library records a hash of the settings that
 * decide the fit's steps and a fingerprint of the data in each checkpoint, and refuses a resume
 * when either differs (unless {@code --resume-force}).
 */
final class CheckpointArgs {
    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            description = "Write checkpoints (HDF5) to this directory: a local path, file://, hdfs:// or s3a://.")
    String dir;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "10",
            paramLabel = "N",
            description = "Checkpoint every N iterations (default ${DEFAULT-VALUE}), and on SIGTERM.")
    int every;

    @Option(
            names = "--keep-checkpoints",
            defaultValue = "3",
            paramLabel = "N",
            description = "Checkpoints kept in the directory (default ${DEFAULT-VALUE}).")
    int keep;

    @Option(
            names = "--resume",
            paramLabel = "auto|PATH",
            description = "Resume from the newest valid checkpoint in --checkpoint-dir (auto; start afresh if there"
                    + " is none) or from the given checkpoint file.")
    String resume;

    @Option(
            names = "--resume-force",
            description = "Resume even from a checkpoint written for other settings or other data.")
    boolean force;

    /** These options as the library's settings. */
    CheckpointSettings settings() {
        return new CheckpointSettings(dir, every, keep, resume, force);
    }
}

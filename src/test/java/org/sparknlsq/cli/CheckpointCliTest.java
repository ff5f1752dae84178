package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit --checkpoint-dir/--resume} and {@code checkpoints list|show|validate}, on local disk. */
class CheckpointCliTest {
    @TempDir
    Path dir;

    private Path data() throws IOException {
        return Cli.curve(dir, "decay.csv", 2_000, 5.0, x -> 3 * Math.exp(-1.3 * x) + 0.5 + 1e-3 * Math.sin(37 * x));
    }

    private static String[] fit(Path data, String start, String... more) {
        return Cli.fitArgs(data, "a*exp(-b*x)+c", start, more);
    }

    @Test
    void aFitWritesCheckpointsAndAResumedFitEndsWithTheSameBits() throws IOException {
        Path data = data();
        Path ckpt = dir.resolve("ckpt");
        JsonNode ref = Cli.fitJson(dir, 0, slice(fit(data, "a=1,b=1,c=0")));
        JsonNode first = Cli.fitJson(
                dir,
                0,
                slice(fit(data, "a=1,b=1,c=0", "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1")));
        JsonNode info = first.get("diagnostics").get("checkpoint_info");
        assertTrue(info.get("saves").asInt() >= 4, info.toString());
        assertEquals(0, info.get("failed_saves").asInt());
        try (var s = Files.list(ckpt)) {
            assertEquals(3, s.count(), "the last three are kept");
        }
        // resume from the newest: nothing is left to do but the polish and the covariance
        JsonNode resumed = Cli.fitJson(
                dir, 0, slice(fit(data, "a=1,b=1,c=0", "--checkpoint-dir", ckpt.toString(), "--resume", "auto")));
        assertArrayEquals(Cli.values(ref.get("parameters")), Cli.values(resumed.get("parameters")));
        assertArrayEquals(Cli.values(ref.get("uncertainties")), Cli.values(resumed.get("uncertainties")));
        assertTrue(resumed.get("diagnostics")
                .get("checkpoint_info")
                .get("resumed_from")
                .asText()
                .endsWith(".h5"));

        // point-in-time: the oldest kept checkpoint, by path, gives the same bits too
        Path oldest;
        try (var files = Files.list(ckpt)) {
            oldest = files.sorted().findFirst().orElseThrow();
        }
        JsonNode fromOldest = Cli.fitJson(dir, 0, slice(fit(data, "a=1,b=1,c=0", "--resume", oldest.toString())));
        assertArrayEquals(Cli.values(ref.get("parameters")), Cli.values(fromOldest.get("parameters")));
        assertEquals(
                oldest.toString(),
                fromOldest
                        .get("diagnostics")
                        .get("checkpoint_info")
                        .get("resumed_from")
                        .asText());

        Cli.Run list = Cli.run("checkpoints", "list", ckpt.toString());
        assertEquals(0, list.code(), list.err());
        List<String> lines = list.out().lines().toList();
        assertEquals(3, lines.size(), list.out());
        assertTrue(lines.get(0).contains("v2.0  trf  iteration "), lines.get(0));

        String newest = lines.get(0).substring(0, lines.get(0).indexOf(' '));
        Cli.Run ok = Cli.run("checkpoints", "validate", ckpt.resolve(newest).toString());
        assertEquals(0, ok.code(), ok.err());
        Cli.Run show = Cli.run("checkpoints", "show", ckpt.resolve(newest).toString());
        assertTrue(show.out().contains("parameters/current = ["), show.out());
        assertTrue(show.out().contains("optimizer_state/trust_radius = "), show.out());
    }

    /** Fits from a=1,b=1,c=0 with a checkpoint after every iteration; returns the newest file. */
    private Path checkpointedFit(Path data, Path ckpt) throws IOException {
        Cli.fitJson(
                dir,
                0,
                slice(fit(data, "a=1,b=1,c=0", "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1")));
        try (var files = Files.list(ckpt)) {
            return files.sorted(java.util.Comparator.reverseOrder()).findFirst().orElseThrow();
        }
    }

    private static String[] slice(String[] withFit) {
        return java.util.Arrays.copyOfRange(withFit, 1, withFit.length);
    }

    @Test
    void anInvalidFileIsAnErrorWithItsReason() throws IOException {
        Path data = data();
        Path ckpt = dir.resolve("ckpt");
        Cli.fitJson(
                dir,
                0,
                slice(fit(data, "a=1,b=1,c=0", "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1")));
        Path f;
        try (var s = Files.list(ckpt)) {
            f = s.sorted().toList().get(2);
        }
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, 200));
        Cli.Run bad = Cli.run("checkpoints", "validate", f.toString());
        assertEquals(ExitCode.CHECKPOINT_ERROR.code(), bad.code());
        assertEquals(1, bad.errLines().size(), bad.err());
        assertTrue(bad.err().contains(f + ": not a readable HDF5 checkpoint"), bad.err());
        Cli.Run dirCheck = Cli.run("checkpoints", "validate", ckpt.toString());
        assertEquals(ExitCode.CHECKPOINT_ERROR.code(), dirCheck.code());
        // resume auto skips it and uses the previous one
        JsonNode resumed = Cli.fitJson(
                dir, 0, slice(fit(data, "a=1,b=1,c=0", "--checkpoint-dir", ckpt.toString(), "--resume", "auto")));
        JsonNode info = resumed.get("diagnostics").get("checkpoint_info");
        assertEquals(1, info.get("skipped_invalid").size(), info.toString());
        assertFalse(info.get("resumed_from").asText().equals(f.toString()));
    }

    @Test
    void twoFitsShareADirectoryAndEachResumesItsOwnWork() throws IOException {
        Path data = data();
        Path ckpt = dir.resolve("ckpt");
        String[] a = {"--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1"};
        JsonNode firstA = Cli.fitJson(dir, 0, slice(fit(data, "a=1,b=1,c=0", a)));
        // another fit (another start) in the same directory: with --resume auto it starts afresh
        JsonNode firstB = Cli.fitJson(dir, 0, slice(fit(data, "a=2,b=1,c=0", Cli.concat(a, "--resume", "auto"))));
        assertTrue(firstB.get("diagnostics")
                .get("checkpoint_info")
                .get("resumed_from")
                .isNull());
        try (var s = Files.list(ckpt)) {
            assertEquals(6, s.count(), "each fit keeps its last three");
        }
        String lastA = firstA.get("diagnostics")
                .get("checkpoint_info")
                .get("last_checkpoint")
                .asText();
        String lastB = firstB.get("diagnostics")
                .get("checkpoint_info")
                .get("last_checkpoint")
                .asText();
        assertFalse(lastA.equals(lastB), lastA);
        // each resumes its own newest checkpoint and ends with its own bits
        JsonNode resumedA = Cli.fitJson(dir, 0, slice(fit(data, "a=1,b=1,c=0", Cli.concat(a, "--resume", "auto"))));
        JsonNode resumedB = Cli.fitJson(dir, 0, slice(fit(data, "a=2,b=1,c=0", Cli.concat(a, "--resume", "auto"))));
        assertTrue(resumedA.get("diagnostics")
                .get("checkpoint_info")
                .get("resumed_from")
                .asText()
                .endsWith(lastA));
        assertTrue(resumedB.get("diagnostics")
                .get("checkpoint_info")
                .get("resumed_from")
                .asText()
                .endsWith(lastB));
        assertArrayEquals(Cli.values(firstA.get("parameters")), Cli.values(resumedA.get("parameters")));
        assertArrayEquals(Cli.values(firstB.get("parameters")), Cli.values(resumedB.get("parameters")));
    }

    @Test
    void aCheckpointOfAnotherFitIsRefused() throws IOException {
        Path data = data();
        Path ckpt = dir.resolve("ckpt");
        Path newest = checkpointedFit(data, ckpt);
        Cli.Run other = Cli.run(fit(data, "a=2,b=1,c=0", "--resume", newest.toString()));
        assertEquals(ExitCode.CHECKPOINT_ERROR.code(), other.code(), other.err());
        assertEquals(1, other.errLines().size(), other.err());
        assertTrue(other.err().contains("refusing to resume from "), other.err());
        assertTrue(other.err().contains("another configuration"), other.err());
        assertTrue(other.err().contains("--resume-force"), other.err());
        // forced, it goes on from the checkpoint's parameters; auto and forced, from the newest of any fit
        Cli.Run forced = Cli.run(fit(data, "a=2,b=1,c=0", "--resume", newest.toString(), "--resume-force"));
        assertEquals(0, forced.code(), forced.err());
        Cli.Run forcedAuto = Cli.run(
                fit(data, "a=2,b=1,c=0", "--checkpoint-dir", ckpt.toString(), "--resume", "auto", "--resume-force"));
        assertEquals(0, forcedAuto.code(), forcedAuto.err());
    }

    @Test
    void aForcedResumeOfOtherParametersOrOutsideTheBoundsIsACheckpointError() throws IOException {
        Path data = data();
        Path ckpt = dir.resolve("ckpt");
        Path newest = checkpointedFit(data, ckpt);
        Cli.Run fewer =
                Cli.run(Cli.fitArgs(data, "a*exp(-b*x)", "a=1,b=1", "--resume", newest.toString(), "--resume-force"));
        assertEquals(ExitCode.CHECKPOINT_ERROR.code(), fewer.code(), fewer.err());
        assertEquals(1, fewer.errLines().size(), fewer.err());
        assertTrue(fewer.err().contains("it holds the parameters [a, b, c], this fit has [a, b]"), fewer.err());

        // the checkpoint's b is about 1.3; bounds of [0, 1] exclude it
        Cli.Run outside = Cli.run(
                fit(data, "a=1,b=0.5,c=0", "--bounds", "b=0:1", "--resume", newest.toString(), "--resume-force"));
        assertEquals(ExitCode.CHECKPOINT_ERROR.code(), outside.code(), outside.err());
        assertTrue(outside.err().contains("outside this fit's bounds [0.0, 1.0]"), outside.err());
        assertFalse(outside.err().contains("start value"), outside.err());
    }

    @Test
    void checkpointSavesThatFailAreAWarningOnStderrAndTheFitGoesOn() throws Exception {
        Path data = data();
        // a directory nobody can create files in, root included (the tests run as root, which
        // ignores file modes): procfs refuses new files
        Path ckpt = Path.of("/proc/sys");
        assertTrue(Files.isDirectory(ckpt));
        Cli.Run r = Cli.run(fit(data, "a=1,b=1,c=0", "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1"));
        assertEquals(0, r.code(), r.err());
        List<String> warnings = r.errLines().stream()
                .filter(l -> l.startsWith("spark-nlsq: warning: "))
                .toList();
        assertEquals(1, warnings.size(), r.err());
        assertTrue(warnings.get(0).contains("checkpoint save(s) failed"), warnings.get(0));
        assertTrue(warnings.get(0).contains(ckpt.toString()), warnings.get(0));
    }

    @Test
    void listingAMissingDirectoryOrValidatingAnEmptyOneIsACheckpointError() throws IOException {
        Cli.Run list = Cli.run("checkpoints", "list", dir.resolve("nonexistent").toString());
        assertEquals(ExitCode.CHECKPOINT_ERROR.code(), list.code(), list.out());
        assertTrue(list.err().contains("no such checkpoint directory"), list.err());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.Run validate = Cli.run("checkpoints", "validate", empty.toString());
        assertEquals(ExitCode.CHECKPOINT_ERROR.code(), validate.code(), validate.out());
        assertTrue(validate.err().contains("no checkpoints to validate"), validate.err());
        Cli.Run listEmpty = Cli.run("checkpoints", "list", empty.toString());
        assertEquals(0, listEmpty.code(), listEmpty.err());
        assertTrue(listEmpty.out().contains("no checkpoints in"), listEmpty.out());
    }
}

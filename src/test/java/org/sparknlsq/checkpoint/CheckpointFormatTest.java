package org.sparknlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.robust.CheckpointException;

/** The HDF5 layout v2, its digest, v1 compatibility, and every kind of corruption. */
class CheckpointFormatTest {
    @TempDir
    Path dir;

    static CheckpointState state(int iteration) {
        TreeMap<String, Object> opt = new TreeMap<>();
        opt.put("trust_radius", 0.125);
        opt.put("scale", new double[] {1.5, 2.5, 3.5});
        opt.put("accumulator_kind", "NORMAL");
        opt.put("evaluations", 17L);
        TreeMap<Long, Long> retries = new TreeMap<>();
        retries.put(3L, 2L);
        TreeMap<String, Long> errors = new TreeMap<>();
        errors.put("NonFiniteValue", 6L);
        return new CheckpointState(
                CheckpointState.VERSION,
                "test",
                1_700_000_000_000L,
                "cfg-hash",
                "data-fp",
                List.of("a", "b", "c"),
                new Snapshot(
                        "trf",
                        new double[] {3.0, 1.3, 0.5 + iteration},
                        new double[] {2.9, 1.25, Math.PI},
                        0.75,
                        iteration,
                        0,
                        opt,
                        new long[] {3, 4},
                        retries,
                        errors,
                        new long[] {4}));
    }

    static void assertSame(CheckpointState a, CheckpointState b) {
        assertEquals(a.toContent(), b.toContent(), a.toContent() + "\nvs\n" + b.toContent());
    }

    @Test
    void aStateSurvivesTheFileBitForBit() throws IOException {
        CheckpointState s = state(7);
        CheckpointState back = CheckpointManager.decode(CheckpointManager.encode(s), "mem");
        assertSame(s, back);
        assertArrayEquals(s.snapshot().x(), back.snapshot().x());
        assertEquals(0.125, back.snapshot().state().get("trust_radius"));
        assertEquals(2L, back.snapshot().retryCounts().get(3L));
        assertArrayEquals(new long[] {4}, back.snapshot().excludedPartitions());
    }

    @Test
    void h5pyReadsTheLayout() throws Exception {
        Path f = dir.resolve("c.h5");
        Files.write(f, CheckpointManager.encode(state(7)));
        String script = String.join(
                "\n",
                "import h5py, sys",
                "f = h5py.File(sys.argv[1], 'r')",
                "v = f.attrs['version']",
                "print(v.decode() if isinstance(v, bytes) else v)",
                "print(list(f['parameters/current'][()]))",
                "print(float(f['parameters/best_cost'][()]))",
                "print(int(f['progress/iteration'][()]))",
                "print(float(f['optimizer_state/trust_radius'][()]))",
                "print(list(f['diagnostics/retry_counts/keys'][()]), list(f['diagnostics/retry_counts/values'][()]))",
                "print([k.decode() if isinstance(k, bytes) else k for k in f['diagnostics/error_types/keys'][()]])");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, f.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals("2.0", lines.get(0));
        assertEquals("[3.0, 1.3, 7.5]", lines.get(1));
        assertEquals("0.75", lines.get(2));
        assertEquals("7", lines.get(3));
        assertEquals("0.125", lines.get(4));
        assertEquals("[3] [2]", lines.get(5));
        assertEquals("['NonFiniteValue']", lines.get(6));
    }

    @Test
    void aVersionOneFileStillLoads() throws IOException {
        CheckpointContent c = new CheckpointContent()
                .attribute("version", "1.0")
                .put("parameters/names", new String[] {"a"})
                .put("parameters/current", new double[] {1.0})
                .put("parameters/best", new double[] {0.5})
                .put("parameters/best_cost", 2.0)
                .put("progress/iteration", 4L)
                .put("progress/epoch", 0L)
                .put("progress/batch_index", 0L)
                .put("progress/best_loss", 2.0)
                .put("optimizer_state/trust_radius", 1.0);
        c.attribute(CheckpointContent.DIGEST_ATTRIBUTE, c.sha256());
        Path f = dir.resolve("v1.h5");
        Hdf5Checkpoint.write(c, f);
        CheckpointState s = CheckpointManager.decode(Files.readAllBytes(f), "v1.h5");
        assertEquals("1.0", s.version());
        assertEquals(4, s.snapshot().iteration());
        assertEquals(0, s.snapshot().excludedPartitions().length);
        assertTrue(s.snapshot().errorTypes().isEmpty());
    }

    private static String reason(byte[] bytes) {
        return assertThrows(CheckpointException.class, () -> CheckpointManager.decode(bytes, "f.h5"))
                .getMessage();
    }

    @Test
    void corruptFilesAreRejectedWithTheirReason() throws IOException {
        byte[] good = CheckpointManager.encode(state(7));
        assertTrue(reason(java.util.Arrays.copyOf(good, good.length / 2)).startsWith("f.h5: not a readable HDF5"));
        assertTrue(reason("not an HDF5 file at all".getBytes(StandardCharsets.UTF_8))
                .startsWith("f.h5: not a readable HDF5 checkpoint"));
        // a flipped bit in a stored value: find the bytes of 7.5 (parameters/current[2])
        byte[] flipped = good.clone();
        int at = indexOf(
                flipped,
                java.nio.ByteBuffer.allocate(8)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .putDouble(7.5)
                        .array());
        assertTrue(at >= 0);
        flipped[at] ^= 1;
        assertEquals(
                "f.h5: the SHA-256 of the content does not match the stored one (corrupt or modified)",
                reason(flipped));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void wrongVersionAndMissingDatasetsAreRejectedEvenWithAValidDigest() throws IOException {
        CheckpointContent wrong = state(1).toContent().attribute("version", "3.0");
        assertEquals("f.h5: version 3.0 is not supported (expected 1.0 or 2.0)", reason(withDigest(wrong)));
        CheckpointContent missing = new CheckpointContent();
        state(1).toContent().datasets().forEach((k, v) -> {
            if (!k.equals("parameters/best")) {
                missing.put(k, v);
            }
        });
        state(1).toContent().attributes().forEach(missing::attribute);
        assertEquals("f.h5: the dataset 'parameters/best' is missing", reason(withDigest(missing)));
        CheckpointContent noDigest = state(1).toContent();
        Path f = dir.resolve("nodigest.h5");
        Hdf5Checkpoint.write(noDigest, f);
        assertEquals("f.h5: no sha256 attribute", reason(Files.readAllBytes(f)));
    }

    private byte[] withDigest(CheckpointContent c) throws IOException {
        c.attribute(CheckpointContent.DIGEST_ATTRIBUTE, c.sha256());
        Path f = dir.resolve("x.h5");
        Hdf5Checkpoint.write(c, f);
        return Files.readAllBytes(f);
    }

    @Test
    void emptyArraysAreLeftOutNotWritten() {
        assertThrows(IllegalArgumentException.class, () -> new CheckpointContent().put("d", new long[0]));
        CheckpointState none = new CheckpointState(
                CheckpointState.VERSION,
                "t",
                0,
                "",
                "",
                List.of("a"),
                new Snapshot(
                        "trf",
                        new double[] {1},
                        new double[] {1},
                        1,
                        0,
                        0,
                        new TreeMap<>(),
                        new long[0],
                        new TreeMap<>(),
                        new TreeMap<>(),
                        new long[0]));
        assertFalse(none.toContent().has("diagnostics/failed_batch_indices"));
    }
}

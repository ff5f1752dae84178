package org.sparknlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager on local disk: numbering, retention, latest valid, leftovers, outages. */
class CheckpointManagerTest {
    @TempDir
    Path dir;

    static final CheckpointManager.Options FAST = new CheckpointManager.Options(3, 2, 1, 2, 200);

    @Test
    void savesAreNumberedAndOnlyTheLastThreeAreKept() throws IOException {
        CheckpointManager m = new CheckpointManager(dir.toString(), null, FAST);
        for (int i = 1; i <= 5; i++) {
            assertEquals(Optional.of(String.format("checkpoint-%06d.h5", i)), m.save(CheckpointFormatTest.state(i)));
        }
        List<CheckpointManager.Entry> all = m.list();
        assertEquals(
                List.of("checkpoint-000005.h5", "checkpoint-000004.h5", "checkpoint-000003.h5"),
                all.stream().map(CheckpointManager.Entry::name).toList());
        assertEquals(
                5,
                m.findLatest(new ArrayList<>()).orElseThrow().state().snapshot().iteration());
        // a new manager on the same directory goes on with the numbering
        assertEquals(
                Optional.of("checkpoint-000006.h5"),
                new CheckpointManager(dir.toString(), null, FAST).save(CheckpointFormatTest.state(6)));
    }

    @Test
    void aCorruptNewestCheckpointIsSkippedAndReported() throws IOException {
        CheckpointManager m = new CheckpointManager(dir.toString(), null, FAST);
        m.save(CheckpointFormatTest.state(1));
        m.save(CheckpointFormatTest.state(2));
        Path newest = dir.resolve("checkpoint-000002.h5");
        byte[] b = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(b, b.length - 100));
        List<CheckpointManager.Entry> skipped = new ArrayList<>();
        CheckpointManager.Entry latest = m.findLatest(skipped).orElseThrow();
        assertEquals("checkpoint-000001.h5", latest.name());
        assertEquals(1, latest.state().snapshot().iteration());
        assertEquals(1, skipped.size());
        assertTrue(
                skipped.get(0).problem().contains("checkpoint-000002.h5: not a readable HDF5"),
                skipped.get(0).problem());
        // a non-HDF5 file with a checkpoint's name is skipped the same way
        Files.writeString(dir.resolve("checkpoint-000003.h5"), "hello");
        skipped.clear();
        assertEquals("checkpoint-000001.h5", m.findLatest(skipped).orElseThrow().name());
        assertEquals(2, skipped.size());
    }

    @Test
    void leftoversOfAnInterruptedWriteAreRemovedOnOpen() throws IOException {
        Files.writeString(dir.resolve(".checkpoint-000004.h5.1f2e.tmp"), "half");
        Files.writeString(dir.resolve("unrelated.txt"), "keep");
        new CheckpointManager(dir.toString(), null, FAST);
        assertFalse(Files.exists(dir.resolve(".checkpoint-000004.h5.1f2e.tmp")));
        assertTrue(Files.exists(dir.resolve("unrelated.txt")));
    }

    @Test
    void anOutageNeverThrowsOpensTheBreakerAndTheNextSaveAfterRecoverySucceeds() throws Exception {
        Path target = dir.resolve("ckpt");
        CheckpointManager m = new CheckpointManager(target.toString(), null, FAST);
        m.save(CheckpointFormatTest.state(1));
        // the outage: the directory is replaced by a file (root ignores permissions, so no chmod)
        Path aside = dir.resolve("aside");
        Files.move(target, aside);
        Files.writeString(target, "not a directory");
        assertEquals(Optional.empty(), m.save(CheckpointFormatTest.state(2)));
        assertEquals(Optional.empty(), m.save(CheckpointFormatTest.state(3)));
        // two failed saves in a row: the breaker is open, the next save is skipped without trying
        assertEquals(Optional.empty(), m.save(CheckpointFormatTest.state(4)));
        assertEquals(2L, m.diagnostics().get("failed_saves"));
        assertEquals(1L, m.diagnostics().get("skipped_saves"));
        assertEquals(true, m.diagnostics().get("circuit_breaker_open"));
        // recovery, and the cool-down (200 ms) over: the next save goes through
        Files.delete(target);
        Files.move(aside, target);
        Thread.sleep(250);
        assertEquals(Optional.of("checkpoint-000002.h5"), m.save(CheckpointFormatTest.state(5)));
        assertEquals(false, m.diagnostics().get("circuit_breaker_open"));
        List<CheckpointManager.Entry> skipped = new ArrayList<>();
        assertEquals(5, m.findLatest(skipped).orElseThrow().state().snapshot().iteration());
        assertEquals(List.of(), skipped, "no partial checkpoint was left behind");
        try (var s = Files.list(target)) {
            assertEquals(2, s.count(), "no temporary files");
        }
    }
}

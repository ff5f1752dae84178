package org.sparknlsq.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * What every checkpoint store must do, run against a real one by each subclass (local disk,
 * HDFS, S3): round trips to the bit, retention, the newest valid file, leftovers, and an outage in
 * the middle of a write that never fails the caller and never leaves a file {@code findLatest}
 * would choose.
 */
abstract class CheckpointStorageContract {
    /** A fresh, empty directory URI for one test. */
    abstract String directory(String name) throws Exception;

    /** The Hadoop configuration for the store (null for local disk). */
    abstract Configuration conf();

    /** Makes every write fail from now on (the store goes away). */
    abstract void outage() throws Exception;

    /** Brings the store back. */
    abstract void recover() throws Exception;

    static final CheckpointManager.Options FAST = new CheckpointManager.Options(3, 2, 10, 2, 300);

    private List<String> files(String dir) throws IOException {
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(conf() == null ? new Configuration() : conf());
        List<String> names = new ArrayList<>();
        if (fs.exists(p)) {
            for (var st : fs.listStatus(p)) {
                names.add(st.getPath().getName());
            }
        }
        names.removeIf(n -> n.endsWith(".crc"));
        names.sort(null);
        return names;
    }

    private void put(String uri, byte[] bytes) throws IOException {
        Path p = new Path(uri);
        try (var out =
                p.getFileSystem(conf() == null ? new Configuration() : conf()).create(p, true)) {
            out.write(bytes);
        }
    }

    @Test
    void roundTripRetentionAndTheNewestValid() throws Exception {
        String dir = directory("basic");
        CheckpointManager m = new CheckpointManager(dir, conf(), FAST);
        for (int i = 1; i <= 4; i++) {
            assertTrue(m.save(CheckpointFormatTest.state(i)).isPresent());
        }
        assertEquals(List.of("checkpoint-000002.h5", "checkpoint-000003.h5", "checkpoint-000004.h5"), files(dir));
        CheckpointManager.Entry latest = m.findLatest(new ArrayList<>()).orElseThrow();
        CheckpointFormatTest.assertSame(CheckpointFormatTest.state(4), latest.state());
        // a corrupt newest file and a foreign one with a checkpoint's name are skipped
        put(dir + "/checkpoint-000005.h5", "not HDF5".getBytes());
        byte[] good = CheckpointManager.encode(CheckpointFormatTest.state(6));
        good[good.length / 2] ^= 0x55;
        put(dir + "/checkpoint-000006.h5", good);
        List<CheckpointManager.Entry> skipped = new ArrayList<>();
        assertEquals("checkpoint-000004.h5", m.findLatest(skipped).orElseThrow().name());
        assertEquals(2, skipped.size(), skipped.toString());
    }

    @Test
    void twoFitsShareADirectoryWithoutPruningOrResumingEachOther() throws Exception {
        String dir = directory("shared");
        CheckpointManager a = new CheckpointManager(dir, conf(), FAST).scoped(() -> "aaaaaaaaaaaa");
        CheckpointManager b = new CheckpointManager(dir, conf(), FAST).scoped(() -> "bbbbbbbbbbbb");
        for (int i = 1; i <= 5; i++) {
            assertTrue(a.save(CheckpointFormatTest.state(i)).isPresent());
            assertTrue(b.save(CheckpointFormatTest.state(10 + i)).isPresent());
        }
        assertEquals(
                List.of(
                        "checkpoint-aaaaaaaaaaaa-000003.h5",
                        "checkpoint-aaaaaaaaaaaa-000004.h5",
                        "checkpoint-aaaaaaaaaaaa-000005.h5",
                        "checkpoint-bbbbbbbbbbbb-000003.h5",
                        "checkpoint-bbbbbbbbbbbb-000004.h5",
                        "checkpoint-bbbbbbbbbbbb-000005.h5"),
                files(dir));
        CheckpointFormatTest.assertSame(
                CheckpointFormatTest.state(5),
                a.findLatest(new ArrayList<>()).orElseThrow().state());
        CheckpointFormatTest.assertSame(
                CheckpointFormatTest.state(15),
                b.findLatest(new ArrayList<>()).orElseThrow().state());
        // a later manager of fit a goes on with a's numbering and still sees only a's files
        CheckpointManager again = new CheckpointManager(dir, conf(), FAST).scoped(() -> "aaaaaaaaaaaa");
        assertEquals(
                "checkpoint-aaaaaaaaaaaa-000006.h5",
                again.save(CheckpointFormatTest.state(6)).orElseThrow());
        assertEquals(6, files(dir).size());
        assertEquals(6, new CheckpointManager(dir, conf(), FAST).list().size(), "a listing shows every fit's files");
    }

    @Test
    void leftoversOfAnInterruptedWriteGoWhenTheDirectoryIsOpened() throws Exception {
        String dir = directory("leftovers");
        new CheckpointManager(dir, conf(), FAST).save(CheckpointFormatTest.state(1));
        put(dir + "/.checkpoint-000002.h5.tmp-1234", "half".getBytes());
        new CheckpointManager(dir, conf(), FAST);
        assertEquals(List.of("checkpoint-000001.h5"), files(dir));
    }

    @Test
    void anOutageInTheMiddleOfAWriteNeverFailsTheFitNorLeavesAPartialCheckpoint() throws Exception {
        String dir = directory("outage");
        CheckpointManager m = new CheckpointManager(dir, conf(), FAST);
        assertTrue(m.save(CheckpointFormatTest.state(1)).isPresent());
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        m.midWriteForTests(() -> {
            // once: the retry of the same save meets a store that is already down
            if (down.compareAndSet(false, true)) {
                try {
                    outage();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertEquals(Optional.empty(), m.save(CheckpointFormatTest.state(2)), "the save fails quietly");
        m.midWriteForTests(null);
        assertEquals(Optional.empty(), m.save(CheckpointFormatTest.state(3)), "still down");
        assertEquals(Optional.empty(), m.save(CheckpointFormatTest.state(4)), "the breaker is open");
        assertEquals(1L, m.diagnostics().get("skipped_saves"));
        // the store's own reason: not try-with-resources failing on a stream whose close() rethrows
        String errors = String.valueOf(m.diagnostics().get("errors"));
        assertFalse(errors.contains("Self-suppression"), errors);
        recover();
        Thread.sleep(350);
        assertEquals(Optional.of("checkpoint-000002.h5"), m.save(CheckpointFormatTest.state(5)), "after recovery");
        List<CheckpointManager.Entry> skipped = new ArrayList<>();
        CheckpointManager.Entry latest = m.findLatest(skipped).orElseThrow();
        assertEquals(5, latest.state().snapshot().iteration());
        assertEquals(List.of(), skipped, "no partial checkpoint anywhere");
        // a new manager (a restarted fit) removes whatever the failed write left behind
        new CheckpointManager(dir, conf(), FAST);
        assertEquals(List.of("checkpoint-000001.h5", "checkpoint-000002.h5"), files(dir));
    }
}

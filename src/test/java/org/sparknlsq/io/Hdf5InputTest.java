package org.sparknlsq.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.io.DataException.Reason;
import org.sparknlsq.kernel.DataBlock;

/**
 * Reads files written by h5py (Debian's python3-h5py, run with /usr/bin/python3) through the Hadoop
 * local file system. The expected values are recomputed here with the same IEEE operations the
 * Python script uses (no transcendental functions, whose last bit differs between libraries), so
 * every comparison is exact.
 */
class Hdf5InputTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int N = 10101;
    private static final int BAD_N = 100;
    private static final int[] BAD_ROWS = {10, 20, 30, 40, 50, 60};

    /** Writes the test files into argv[1]; argv[2] is N. */
    private static final String WRITER =
            """
            import os
            import sys

            import h5py
            import numpy as np

            out, n = sys.argv[1], int(sys.argv[2])
            i = np.arange(n)
            x = i * 0.001
            y = 2.5 * x - (i % 17) * 0.125
            sigma = 0.5 + (i % 5) * 0.25
            xy = np.stack([x, (i - 5000).astype(np.float64)], axis=1)

            with h5py.File(out + '/contiguous.h5', 'w') as f:
                d = f.create_group('data')
                d['x'] = x
                d['y'] = y
                d['sigma'] = sigma
                d['x32'] = x.astype(np.float32)
                d['i32'] = (i - 5000).astype(np.int32)
                d['xy'] = xy
                d['short'] = x[:-1]
                d['labels'] = np.array([b'p%d' % k for k in range(n)])
                d['u64'] = i.astype(np.uint64)
                d['empty'] = np.zeros(0)
                d.create_dataset('unwritten', shape=(n,), dtype='f8')
                f['link'] = h5py.SoftLink('/data/x')
                f['broken'] = h5py.SoftLink('/data/nowhere')

            # Chunks of 1000 rows, so the test's slices of 777 rows never line up with them.
            with h5py.File(out + '/chunked.h5', 'w') as f:
                def put(name, data, chunks):
                    f.create_dataset(name, data=data, chunks=chunks, compression='gzip', shuffle=True)
                put('x', x, (1000,))
                put('y', y, (1000,))
                put('sigma', sigma, (1000,))
                put('x32', x.astype(np.float32), (1000,))
                put('xy', xy, (1000, 2))

            m = 100
            j = np.arange(m)
            bx = j * 0.5
            by = bx + 1.0
            bs = np.ones(m)
            bx[10] = np.inf
            by[20] = np.nan
            bs[30] = 0.0
            bs[40] = -1.0
            bx[50] = -np.inf
            by[50] = np.nan
            bs[60] = np.inf
            bxy = np.stack([j * 0.5, j * 0.25], axis=1)
            bxy[15, 1] = np.nan
            with h5py.File(out + '/bad.h5', 'w') as f:
                f['x'] = bx
                f['y'] = by
                f['sigma'] = bs
                f['xy'] = bxy

            # h5py writes the metadata first, so cutting the end off loses only the last rows of y.
            path = out + '/truncated.h5'
            with h5py.File(path, 'w') as f:
                f['x'] = np.arange(100000) * 1.0
                f['y'] = np.arange(100000) * 2.0
            os.truncate(path, os.path.getsize(path) * 3 // 4)
            """;

    @TempDir
    static Path dir;

    private static final Configuration CONF = new Configuration();

    @BeforeAll
    static void writeFilesWithH5py() throws Exception {
        String install = "; install Debian's h5py with: apt-get install python3-h5py python3-numpy";
        String checkOutput;
        Process check;
        try {
            check = new ProcessBuilder(PYTHON, "-c", "import h5py, numpy")
                    .redirectErrorStream(true)
                    .start();
            checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + PYTHON + " (" + e.getMessage() + ")" + install, e);
        }
        if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
            fail(PYTHON + " cannot import h5py (" + checkOutput.strip() + ")" + install);
        }
        Process writer = new ProcessBuilder(PYTHON, "-c", WRITER, dir.toString(), Integer.toString(N))
                .redirectErrorStream(true)
                .start();
        String output = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(writer.waitFor(120, TimeUnit.SECONDS), "the h5py writer timed out");
        assertEquals(0, writer.exitValue(), "the h5py writer failed: " + output);
    }

    private static String uri(String name) {
        return dir.resolve(name).toUri().toString();
    }

    private static double x(int i) {
        return i * 0.001;
    }

    private static double y(int i) {
        return 2.5 * x(i) - (i % 17) * 0.125;
    }

    private static double sigma(int i) {
        return 0.5 + (i % 5) * 0.25;
    }

    private static Hdf5Input input(String file, String sigma, String... x) {
        String prefix = file.equals("contiguous.h5") ? "data/" : "";
        List<String> xs = new ArrayList<>();
        for (String name : x) {
            xs.add(prefix + name);
        }
        return Hdf5Input.open(uri(file), CONF, xs, prefix + "y", sigma == null ? null : prefix + sigma);
    }

    /** Reads every slice of {@code plan} and checks that, in order, they are exactly the file's rows. */
    private static void assertSlicesCoverTheFile(Hdf5Input in, int partitions) {
        List<Hdf5Slice> plan = in.plan(partitions);
        assertEquals(Math.min(partitions, N), plan.size());
        long next = 0;
        for (Hdf5Slice slice : plan) {
            assertEquals(next, slice.start(), "slices are contiguous");
            Hdf5Block read = Hdf5Input.read(slice, CONF, BadRecordPolicy.FAILFAST);
            DataBlock b = read.block();
            assertEquals(0, read.dropped());
            assertEquals(slice.start(), b.firstIndex());
            assertEquals(slice.rows(), b.size());
            for (int r = 0; r < b.size(); r++) {
                int i = (int) slice.start() + r;
                assertEquals(x(i), b.x()[r], "x at row " + i);
                assertEquals(y(i), b.y()[r], "y at row " + i);
                assertEquals(sigma(i), b.sigma()[r], "sigma at row " + i);
            }
            next = slice.end();
        }
        assertEquals(N, next, "the slices end at the last row");
    }

    @Test
    void contiguousSlicesCoverTheDatasetInOrder() {
        Hdf5Input in = input("contiguous.h5", "sigma", "x");
        assertEquals(N, in.length());
        assertEquals(1, in.variables());
        assertEquals(uri("contiguous.h5"), in.uri());
        for (int partitions : new int[] {1, 2, 7, 64}) {
            assertSlicesCoverTheFile(in, partitions);
        }
    }

    @Test
    void chunkedGzipSlicesCoverTheDatasetInOrder() {
        Hdf5Input in = input("chunked.h5", "sigma", "x");
        for (int partitions : new int[] {1, 2, 7, 64}) {
            assertSlicesCoverTheFile(in, partitions);
        }
        List<Hdf5Slice> unaligned = in.plan(13);
        assertTrue(unaligned.stream().allMatch(s -> s.rows() == 777), "13 slices of 777 rows across chunks of 1000");
        assertSlicesCoverTheFile(in, 13);
    }

    @Test
    void readingInSmallPiecesGivesTheSameBlock() {
        for (String file : List.of("contiguous.h5", "chunked.h5")) {
            Hdf5Input in = input(file, "sigma", "x", "x32");
            for (Hdf5Slice slice : in.plan(3)) {
                DataBlock whole =
                        Hdf5Input.read(slice, CONF, BadRecordPolicy.FAILFAST).block();
                // 150 values per call: chunked reads round that up to whole chunks of 1000 rows.
                DataBlock pieces = Hdf5Input.read(slice, CONF, BadRecordPolicy.FAILFAST, 150)
                        .block();
                assertArrayEquals(whole.x(), pieces.x(), file);
                assertArrayEquals(whole.y(), pieces.y(), file);
                assertArrayEquals(whole.sigma(), pieces.sigma(), file);
            }
        }
    }

    @Test
    void convertsFloat32AndIntegerDatasetsToDouble() {
        Hdf5Input in = input("contiguous.h5", null, "x32", "i32");
        assertEquals(2, in.variables());
        DataBlock b = Hdf5Input.read(in.plan(1).get(0), CONF, BadRecordPolicy.FAILFAST)
                .block();
        assertNull(b.sigma());
        for (int i = 0; i < N; i++) {
            assertEquals((float) x(i), b.x()[2 * i], "float32 x at row " + i);
            assertEquals(i - 5000, b.x()[2 * i + 1], "int32 x at row " + i);
            assertEquals(y(i), b.y()[i]);
        }
        DataBlock chunked = Hdf5Input.read(
                        input("chunked.h5", null, "x32").plan(5).get(4), CONF, BadRecordPolicy.FAILFAST)
                .block();
        for (int r = 0; r < chunked.size(); r++) {
            assertEquals((float) x((int) chunked.firstIndex() + r), chunked.x()[r]);
        }
    }

    @Test
    void aSingleTwoDimensionalXDatasetGivesOneVariablePerColumn() {
        for (String file : List.of("contiguous.h5", "chunked.h5")) {
            Hdf5Input in = input(file, null, "xy");
            assertEquals(2, in.variables(), file);
            for (Hdf5Slice slice : in.plan(7)) {
                for (int piece : new int[] {Hdf5Input.ELEMENTS_PER_READ, 150}) {
                    DataBlock b = Hdf5Input.read(slice, CONF, BadRecordPolicy.FAILFAST, piece)
                            .block();
                    assertEquals(2, b.variables());
                    for (int r = 0; r < b.size(); r++) {
                        int i = (int) slice.start() + r;
                        assertEquals(x(i), b.x()[2 * r], file + " x0 at row " + i);
                        assertEquals(i - 5000, b.x()[2 * r + 1], file + " x1 at row " + i);
                        assertEquals(y(i), b.y()[r]);
                    }
                }
            }
        }
    }

    @Test
    void datasetPathsMayOmitTheLeadingSlashAndSoftLinksAreFollowed() {
        Hdf5Input in = Hdf5Input.open(uri("contiguous.h5"), CONF, List.of("/link"), "/data/y", null);
        DataBlock b = Hdf5Input.read(in.plan(2).get(1), CONF, BadRecordPolicy.FAILFAST)
                .block();
        assertEquals(x((int) b.firstIndex()), b.x()[0]);
    }

    @Test
    void planBoundsAreContiguousBalancedAndNeverEmpty() {
        long[][] cases = {{10, 3, 100}, {10, 10, 100}, {10, 64, 100}, {1, 5, 100}, {1000, 2, 100}, {1001, 1, 7}};
        for (long[] c : cases) {
            long rows = c[0];
            long maxRows = c[2];
            long[] b = Hdf5Input.bounds(rows, (int) c[1], maxRows);
            long expectedCount = Math.min(rows, Math.max(c[1], (rows + maxRows - 1) / maxRows));
            assertEquals(expectedCount, b.length - 1, "slice count for " + List.of(c[0], c[1], c[2]));
            assertEquals(0, b[0]);
            assertEquals(rows, b[b.length - 1]);
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 1; i < b.length; i++) {
                min = Math.min(min, b[i] - b[i - 1]);
                max = Math.max(max, b[i] - b[i - 1]);
            }
            assertTrue(min >= 1, "no empty slice");
            assertTrue(max - min <= 1, "sizes differ by at most one");
            assertTrue(max <= maxRows, "no slice over the size limit");
        }
        assertArrayEquals(new long[] {0, 4, 7, 10}, Hdf5Input.bounds(10, 3, 100));
        assertThrows(IllegalArgumentException.class, () -> Hdf5Input.bounds(10, 0, 100));
    }

    @Test
    void planHasNoMoreSlicesThanRowsAndSlicesSurviveSerialization() throws Exception {
        Hdf5Input in = input("contiguous.h5", null, "x");
        List<Hdf5Slice> plan = in.plan(N + 5);
        assertEquals(N, plan.size());
        assertTrue(plan.stream().allMatch(s -> s.rows() == 1));
        assertEquals(N - 1, plan.get(N - 1).index());
        assertThrows(IllegalArgumentException.class, () -> in.plan(0));

        Hdf5Slice slice = in.plan(3).get(1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(slice);
        }
        try (ObjectInputStream back = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(slice, back.readObject());
        }
    }

    /** Opens, expecting a one-line message that starts with the file and mentions {@code words}. */
    private static DataException failsToOpen(
            Reason reason, String file, List<String> x, String y, String sigma, String... words) {
        DataException e = assertThrows(
                DataException.class, () -> Hdf5Input.open(file, CONF, x, y, sigma), String.join(" ", words));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void missingDatasetsAndGroupsAreMissingColumns() {
        String f = uri("contiguous.h5");
        DataException e = failsToOpen(
                Reason.MISSING_COLUMN, f, List.of("data/x"), "data/nope", null, "dataset 'data/nope': not found");
        assertTrue(e.getMessage().contains("/data/y"), "lists the datasets: " + e.getMessage());
        failsToOpen(Reason.MISSING_COLUMN, f, List.of("data"), "data/y", null, "dataset 'data': is a group");
        failsToOpen(
                Reason.MISSING_COLUMN,
                f,
                List.of("broken"),
                "data/y",
                null,
                "dataset 'broken': is a broken link",
                "/data/nowhere");
    }

    @Test
    void datasetsOfDifferentLengthsAreMalformed() {
        failsToOpen(
                Reason.MALFORMED,
                uri("contiguous.h5"),
                List.of("data/x"),
                "data/y",
                "data/short",
                "dataset 'data/short': has " + (N - 1) + " rows, but dataset 'data/y' has " + N);
    }

    @Test
    void twoDimensionalDatasetsAreRejectedWhereOneValuePerRowIsNeeded() {
        String f = uri("contiguous.h5");
        failsToOpen(
                Reason.MALFORMED, f, List.of("data/x"), "data/xy", null, "dataset 'data/xy': has shape [" + N + ", 2]");
        failsToOpen(
                Reason.MALFORMED,
                f,
                List.of("data/x", "data/xy"),
                "data/y",
                null,
                "dataset 'data/xy'",
                "must be the only x dataset");
    }

    @Test
    void nonNumericEmptyAndUnwrittenDatasetsAreRejected() {
        String f = uri("contiguous.h5");
        failsToOpen(
                Reason.MALFORMED, f, List.of("data/labels"), "data/y", null, "dataset 'data/labels'", "not numbers");
        failsToOpen(Reason.MALFORMED, f, List.of("data/u64"), "data/y", null, "dataset 'data/u64'", "uint64");
        failsToOpen(Reason.EMPTY, f, List.of("data/empty"), "data/empty", null, "dataset 'data/empty': has no rows");
        failsToOpen(
                Reason.EMPTY,
                f,
                List.of("data/unwritten"),
                "data/y",
                null,
                "dataset 'data/unwritten'",
                "no stored data");
    }

    @Test
    void missingDirectoryAndNonHdf5FilesAreUnreadable() throws IOException {
        List<String> x = List.of("x");
        Path text = Files.writeString(dir.resolve("notes.h5"), "this is a text file, not HDF5\n".repeat(50));
        failsToOpen(Reason.UNREADABLE, text.toUri().toString(), x, "y", null, "not an HDF5 file");
        Path tiny = Files.writeString(dir.resolve("tiny.h5"), "x");
        failsToOpen(Reason.UNREADABLE, tiny.toUri().toString(), x, "y", null, "not an HDF5 file");
        failsToOpen(Reason.UNREADABLE, uri("absent.h5"), x, "y", null, "no such file");
        Path folder = Files.createDirectories(dir.resolve("folder.h5"));
        failsToOpen(Reason.UNREADABLE, folder.toUri().toString(), x, "y", null, "is a directory");
    }

    @Test
    void aFileThatChangedSinceThePlanIsReportedNotRead() {
        Hdf5Slice stale = new Hdf5Slice(uri("contiguous.h5"), List.of("data/x"), "data/y", null, N + 1, 0, 10, 0);
        DataException e =
                assertThrows(DataException.class, () -> Hdf5Input.read(stale, CONF, BadRecordPolicy.FAILFAST));
        assertEquals(Reason.UNREADABLE, e.reason());
        assertTrue(e.getMessage().contains("was the file replaced?"), e.getMessage());
    }

    @Test
    void aFileCutShortFailsOnTheSliceThatNeedsTheMissingBytes() {
        Hdf5Input in = Hdf5Input.open(uri("truncated.h5"), CONF, List.of("x"), "y", null);
        List<Hdf5Slice> plan = in.plan(4);
        assertEquals(
                25000,
                Hdf5Input.read(plan.get(0), CONF, BadRecordPolicy.FAILFAST)
                        .block()
                        .size());
        DataException e =
                assertThrows(DataException.class, () -> Hdf5Input.read(plan.get(3), CONF, BadRecordPolicy.FAILFAST));
        assertEquals(Reason.UNREADABLE, e.reason());
        assertTrue(
                e.getMessage().startsWith(uri("truncated.h5") + ": dataset 'y': cannot read rows [75000, 100000): "),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static DataException badValue(List<String> x, String sigma, long start, long end) {
        Hdf5Slice slice = new Hdf5Slice(uri("bad.h5"), x, "y", sigma, BAD_N, start, end, 0);
        DataException e =
                assertThrows(DataException.class, () -> Hdf5Input.read(slice, CONF, BadRecordPolicy.FAILFAST));
        assertEquals(Reason.BAD_VALUE, e.reason());
        assertTrue(e.getMessage().startsWith(uri("bad.h5") + ": "), e.getMessage());
        return e;
    }

    @Test
    void failFastNamesTheDatasetAndTheGlobalRow() {
        String f = uri("bad.h5");
        assertEquals(
                f + ": dataset 'x': row 10: value Infinity is not finite",
                badValue(List.of("x"), "sigma", 0, BAD_N).getMessage());
        assertEquals(
                f + ": dataset 'y': row 20: value NaN is not finite",
                badValue(List.of("x"), "sigma", 11, BAD_N).getMessage());
        assertEquals(
                f + ": dataset 'sigma': row 30: sigma must be positive, got 0.0",
                badValue(List.of("x"), "sigma", 25, 50).getMessage());
        assertEquals(
                f + ": dataset 'sigma': row 40: sigma must be positive, got -1.0",
                badValue(List.of("x"), "sigma", 31, 50).getMessage());
        assertEquals(
                f + ": dataset 'x': row 50: value -Infinity is not finite",
                badValue(List.of("x"), "sigma", 41, 51).getMessage());
        assertEquals(
                f + ": dataset 'sigma': row 60: value Infinity is not finite",
                badValue(List.of("x"), "sigma", 51, 70).getMessage());
        assertEquals(
                f + ": dataset 'xy': row 15, column 1: value NaN is not finite",
                badValue(List.of("xy"), null, 12, 19).getMessage());
        Hdf5Slice clean = new Hdf5Slice(f, List.of("x"), "y", "sigma", BAD_N, 61, BAD_N, 0);
        assertEquals(
                39,
                Hdf5Input.read(clean, CONF, BadRecordPolicy.FAILFAST).block().size());
    }

    @Test
    void dropSkipsAndCountsBadRowsKeepingTheSliceStartAsFirstIndex() {
        Hdf5Input in = Hdf5Input.open(uri("bad.h5"), CONF, List.of("x"), "y", "sigma");
        List<Double> keptX = new ArrayList<>();
        long dropped = 0;
        for (Hdf5Slice slice : in.plan(7)) {
            Hdf5Block read = Hdf5Input.read(slice, CONF, BadRecordPolicy.DROP);
            DataBlock b = read.block();
            assertEquals(slice.start(), b.firstIndex());
            int bad = 0;
            for (int row : BAD_ROWS) {
                bad += row >= slice.start() && row < slice.end() ? 1 : 0;
            }
            assertEquals(bad, read.dropped(), "dropped in " + slice);
            assertEquals(slice.rows() - bad, b.size());
            dropped += read.dropped();
            for (int r = 0; r < b.size(); r++) {
                keptX.add(b.x()[r]);
                assertEquals(b.x()[r] + 1.0, b.y()[r]);
                assertEquals(1.0, b.sigma()[r]);
            }
        }
        assertEquals(BAD_ROWS.length, dropped);
        List<Double> expected = new ArrayList<>();
        for (int i = 0; i < BAD_N; i++) {
            if (Arrays.binarySearch(BAD_ROWS, i) < 0) {
                expected.add(i * 0.5);
            }
        }
        assertEquals(expected, keptX);

        Hdf5Slice allBad = new Hdf5Slice(uri("bad.h5"), List.of("x"), "y", "sigma", BAD_N, 10, 11, 0);
        Hdf5Block none = Hdf5Input.read(allBad, CONF, BadRecordPolicy.DROP);
        assertEquals(0, none.block().size());
        assertEquals(1, none.dropped());
    }

    @Test
    void theChannelReadsAnyRangeAndRefusesWrites() throws IOException {
        Path file = dir.resolve("bytes.bin");
        byte[] data = new byte[3 * HadoopSeekableChannel.WINDOW_BYTES + 17];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        Files.write(file, data);
        HadoopSeekableChannel ch = HadoopSeekableChannel.open(new org.apache.hadoop.fs.Path(file.toUri()), CONF);
        try (ch) {
            assertEquals(data.length, ch.size());
            int[][] reads = {
                {5, 3},
                {6, 10},
                {HadoopSeekableChannel.WINDOW_BYTES - 2, 5},
                {100, HadoopSeekableChannel.WINDOW_BYTES + 1},
                {0, data.length},
                {data.length - 4, 4}
            };
            for (int[] r : reads) {
                for (boolean direct : new boolean[] {false, true}) {
                    ByteBuffer buf = direct ? ByteBuffer.allocateDirect(r[1]) : ByteBuffer.allocate(r[1]);
                    ch.position(r[0]);
                    assertEquals(r[1], ch.read(buf));
                    assertEquals(r[0] + r[1], ch.position());
                    buf.flip();
                    byte[] got = new byte[r[1]];
                    buf.get(got);
                    assertArrayEquals(Arrays.copyOfRange(data, r[0], r[0] + r[1]), got, "read at " + r[0]);
                }
            }
            ByteBuffer past = ByteBuffer.allocate(8);
            ch.position(data.length - 3);
            assertEquals(3, ch.read(past), "a read at the end is short");
            assertEquals(-1, ch.read(past.clear()), "then the end of the file");
            assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
            assertThrows(NonWritableChannelException.class, () -> ch.truncate(0));
        }
        assertFalse(ch.isOpen());
        ch.close();
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
    }
}

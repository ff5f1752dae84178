package org.sparknlsq.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.io.DataException.Reason;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static CsvRequest request(BadRecordPolicy policy, String sigma, String... x) {
        return new CsvRequest(List.of(x), "y", sigma, policy);
    }

    /** All blocks joined, for comparing with expected arrays. */
    private static DataBlock joined(CsvData d) {
        List<DataBlock> blocks = d.blocks();
        int k = blocks.get(0).variables();
        int n = (int) d.points();
        double[] x = new double[n * k];
        double[] y = new double[n];
        double[] s = blocks.get(0).sigma() == null ? null : new double[n];
        for (DataBlock b : blocks) {
            int at = (int) b.firstIndex();
            System.arraycopy(b.x(), 0, x, at * k, b.x().length);
            System.arraycopy(b.y(), 0, y, at, b.size());
            if (s != null) {
                System.arraycopy(b.sigma(), 0, s, at, b.size());
            }
        }
        return new DataBlock(x, y, s, k, 0);
    }

    private static DataException fails(Path p, CsvRequest r) {
        return assertThrows(DataException.class, () -> CsvReader.read(p, r));
    }

    @Test
    void readsOnlyTheRequestedColumnsInRequestOrder() throws IOException {
        Path p = file("d.csv", "label,x2,y,x1,s\n\"a, b\",1,10,2,0.5\nc,3,30,4,0.25\n");
        CsvData d = CsvReader.read(p, request(BadRecordPolicy.FAILFAST, "s", "x1", "x2"));
        DataBlock b = joined(d);
        assertEquals(2, b.variables());
        assertArrayEquals(new double[] {2, 1, 4, 3}, b.x());
        assertArrayEquals(new double[] {10, 30}, b.y());
        assertArrayEquals(new double[] {0.5, 0.25}, b.sigma());
        assertEquals(0, d.droppedRecords());
        assertNull(d.firstDropped());
    }

    @Test
    void skipsCommentsBlanksBomAndCarriageReturnsAndMapsRecordsToLines() throws IOException {
        String text = "\uFEFF# comment before the header\r\n\r\n x , y \r\n1,2\r\n  # inside\r\n\r\n3, \"4.5\" \r\n5,6";
        CsvData d = CsvReader.read(file("d.csv", text), request(BadRecordPolicy.FAILFAST, null, "x"));
        assertArrayEquals(new double[] {1, 3, 5}, joined(d).x());
        assertArrayEquals(new double[] {2, 4.5, 6}, joined(d).y());
        assertNull(joined(d).sigma());
        assertEquals(4, d.lineOf(0));
        assertEquals(7, d.lineOf(1));
        assertEquals(8, d.lineOf(2));
        assertEquals(0, d.lineOf(3));
    }

    @Test
    void readsTabSeparatedAndGzippedFiles() throws IOException {
        CsvData tsv =
                CsvReader.read(file("d.tsv", "x\ty\n1\t2\n 3 \t4\n"), request(BadRecordPolicy.FAILFAST, null, "x"));
        assertArrayEquals(new double[] {2, 4}, joined(tsv).y());
        Path gz = dir.resolve("d.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("x,y\n1,2\n3,4\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertArrayEquals(
                new double[] {1, 3},
                joined(CsvReader.read(gz, request(BadRecordPolicy.FAILFAST, null, "x")))
                        .x());
    }

    @Test
    void readsManyRowsAcrossBufferBoundaries() throws IOException {
        int n = 150_000;
        StringBuilder b = new StringBuilder("i,x,y,comment\n");
        for (int i = 0; i < n; i++) {
            b.append(i)
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.9f", i * 1e-3))
                    .append(',')
                    .append(Math.sin(i))
                    .append(",row ")
                    .append(i)
                    .append('\n');
            if (i % 10_000 == 0) {
                b.append("# checkpoint ").append(i).append('\n');
            }
        }
        CsvData d = CsvReader.read(file("big.csv", b.toString()), request(BadRecordPolicy.FAILFAST, null, "x"));
        assertEquals(n, d.points());
        List<DataBlock> blocks = d.blocks();
        assertEquals((n + LocalSource.DEFAULT_CHUNK_SIZE - 1) / LocalSource.DEFAULT_CHUNK_SIZE, blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            assertEquals(
                    (long) i * LocalSource.DEFAULT_CHUNK_SIZE, blocks.get(i).firstIndex());
            assertEquals(
                    i < blocks.size() - 1 ? LocalSource.DEFAULT_CHUNK_SIZE : n % LocalSource.DEFAULT_CHUNK_SIZE,
                    blocks.get(i).size());
        }
        DataBlock all = joined(d);
        for (int i = 0; i < n; i += 997) {
            assertEquals(Math.sin(i), all.y()[i], 0.0);
            assertEquals(Double.parseDouble(String.format(Locale.ROOT, "%.9f", i * 1e-3)), all.x()[i], 0.0);
        }
        // Line 1 is the header, line 2 record 0, line 3 the first comment.
        assertEquals(2, d.lineOf(0));
        assertEquals(4, d.lineOf(1));
        assertEquals(n + 1 + 15, d.lineOf(n - 1));
    }

    @Test
    void lineScannerHandlesLinesLongerThanItsBuffer() throws IOException {
        String text = "a\nbbbbbbbbbbbbbbbbbbbb\r\n\ncc";
        LineScanner s = new LineScanner(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), 4);
        List<String> lines = new ArrayList<>();
        while (s.next()) {
            lines.add(new String(s.buffer(), s.start(), s.end() - s.start(), StandardCharsets.US_ASCII) + "@"
                    + s.lineNumber());
        }
        assertEquals(List.of("a@1", "bbbbbbbbbbbbbbbbbbbb@2", "@3", "cc@4"), lines);
    }

    @Test
    void dropPolicyCountsAndSkipsBadRecords() throws IOException {
        String text = "x,y,s\n1,1,1\n2,nan,1\ninf,3,1\n4,4,0\n5,,1\n6,6,-1\n7,7,1\n";
        CsvData d = CsvReader.read(file("d.csv", text), request(BadRecordPolicy.DROP, "s", "x"));
        assertArrayEquals(new double[] {1, 7}, joined(d).x());
        assertEquals(5, d.droppedRecords());
        assertEquals(
                "d.csv:3: column 'y': value \"nan\" is not finite",
                d.firstDropped().replace(dir + "/", ""));
        assertEquals(2, d.lineOf(0));
        assertEquals(8, d.lineOf(1));
    }

    @Test
    void blocksFillUpAcrossDroppedRecordsAndKeepGlobalIndexes() throws IOException {
        String text = "x,y\n1,1\n2,nan\n3,3\n4,4\n5,5\n";
        CsvData d =
                CsvReader.read(file("d.csv", text), new CsvRequest(List.of("x"), "y", null, BadRecordPolicy.DROP, 2));
        assertEquals(4, d.points());
        assertEquals(2, d.blocks().size());
        assertArrayEquals(new double[] {1, 3}, d.blocks().get(0).x());
        assertArrayEquals(new double[] {4, 5}, d.blocks().get(1).x());
        assertEquals(2, d.blocks().get(1).firstIndex());
        assertEquals(5, d.lineOf(2));
        CsvData odd = CsvReader.read(
                file("o.csv", "x,y\n1,1\n2,2\n3,3\n"),
                new CsvRequest(List.of("x"), "y", null, BadRecordPolicy.DROP, 2));
        assertEquals(1, odd.blocks().get(1).size());
        assertEquals(1, odd.blocks().get(1).x().length);
    }

    @Test
    void failFastNamesFileLineAndColumn() throws IOException {
        Path p = file("d.csv", "x,y,s\n1,1,1\n2,2,0\n");
        DataException e = fails(p, request(BadRecordPolicy.FAILFAST, "s", "x"));
        assertEquals(Reason.BAD_VALUE, e.reason());
        assertEquals(3, e.line());
        assertEquals(p + ":3: column 's': sigma must be positive, got 0", e.getMessage());
        Path inf = file("inf.csv", "x,y\n-inf,1\n");
        assertEquals(
                inf + ":2: column 'x': value \"-inf\" is not finite",
                fails(inf, request(BadRecordPolicy.FAILFAST, null, "x")).getMessage());
        assertEquals(
                p + ":2: column 'y': missing value",
                fails(file("d.csv", "x,y\n1, \n"), request(BadRecordPolicy.FAILFAST, null, "x"))
                        .getMessage());
    }

    @Test
    void malformedLinesFailUnderEveryPolicy() throws IOException {
        for (BadRecordPolicy policy : BadRecordPolicy.values()) {
            Path p = file("m.csv", "x,y\n1,2\n2,abc\n");
            DataException e = fails(p, request(policy, null, "x"));
            assertEquals(Reason.MALFORMED, e.reason());
            assertEquals(p + ":3: column 'y': cannot parse \"abc\" as a number", e.getMessage());
            assertEquals(
                    p + ":3: expected 2 fields (as in the header), found 3",
                    fails(file("m.csv", "x,y\n1,2\n1,2,3\n"), request(policy, null, "x"))
                            .getMessage());
            assertTrue(fails(file("m.csv", "x,y\n1,\"2\n"), request(policy, null, "x"))
                    .getMessage()
                    .endsWith(":2: field 2: quoted field has no closing quote"));
            assertTrue(fails(file("m.csv", "x,y\n1,\"2\"3\n"), request(policy, null, "x"))
                    .getMessage()
                    .endsWith(":2: field 2: unexpected text after the closing quote"));
        }
    }

    @Test
    void missingAndDuplicateColumnsListTheHeader() throws IOException {
        Path p = file("d.csv", "# c\nx,Y,s\n1,2,3\n");
        DataException e = fails(p, request(BadRecordPolicy.FAILFAST, null, "x"));
        assertEquals(Reason.MISSING_COLUMN, e.reason());
        assertEquals(
                p + ":2: no column 'y' in the header (did you mean 'Y'?); available columns: x, Y, s", e.getMessage());
        Path dup = file("dup.csv", "x,y,x\n1,2,3\n");
        assertEquals(
                dup + ":1: column 'x': appears more than once in the header (fields 1 and 3)",
                fails(dup, request(BadRecordPolicy.FAILFAST, null, "x")).getMessage());
    }

    @Test
    void emptyAndMissingFiles() throws IOException {
        CsvRequest r = request(BadRecordPolicy.DROP, null, "x");
        assertEquals(Reason.EMPTY, fails(file("e.csv", ""), r).reason());
        assertTrue(fails(file("e.csv", "# nothing\n\n"), r).getMessage().endsWith("the file is empty (no header row)"));
        assertTrue(fails(file("e.csv", "x,y\n# none\n"), r).getMessage().endsWith("no data rows after the header"));
        assertTrue(fails(file("e.csv", "x,y\n1,nan\n"), r)
                .getMessage()
                .contains("no data rows left: all 1 record(s) were dropped as bad (first: "));
        DataException missing = fails(dir.resolve("none.csv"), r);
        assertEquals(Reason.UNREADABLE, missing.reason());
        assertEquals(dir.resolve("none.csv") + ": no such file", missing.getMessage());
        assertTrue(fails(dir, r).getMessage().endsWith("is a directory, not a data file"));
        Path notGzip = file("bad.csv.gz", "x,y\n1,2\n");
        DataException gz = fails(notGzip, r);
        assertEquals(Reason.UNREADABLE, gz.reason());
        assertTrue(gz.getMessage().startsWith(notGzip + ": cannot read: "), gz.getMessage());
    }

    /**
     * A file with comments, blank lines, CRLF line ends, quoted fields and (as asked) bad records
     * scattered through it, for comparing the parallel read with a single pass.
     */
    private Path scattered(String name, int n, int badEvery) throws IOException {
        StringBuilder b = new StringBuilder("\uFEFF# made for the test\n\nx,y,\"s\"\n");
        for (int i = 0; i < n; i++) {
            if (i % 97 == 0) {
                b.append("# note ").append(i).append('\n');
            }
            if (i % 89 == 0) {
                b.append("   \r\n");
            }
            String y = badEvery > 0 && i % badEvery == badEvery - 1 ? "nan" : Double.toString(Math.cos(i) * 1e3);
            b.append(String.format(Locale.ROOT, "%.17g", i / 7.0))
                    .append(',')
                    .append(i % 5 == 0 ? "\"" + y + "\"" : y)
                    .append(',')
                    .append(0.5 + (i % 3))
                    .append(i % 2 == 0 ? "\r\n" : "\n");
        }
        return file(name, b.toString());
    }

    /** The same points in the same blocks, bit for bit, and the same lines and drops. */
    private static void assertSameRead(CsvData expected, CsvData actual) {
        assertEquals(expected.points(), actual.points());
        assertEquals(expected.droppedRecords(), actual.droppedRecords());
        assertEquals(expected.firstDropped(), actual.firstDropped());
        assertEquals(expected.blocks().size(), actual.blocks().size());
        for (int i = 0; i < expected.blocks().size(); i++) {
            DataBlock e = expected.blocks().get(i);
            DataBlock a = actual.blocks().get(i);
            assertEquals(e.firstIndex(), a.firstIndex());
            assertArrayEquals(e.x(), a.x());
            assertArrayEquals(e.y(), a.y());
            assertArrayEquals(e.sigma(), a.sigma());
        }
        for (long r = -1; r <= expected.points(); r++) {
            assertEquals(expected.lineOf(r), actual.lineOf(r), "record " + r);
        }
    }

    @Test
    void aParallelReadIsTheSinglePassWhateverTheCut() throws IOException {
        Path p = scattered("p.csv", 60_000, 0);
        Path bad = scattered("bad.csv", 60_000, 1_234);
        CsvRequest keep = new CsvRequest(List.of("x"), "y", "s", BadRecordPolicy.FAILFAST, 1_000);
        CsvRequest drop = new CsvRequest(List.of("x"), "y", "s", BadRecordPolicy.DROP, 1_000);
        CsvData single = CsvReader.read(p, keep, Integer.MAX_VALUE, 1);
        CsvData singleDropped = CsvReader.read(bad, drop, Integer.MAX_VALUE, 1);
        assertEquals(60_000 / 1_234, singleDropped.droppedRecords());
        for (int rangeBytes : new int[] {64, 4_099, 100_000}) {
            for (int threads : new int[] {2, 3, 8}) {
                assertSameRead(single, CsvReader.read(p, keep, rangeBytes, threads));
                assertSameRead(singleDropped, CsvReader.read(bad, drop, rangeBytes, threads));
            }
        }
    }

    @Test
    void aParallelReadReportsTheFirstBadLineInTheFile() throws IOException {
        Path bad = scattered("bad.csv", 60_000, 20_000);
        CsvRequest r = new CsvRequest(List.of("x"), "y", "s", BadRecordPolicy.FAILFAST, 1_000);
        String expected = assertThrows(DataException.class, () -> CsvReader.read(bad, r, Integer.MAX_VALUE, 1))
                .getMessage();
        assertTrue(expected.matches(".*bad\\.csv:\\d+: column 'y': value \"nan\" is not finite"), expected);
        for (int rangeBytes : new int[] {64, 50_000}) {
            for (int threads : new int[] {2, 4}) {
                assertEquals(
                        expected,
                        assertThrows(DataException.class, () -> CsvReader.read(bad, r, rangeBytes, threads))
                                .getMessage());
            }
        }
        Path malformed = file("m.csv", "x,y\n" + "1,2\n".repeat(5_000) + "1,2,3\n" + "1,2\n".repeat(5_000) + "1\n");
        CsvRequest plain = request(BadRecordPolicy.DROP, null, "x");
        assertEquals(
                malformed + ":5002: expected 2 fields (as in the header), found 3",
                assertThrows(DataException.class, () -> CsvReader.read(malformed, plain, 64, 3))
                        .getMessage());
    }
}

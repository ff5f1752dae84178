package org.sparknlsq.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.sparknlsq.io.DataException.Reason;
import org.sparknlsq.kernel.DataBlock;

/**
 * Reads the requested columns of a delimited text file into primitive arrays.
 *
 * <p>Format: a header row naming the columns is required; fields are separated by commas, or by
 * tabs when the name ends in {@code .tsv} or {@code .tab}; a {@code .gz} suffix is decompressed.
 * Blank lines and lines whose first non-blank character is {@code #} are skipped anywhere in the
 * file. Blanks around a field are ignored; a field may be double-quoted ({@code "1.5"}, with
 * {@code ""} for a quote inside), which also allows separators inside it. Line ends are {@code \n}
 * or {@code \r\n}; a UTF-8 byte-order mark is skipped. Numbers follow {@link DecimalParser}.
 *
 * <p>Every data line must have as many fields as the header. Only the requested columns are
 * parsed; the others are skipped without conversion, and no object is created per row. The values
 * go into {@link DataBlock}s of {@link CsvRequest#blockRows()} rows, the unit the local source
 * evaluates in parallel. Problems are reported as {@link DataException}s naming the file, the line
 * and the column; a missing value, a non-finite value or a sigma ≤ 0 is handled by the {@link
 * BadRecordPolicy}.
 *
 * <p>In parallel: an uncompressed file of at least two ranges of {@value #RANGE_BYTES} bytes is
 * cut after the header into byte ranges that end at line ends (no field may hold a line end, so a
 * cut never splits a record), and the ranges are parsed on the machine's cores. Nothing of the
 * result depends on the cut: the records are joined in file order into the same blocks a single
 * pass makes (one copy of the data, block by block, so at most one range's block is held twice),
 * line numbers are counted from the file's start, and of several bad lines the first in the file
 * is reported, as a single pass would. A range stops early once a range before it has failed.
 */
public final class CsvReader {
    /** The least bytes per range: below this a thread costs more than it parses. */
    static final int RANGE_BYTES = 4 << 20;

    private static final int BUFFER_BYTES = 1 << 20;
    private static final int SAMPLE_BYTES = 1 << 16;
    private static final int SHOWN_CHARS = 40;
    /** Lines a range parses between looks at whether an earlier range failed. */
    private static final int ABORT_CHECK_LINES = 4096;

    private final String file;
    private final CsvRequest request;
    private final byte separator;
    private final int k;
    private String[] slotNames;
    private int[] fieldOfSlot;
    private int fieldCount;

    private CsvReader(String file, CsvRequest request, byte separator) {
        this.file = file;
        this.request = request;
        this.separator = separator;
        this.k = request.xColumns().size();
    }

    /**
     * Reads {@code path}, on all cores when it is large enough.
     *
     * @throws DataException if the file is missing, unreadable, malformed, lacks a column, has no
     *     data rows, or (under {@link BadRecordPolicy#FAILFAST}) holds a bad value
     */
    public static CsvData read(Path path, CsvRequest request) {
        return read(path, request, RANGE_BYTES, Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #read(Path, CsvRequest)}, with ranges of at least {@code rangeBytes} on {@code threads} threads. */
    static CsvData read(Path path, CsvRequest request, int rangeBytes, int threads) {
        String file = path.toString();
        if (!Files.exists(path)) {
            throw new DataException(Reason.UNREADABLE, file, 0, null, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new DataException(Reason.UNREADABLE, file, 0, null, "is a directory, not a data file");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean gzip = name.endsWith(".gz");
        String base = gzip ? name.substring(0, name.length() - 3) : name;
        byte separator = base.endsWith(".tsv") || base.endsWith(".tab") ? (byte) '\t' : (byte) ',';
        CsvReader reader = new CsvReader(file, request, separator);
        InputStream in = null;
        Range first = null;
        try {
            if (gzip) {
                in = new GZIPInputStream(Files.newInputStream(path), 1 << 16);
                first = reader.new Range(new LineScanner(in, BUFFER_BYTES), 0, null);
                reader.readHeader(first);
                first.parseAll();
                return reader.join(List.of(first), 0);
            }
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = channel.size();
                in = new RangeStream(channel, 0, size);
                first = reader.new Range(new LineScanner(in, BUFFER_BYTES), 0, null);
                reader.readHeader(first);
                long dataStart = first.scanner.offset();
                long[] cuts = cuts(channel, dataStart, size, rangeBytes, threads);
                if (cuts.length == 2) {
                    first.parseAll();
                    return reader.join(List.of(first), 0);
                }
                return reader.parallel(channel, cuts, threads, first.scanner.lineNumber());
            }
        } catch (IOException e) {
            long line = first == null ? 0 : first.scanner.lineNumber();
            throw new DataException(file, line, "cannot read: " + describe(e), e);
        } catch (Problem p) {
            throw p.at(file, 0);
        } finally {
            closeQuietly(in);
        }
    }

    /**
     * About how many records {@code path} holds (counting its header), before reading it: its line count when its first
     * {@value #SAMPLE_BYTES} bytes are all of it, else its size over the bytes per line of that
     * sample, plus a tenth (a {@code .gz} file's size counted 4x, about what numeric text
     * compresses by). For sizing only; 0 if the file cannot be read, whose reading then says why.
     */
    public static long estimateRecords(Path path) {
        boolean gzip = path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        try (InputStream raw = Files.newInputStream(path);
                InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
            byte[] sample = in.readNBytes(SAMPLE_BYTES);
            long lines = 0;
            for (byte b : sample) {
                lines += b == '\n' ? 1 : 0;
            }
            if (sample.length < SAMPLE_BYTES) {
                return lines + (sample.length > 0 && sample[sample.length - 1] != '\n' ? 1 : 0);
            }
            double bytes = Files.size(path) * (gzip ? 4.0 : 1.0);
            return (long) Math.ceil(1.1 * bytes * Math.max(lines, 1) / sample.length);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Range boundaries over {@code [from, size)}: {@code from}, each later cut moved forward to just
     * after a line end, then {@code size}. Two values when the data are too small to share out.
     */
    private static long[] cuts(FileChannel channel, long from, long size, int rangeBytes, int threads)
            throws IOException {
        long bytes = size - from;
        if (threads < 2 || bytes < 2L * rangeBytes) {
            return new long[] {from, size};
        }
        // a few ranges per thread, so that an uneven range does not leave a core idle at the end
        int ranges = (int) Math.min(4L * threads, bytes / rangeBytes);
        long[] cuts = new long[ranges + 1];
        int n = 0;
        cuts[n++] = from;
        ByteBuffer window = ByteBuffer.allocate(1 << 16);
        for (int r = 1; r < ranges; r++) {
            long at = afterLineEnd(channel, from + bytes * r / ranges, size, window);
            if (at > cuts[n - 1] && at < size) {
                cuts[n++] = at;
            }
        }
        cuts[n++] = size;
        return Arrays.copyOf(cuts, n);
    }

    /** The offset just after the first line end at or after {@code at}, or {@code size}. */
    private static long afterLineEnd(FileChannel channel, long at, long size, ByteBuffer window) throws IOException {
        long position = at;
        while (position < size) {
            window.clear();
            int read = channel.read(window, position);
            if (read <= 0) {
                return size;
            }
            for (int i = 0; i < read; i++) {
                if (window.get(i) == '\n') {
                    return position + i + 1;
                }
            }
            position += read;
        }
        return size;
    }

    /** Parses the ranges between {@code cuts} on up to {@code threads} threads and joins them. */
    private CsvData parallel(FileChannel channel, long[] cuts, int threads, long headerLine) {
        int count = cuts.length - 1;
        AtomicInteger firstFailed = new AtomicInteger(Integer.MAX_VALUE);
        List<Range> ranges = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            LineScanner scanner = new LineScanner(new RangeStream(channel, cuts[r], cuts[r + 1]), BUFFER_BYTES, false);
            ranges.add(new Range(scanner, r, firstFailed));
        }
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int r = next.getAndIncrement(); r < count; r = next.getAndIncrement()) {
                ranges.get(r).parseGuarded();
            }
        };
        Thread[] workers = new Thread[Math.min(threads, count) - 1];
        for (int t = 0; t < workers.length; t++) {
            workers[t] = new Thread(work, "csv-read-" + (t + 1));
            workers[t].setDaemon(true);
            workers[t].start();
        }
        work.run();
        for (Thread t : workers) {
            joinUninterruptibly(t);
        }
        return join(ranges, headerLine);
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Joins parsed ranges in file order: reports the first failure in the file, else the blocks
     * (cut again into blocks of {@link CsvRequest#blockRows()} rows numbered from 0 when there is
     * more than one range), the dropped records and the record-to-line map.
     *
     * @param lineBase lines before the first range's first line (0 when it read the header itself)
     */
    private CsvData join(List<Range> ranges, long lineBase) {
        long base = lineBase;
        long dropped = 0;
        String firstDropped = null;
        for (Range r : ranges) {
            if (r.failure != null) {
                throw r.failure instanceof Problem p ? p.at(file, base) : r.failure;
            }
            if (r.ioFailure != null) {
                throw new DataException(
                        file, base + r.scanner.lineNumber(), "cannot read: " + describe(r.ioFailure), r.ioFailure);
            }
            if (firstDropped == null && r.firstDropped != null) {
                firstDropped = r.firstDropped.at(file, base).getMessage();
            }
            dropped += r.dropped;
            base += r.scanner.lineNumber();
        }
        LineMap lines = new LineMap();
        List<DataBlock> blocks;
        long points = 0;
        if (ranges.size() == 1) {
            Range only = ranges.get(0);
            blocks = only.blocks;
            points = only.kept;
            lines = only.lines;
        } else {
            Reblocker out = new Reblocker();
            base = lineBase;
            for (Range r : ranges) {
                lines.append(r.lines, points, base);
                for (int i = 0; i < r.blocks.size(); i++) {
                    out.add(r.blocks.get(i));
                    r.blocks.set(i, null); // copied: let it go before the next is
                }
                points += r.kept;
                base += r.scanner.lineNumber();
            }
            blocks = out.finish();
        }
        if (points == 0) {
            throw new DataException(
                    Reason.EMPTY,
                    file,
                    0,
                    null,
                    dropped == 0
                            ? "no data rows after the header"
                            : "no data rows left: all " + dropped + " record(s) were dropped as bad (first: "
                                    + firstDropped + ")");
        }
        return new CsvData(file, List.copyOf(blocks), points, dropped, firstDropped, lines);
    }

    /** Copies blocks of any size into blocks of {@link CsvRequest#blockRows()} rows, in order. */
    private final class Reblocker {
        private final int rows = request.blockRows();
        private final boolean withSigma = request.sigmaColumn() != null;
        private final List<DataBlock> done = new ArrayList<>();
        private double[] x;
        private double[] y;
        private double[] sigma;
        private int n;
        private long first;

        void add(DataBlock b) {
            int from = 0;
            while (from < b.size()) {
                if (x == null) {
                    x = new double[rows * k];
                    y = new double[rows];
                    sigma = withSigma ? new double[rows] : null;
                }
                int take = Math.min(rows - n, b.size() - from);
                System.arraycopy(b.x(), from * k, x, n * k, take * k);
                System.arraycopy(b.y(), from, y, n, take);
                if (withSigma) {
                    System.arraycopy(b.sigma(), from, sigma, n, take);
                }
                n += take;
                from += take;
                if (n == rows) {
                    seal();
                }
            }
        }

        private void seal() {
            done.add(new DataBlock(x, y, sigma, k, first));
            first += n;
            n = 0;
            x = null;
        }

        List<DataBlock> finish() {
            if (n > 0) {
                x = Arrays.copyOf(x, n * k);
                y = Arrays.copyOf(y, n);
                sigma = sigma == null ? null : Arrays.copyOf(sigma, n);
                seal();
            }
            return done;
        }
    }

    /** An I/O failure in words; file-system exceptions carry only the path as their message. */
    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Reads the header from the first content line of {@code r} and finds the requested columns. */
    private void readHeader(Range r) throws IOException {
        if (!r.nextContentLine()) {
            throw new Problem(Reason.EMPTY, 0, null, "the file is empty (no header row)");
        }
        LineScanner s = r.scanner;
        r.fieldStart = new int[0];
        r.fieldEnd = new int[0];
        int count = r.split();
        r.fieldStart = new int[count];
        r.fieldEnd = new int[count];
        r.split();
        fieldCount = count;
        List<String> header = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
            String raw =
                    new String(s.buffer(), r.fieldStart[f], r.fieldEnd[f] - r.fieldStart[f], StandardCharsets.UTF_8);
            header.add(raw.replace("\"\"", "\""));
        }
        List<String> wanted = new ArrayList<>(request.xColumns());
        wanted.add(request.yColumn());
        if (request.sigmaColumn() != null) {
            wanted.add(request.sigmaColumn());
        }
        slotNames = wanted.toArray(new String[0]);
        fieldOfSlot = new int[slotNames.length];
        for (int slot = 0; slot < slotNames.length; slot++) {
            fieldOfSlot[slot] = column(header, slotNames[slot], s.lineNumber());
        }
    }

    private int column(List<String> header, String name, long line) {
        int f = header.indexOf(name);
        if (f < 0) {
            String hint = "";
            for (String h : header) {
                if (h.equalsIgnoreCase(name)) {
                    hint = " (did you mean '" + h + "'?)";
                }
            }
            throw new Problem(
                    Reason.MISSING_COLUMN,
                    line,
                    null,
                    "no column '" + name + "' in the header" + hint + "; available columns: "
                            + String.join(", ", header));
        }
        if (header.lastIndexOf(name) != f) {
            throw new Problem(
                    Reason.MISSING_COLUMN,
                    line,
                    name,
                    "appears more than once in the header (fields " + (f + 1) + " and " + (header.lastIndexOf(name) + 1)
                            + ")");
        }
        return f;
    }

    /**
     * A problem at a line counted from the start of its range; {@link #at} makes the exception with
     * the line in the file. Thrown inside a range, so it carries no stack trace.
     */
    private static final class Problem extends RuntimeException {
        private final Reason reason;
        private final long line;
        private final String column;
        private final String text;

        Problem(Reason reason, long line, String column, String text) {
            super(text, null, false, false);
            this.reason = reason;
            this.line = line;
            this.column = column;
            this.text = text;
        }

        DataException at(String file, long lineBase) {
            return new DataException(reason, file, line == 0 ? 0 : lineBase + line, column, text);
        }
    }

    /**
     * One byte range of the file and what parsing it gave: blocks numbered from the range's first
     * record, lines counted from its first line.
     */
    private final class Range {
        final LineScanner scanner;
        private final int index;
        private final AtomicInteger firstFailed;
        private final DecimalParser parser = new DecimalParser();
        final LineMap lines = new LineMap();
        final List<DataBlock> blocks = new ArrayList<>();
        int[] fieldStart;
        int[] fieldEnd;
        private double[] x;
        private double[] y;
        private double[] sigma;
        /** Rows in the current block. */
        private int n;
        /** Records kept in sealed blocks, then in all once parsed. */
        long kept;

        long dropped;
        Problem firstDropped;
        RuntimeException failure;
        IOException ioFailure;

        /** @param firstFailed the lowest index of a failed range, or null for a range on its own */
        Range(LineScanner scanner, int index, AtomicInteger firstFailed) {
            this.scanner = scanner;
            this.index = index;
            this.firstFailed = firstFailed;
        }

        /** {@link #parseAll}, keeping a failure for the join instead of throwing it. */
        void parseGuarded() {
            fieldStart = new int[fieldCount];
            fieldEnd = new int[fieldCount];
            try {
                parseAll();
            } catch (IOException e) {
                ioFailure = e;
                firstFailed.accumulateAndGet(index, Math::min);
            } catch (RuntimeException e) {
                failure = e;
                firstFailed.accumulateAndGet(index, Math::min);
            }
        }

        /** Parses every remaining line; stops early when a range before this one has failed. */
        void parseAll() throws IOException {
            newBlock();
            double[] row = new double[k + 2];
            int sinceCheck = 0;
            while (nextContentLine()) {
                if (parseRecord(row)) {
                    append(row, scanner.lineNumber());
                }
                if (firstFailed != null && ++sinceCheck == ABORT_CHECK_LINES) {
                    sinceCheck = 0;
                    if (firstFailed.get() < index) {
                        return; // its failure is the one reported; the rest is not needed
                    }
                }
            }
            if (n > 0) {
                x = Arrays.copyOf(x, n * k);
                y = Arrays.copyOf(y, n);
                sigma = sigma == null ? null : Arrays.copyOf(sigma, n);
                seal();
            }
        }

        /** Advances past blank and comment lines; false at the end of the range. */
        boolean nextContentLine() throws IOException {
            while (scanner.next()) {
                byte[] b = scanner.buffer();
                int i = scanner.start();
                while (i < scanner.end() && (b[i] == ' ' || b[i] == '\t')) {
                    i++;
                }
                if (i < scanner.end() && b[i] != '#') {
                    return true;
                }
            }
            return false;
        }

        /**
         * Parses the requested fields of the current line into {@code row}. Returns false if the
         * record was dropped; throws for malformed lines and, under fail-fast, for bad values.
         */
        private boolean parseRecord(double[] row) {
            int count = split();
            if (count != fieldCount) {
                throw new Problem(
                        Reason.MALFORMED,
                        scanner.lineNumber(),
                        null,
                        "expected " + fieldCount + " fields (as in the header), found " + count);
            }
            byte[] b = scanner.buffer();
            int bad = -1;
            String problem = null;
            for (int slot = 0; slot < slotNames.length; slot++) {
                int from = fieldStart[fieldOfSlot[slot]];
                int to = fieldEnd[fieldOfSlot[slot]];
                double v = from == to ? Double.NaN : parser.parse(b, from, to);
                if (parser.failed() && from < to) {
                    throw new Problem(
                            Reason.MALFORMED,
                            scanner.lineNumber(),
                            slotNames[slot],
                            "cannot parse \"" + shown(b, from, to) + "\" as a number");
                }
                row[slot] = v;
                if (bad < 0) {
                    if (from == to) {
                        problem = "missing value";
                    } else if (!Double.isFinite(v)) {
                        problem = "value \"" + shown(b, from, to) + "\" is not finite";
                    } else if (slot == k + 1 && !(v > 0)) {
                        problem = "sigma must be positive, got " + shown(b, from, to);
                    }
                    bad = problem == null ? -1 : slot;
                }
            }
            if (bad < 0) {
                return true;
            }
            Problem p = new Problem(Reason.BAD_VALUE, scanner.lineNumber(), slotNames[bad], problem);
            if (request.policy() == BadRecordPolicy.FAILFAST) {
                throw p;
            }
            if (dropped++ == 0) {
                firstDropped = p;
            }
            return false;
        }

        /**
         * Finds the fields of the current line: the bounds of the first {@code fieldStart.length}
         * fields (blanks and quotes removed) go to {@code fieldStart}/{@code fieldEnd}. Returns the
         * number of fields.
         */
        int split() {
            byte[] b = scanner.buffer();
            int end = scanner.end();
            int i = scanner.start();
            int f = 0;
            while (true) {
                while (i < end && isBlank(b[i])) {
                    i++;
                }
                int from;
                int to;
                if (i < end && b[i] == '"') {
                    from = i + 1;
                    int j = from;
                    while (j < end && (b[j] != '"' || (j + 1 < end && b[j + 1] == '"'))) {
                        j += b[j] == '"' ? 2 : 1;
                    }
                    if (j >= end) {
                        throw new Problem(
                                Reason.MALFORMED,
                                scanner.lineNumber(),
                                null,
                                "field " + (f + 1) + ": quoted field has no closing quote");
                    }
                    to = j;
                    i = j + 1;
                    while (i < end && isBlank(b[i])) {
                        i++;
                    }
                    if (i < end && b[i] != separator) {
                        throw new Problem(
                                Reason.MALFORMED,
                                scanner.lineNumber(),
                                null,
                                "field " + (f + 1) + ": unexpected text after the closing quote");
                    }
                } else {
                    from = i;
                    while (i < end && b[i] != separator) {
                        i++;
                    }
                    to = i;
                    while (to > from && isBlank(b[to - 1])) {
                        to--;
                    }
                }
                if (f < fieldStart.length) {
                    fieldStart[f] = from;
                    fieldEnd[f] = to;
                }
                f++;
                if (i >= end) {
                    return f;
                }
                i++;
            }
        }

        private void append(double[] row, long line) {
            int base = n * k;
            for (int j = 0; j < k; j++) {
                x[base + j] = row[j];
            }
            y[n] = row[k];
            if (sigma != null) {
                sigma[n] = row[k + 1];
            }
            lines.add(kept + n, line);
            if (++n == request.blockRows()) {
                seal();
                newBlock();
            }
        }

        private void newBlock() {
            int rows = request.blockRows();
            x = new double[rows * k];
            y = new double[rows];
            sigma = request.sigmaColumn() == null ? null : new double[rows];
        }

        /** Closes the current block; its first point has the range's record index {@code kept}. */
        private void seal() {
            blocks.add(new DataBlock(x, y, sigma, k, kept));
            kept += n;
            n = 0;
        }
    }

    private boolean isBlank(byte c) {
        return c == ' ' || (c == '\t' && separator != '\t');
    }

    /** Bytes {@code [from, to)} of a file, by positional reads: ranges share one channel safely. */
    private static final class RangeStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private final long end;

        RangeStream(FileChannel channel, long from, long to) {
            this.channel = channel;
            this.position = from;
            this.end = to;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            int want = (int) Math.min(len, end - position);
            int read = channel.read(ByteBuffer.wrap(b, off, want), position);
            if (read < 0) {
                return -1;
            }
            position += read;
            return read;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** The field text for a message: printable, and cut to a readable length. */
    private static String shown(byte[] b, int from, int to) {
        String t = new String(b, from, Math.min(to - from, SHOWN_CHARS * 4), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.length() && sb.length() < SHOWN_CHARS; i++) {
            char c = t.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.length() < t.length() ? sb + "..." : sb.toString();
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // The data were read (or an error is already on its way); a failing close adds nothing.
            }
        }
    }
}

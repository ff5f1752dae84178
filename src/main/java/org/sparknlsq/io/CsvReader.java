package org.sparknlsq.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
 * parsed; the others are skipped without conversion, and no object is created per row. The
 * values go straight into {@link DataBlock}s of {@link CsvRequest#blockRows()} rows, the unit the
 * local source evaluates in parallel: unlike one growable array, this never holds two copies of
 * the data (no doubling, no final trim, no later slicing), so 10⁷ rows cost their arrays and
 * little more. Problems are reported as {@link DataException}s naming the file, the line and the
 * column; a missing value, a non-finite value or a sigma ≤ 0 is handled by the {@link
 * BadRecordPolicy}.
 */
public final class CsvReader {
    private static final int BUFFER_BYTES = 1 << 20;
    private static final int SHOWN_CHARS = 40;

    private final String file;
    private final CsvRequest request;
    private final byte separator;
    private final DecimalParser parser = new DecimalParser();
    private final LineMap lines = new LineMap();
    private final List<DataBlock> blocks = new ArrayList<>();
    private final int k;
    private final int blockRows;
    private String[] slotNames;
    private int[] fieldOfSlot;
    private int fieldCount;
    private int[] fieldStart;
    private int[] fieldEnd;
    private double[] x;
    private double[] y;
    private double[] sigma;
    /** Rows in the current block, and in all sealed blocks before it. */
    private int n;

    private long sealed;
    private long dropped;
    private String firstDropped;

    private CsvReader(String file, CsvRequest request, byte separator) {
        this.file = file;
        this.request = request;
        this.separator = separator;
        this.k = request.xColumns().size();
        this.blockRows = request.blockRows();
    }

    /**
     * Reads {@code path}.
     *
     * @throws DataException if the file is missing, unreadable, malformed, lacks a column, has no
     *     data rows, or (under {@link BadRecordPolicy#FAILFAST}) holds a bad value
     */
    public static CsvData read(Path path, CsvRequest request) {
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
        LineScanner scanner = null;
        try {
            in = Files.newInputStream(path);
            if (gzip) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            scanner = new LineScanner(in, BUFFER_BYTES);
            return reader.readAll(scanner);
        } catch (IOException e) {
            long line = scanner == null ? 0 : scanner.lineNumber();
            throw new DataException(file, line, "cannot read: " + describe(e), e);
        } finally {
            closeQuietly(in);
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

    private CsvData readAll(LineScanner s) throws IOException {
        if (!nextContentLine(s)) {
            throw new DataException(Reason.EMPTY, file, 0, null, "the file is empty (no header row)");
        }
        readHeader(s);
        newBlock();
        double[] row = new double[k + 2];
        while (nextContentLine(s)) {
            if (parseRecord(s, row)) {
                append(row, s.lineNumber());
            }
        }
        if (n > 0) {
            x = Arrays.copyOf(x, n * k);
            y = Arrays.copyOf(y, n);
            sigma = sigma == null ? null : Arrays.copyOf(sigma, n);
            seal();
        }
        if (sealed == 0) {
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
        return new CsvData(file, List.copyOf(blocks), sealed, dropped, firstDropped, lines);
    }

    /** Advances past blank and comment lines; false at the end of the file. */
    private boolean nextContentLine(LineScanner s) throws IOException {
        while (s.next()) {
            byte[] b = s.buffer();
            int i = s.start();
            while (i < s.end() && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            if (i < s.end() && b[i] != '#') {
                return true;
            }
        }
        return false;
    }

    private void readHeader(LineScanner s) {
        fieldStart = new int[0];
        fieldEnd = new int[0];
        int count = split(s);
        fieldStart = new int[count];
        fieldEnd = new int[count];
        split(s);
        fieldCount = count;
        List<String> header = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
            String raw = new String(s.buffer(), fieldStart[f], fieldEnd[f] - fieldStart[f], StandardCharsets.UTF_8);
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
            throw new DataException(
                    Reason.MISSING_COLUMN,
                    file,
                    line,
                    null,
                    "no column '" + name + "' in the header" + hint + "; available columns: "
                            + String.join(", ", header));
        }
        if (header.lastIndexOf(name) != f) {
            throw new DataException(
                    Reason.MISSING_COLUMN,
                    file,
                    line,
                    name,
                    "appears more than once in the header (fields " + (f + 1) + " and " + (header.lastIndexOf(name) + 1)
                            + ")");
        }
        return f;
    }

    /**
     * Parses the requested fields of the current line into {@code row}. Returns false if the
     * record was dropped; throws for malformed lines and, under fail-fast, for bad values.
     */
    private boolean parseRecord(LineScanner s, double[] row) {
        int count = split(s);
        if (count != fieldCount) {
            throw new DataException(
                    Reason.MALFORMED,
                    file,
                    s.lineNumber(),
                    null,
                    "expected " + fieldCount + " fields (as in the header), found " + count);
        }
        byte[] b = s.buffer();
        int bad = -1;
        String problem = null;
        for (int slot = 0; slot < slotNames.length; slot++) {
            int from = fieldStart[fieldOfSlot[slot]];
            int to = fieldEnd[fieldOfSlot[slot]];
            double v = from == to ? Double.NaN : parser.parse(b, from, to);
            if (parser.failed() && from < to) {
                throw new DataException(
                        Reason.MALFORMED,
                        file,
                        s.lineNumber(),
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
        DataException e = new DataException(Reason.BAD_VALUE, file, s.lineNumber(), slotNames[bad], problem);
        if (request.policy() == BadRecordPolicy.FAILFAST) {
            throw e;
        }
        if (dropped++ == 0) {
            firstDropped = e.getMessage();
        }
        return false;
    }

    /**
     * Finds the fields of the current line: the bounds of the first {@code fieldStart.length}
     * fields (blanks and quotes removed) go to {@code fieldStart}/{@code fieldEnd}. Returns the
     * number of fields.
     */
    private int split(LineScanner s) {
        byte[] b = s.buffer();
        int end = s.end();
        int i = s.start();
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
                    throw new DataException(
                            Reason.MALFORMED,
                            file,
                            s.lineNumber(),
                            null,
                            "field " + (f + 1) + ": quoted field has no closing quote");
                }
                to = j;
                i = j + 1;
                while (i < end && isBlank(b[i])) {
                    i++;
                }
                if (i < end && b[i] != separator) {
                    throw new DataException(
                            Reason.MALFORMED,
                            file,
                            s.lineNumber(),
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

    private boolean isBlank(byte c) {
        return c == ' ' || (c == '\t' && separator != '\t');
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
        lines.add(sealed + n, line);
        if (++n == blockRows) {
            seal();
            newBlock();
        }
    }

    private void newBlock() {
        x = new double[blockRows * k];
        y = new double[blockRows];
        sigma = request.sigmaColumn() == null ? null : new double[blockRows];
    }

    /** Closes the current block; its first point has the global index {@code sealed}. */
    private void seal() {
        blocks.add(new DataBlock(x, y, sigma, k, sealed));
        sealed += n;
        n = 0;
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

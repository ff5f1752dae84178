package org.sparknlsq.io;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparknlsq.robust.FitException;

/**
 * A data file cannot be used: it is missing or unreadable, a line is malformed, a column is
 * missing, or a value is bad. The message is one line and starts with {@code file:line:} (or
 * {@code file:} when no line applies), like a compiler's, so editors and terminals can jump to it.
 */
public class DataException extends FitException {
    /** What kind of problem was found; lets a caller add advice without parsing the message. */
    public enum Reason {
        /** The file does not exist or cannot be read. */
        UNREADABLE,
        /** The file has no header row or no data rows. */
        EMPTY,
        /** A requested column is not in the header, or is in it twice. */
        MISSING_COLUMN,
        /** A line has the wrong number of fields or text that is not a number. */
        MALFORMED,
        /**
         * A value is missing, not finite, or (for sigma) not positive: the kind of record a
         * {@link BadRecordPolicy#DROP} policy skips.
         */
        BAD_VALUE
    }

    private final Reason reason;
    private final long line;

    /**
     * @param line the 1-based line number, or 0 when the problem is not tied to a line
     * @param column the column name, or null
     */
    public DataException(Reason reason, String file, long line, String column, String problem) {
        super(format(file, line, column, problem), context(file, line, column), null);
        this.reason = reason;
        this.line = line;
    }

    /** Wraps an I/O failure while reading {@code file}. */
    public DataException(String file, long line, String problem, Throwable cause) {
        super(format(file, line, null, problem), context(file, line, null), cause);
        this.reason = Reason.UNREADABLE;
        this.line = line;
    }

    public Reason reason() {
        return reason;
    }

    /** The 1-based line number, or 0 when the problem is not tied to a line. */
    public long line() {
        return line;
    }

    private static String format(String file, long line, String column, String problem) {
        StringBuilder b = new StringBuilder(file);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (column != null) {
            b.append("column '").append(column).append("': ");
        }
        return b.append(problem).toString();
    }

    private static Map<String, Object> context(String file, long line, String column) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("file", file);
        if (line > 0) {
            c.put("line", line);
        }
        if (column != null) {
            c.put("column", column);
        }
        return c;
    }
}

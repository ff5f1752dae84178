package org.sparknlsq.io;

import java.util.List;
import org.sparknlsq.kernel.DataBlock;

/**
 * The columns read from a delimited file, as consecutive {@link DataBlock}s (each block's {@code
 * firstIndex} is the record number of its first point, so the first block starts at 0), and what
 * was skipped.
 */
public final class CsvData {
    private final String file;
    private final List<DataBlock> blocks;
    private final long points;
    private final long droppedRecords;
    private final String firstDropped;
    private final LineMap lines;

    CsvData(String file, List<DataBlock> blocks, long points, long droppedRecords, String firstDropped, LineMap lines) {
        this.file = file;
        this.blocks = blocks;
        this.points = points;
        this.droppedRecords = droppedRecords;
        this.firstDropped = firstDropped;
        this.lines = lines;
    }

    /** The file as the caller named it. */
    public String file() {
        return file;
    }

    /** The data in file order; every block but the last is full. Never empty. */
    public List<DataBlock> blocks() {
        return blocks;
    }

    /** Number of points read (records kept). */
    public long points() {
        return points;
    }

    /** Records skipped under {@link BadRecordPolicy#DROP}. */
    public long droppedRecords() {
        return droppedRecords;
    }

    /** Why the first record was dropped, as {@code file:line: column 'c': problem}; null if none. */
    public String firstDropped() {
        return firstDropped;
    }

    /** The 1-based line in the file of point {@code index}, or 0 if there is no such point. */
    public long lineOf(long index) {
        return lines.lineOf(index);
    }
}

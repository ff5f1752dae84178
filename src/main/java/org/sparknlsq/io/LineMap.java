package org.sparknlsq.io;

import java.util.Arrays;

/**
 * Maps a record index to its line in the file. Records usually sit on consecutive lines, so only
 * the records that start a new run (after a comment, a blank or a dropped line) are stored: the
 * memory is proportional to the number of skipped lines, not to the number of records.
 */
final class LineMap {
    private long[] records = new long[16];
    private long[] lines = new long[16];
    private int runs;
    private long lastRecord = -1;
    private long lastLine = -1;

    /** Notes that record {@code record} (the next one) is on {@code line}. */
    void add(long record, long line) {
        if (line != lastLine + 1 || record != lastRecord + 1) {
            if (runs == records.length) {
                records = Arrays.copyOf(records, runs * 2);
                lines = Arrays.copyOf(lines, runs * 2);
            }
            records[runs] = record;
            lines[runs] = line;
            runs++;
        }
        lastRecord = record;
        lastLine = line;
    }

    /**
     * Notes the records of {@code part}, whose record and line numbers are offset by {@code
     * recordOffset} and {@code lineOffset} here: it follows the records noted so far.
     */
    void append(LineMap part, long recordOffset, long lineOffset) {
        for (int i = 0; i < part.runs; i++) {
            add(part.records[i] + recordOffset, part.lines[i] + lineOffset);
        }
        if (part.lastRecord >= 0) {
            lastRecord = part.lastRecord + recordOffset;
            lastLine = part.lastLine + lineOffset;
        }
    }

    /** The 1-based line of a record, or 0 if the index is out of range. */
    long lineOf(long record) {
        if (record < 0 || record > lastRecord) {
            return 0;
        }
        int i = Arrays.binarySearch(records, 0, runs, record);
        int run = i >= 0 ? i : -i - 2;
        return lines[run] + (record - records[run]);
    }
}

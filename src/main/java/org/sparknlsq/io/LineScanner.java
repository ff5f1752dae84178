package org.sparknlsq.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines without decoding it: after {@link #next()} the line is {@code
 * buffer()[start(), end())}, without its {@code \n} or {@code \r\n}. The buffer grows to hold the
 * longest line; a UTF-8 byte-order mark at the start of the stream is skipped unless the stream
 * starts inside a file. The caller owns and closes the stream.
 */
final class LineScanner {
    private final InputStream in;
    private final boolean skipBom;
    private byte[] buf;
    /** Bytes of the stream before {@code buf[0]}. */
    private long shifted;

    private int pos;
    private int limit;
    private int scanned;
    private boolean eof;
    private int start;
    private int end;
    private long lineNumber;

    LineScanner(InputStream in, int bufferSize) {
        this(in, bufferSize, true);
    }

    /** @param skipBom whether the stream is a file's start, where a byte-order mark may be */
    LineScanner(InputStream in, int bufferSize, boolean skipBom) {
        this.in = in;
        this.skipBom = skipBom;
        this.buf = new byte[bufferSize];
    }

    /** Advances to the next line; false at the end of the stream. */
    boolean next() throws IOException {
        while (true) {
            for (int i = scanned; i < limit; i++) {
                if (buf[i] == '\n') {
                    setLine(pos, i);
                    pos = i + 1;
                    scanned = pos;
                    return true;
                }
            }
            scanned = limit;
            if (eof) {
                if (pos < limit) {
                    setLine(pos, limit);
                    pos = limit;
                    return true;
                }
                return false;
            }
            fill();
        }
    }

    private void setLine(int from, int to) {
        if (lineNumber == 0
                && skipBom
                && to - from >= 3
                && buf[from] == (byte) 0xEF
                && buf[from + 1] == (byte) 0xBB
                && buf[from + 2] == (byte) 0xBF) {
            from += 3;
        }
        start = from;
        end = to > from && buf[to - 1] == '\r' ? to - 1 : to;
        lineNumber++;
    }

    /** Moves the unread tail to the front (growing the buffer when a line fills it), then reads. */
    private void fill() throws IOException {
        int tail = limit - pos;
        if (pos == 0 && limit == buf.length) {
            if (buf.length >= Integer.MAX_VALUE / 2) {
                throw new IOException("line " + (lineNumber + 1) + " is longer than " + buf.length + " bytes");
            }
            byte[] bigger = new byte[buf.length * 2];
            System.arraycopy(buf, 0, bigger, 0, limit);
            buf = bigger;
        } else if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, tail);
            shifted += pos;
            scanned -= pos;
            limit = tail;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    byte[] buffer() {
        return buf;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    /** The stream offset just after the current line and its line end. */
    long offset() {
        return shifted + pos;
    }

    /** 1-based number of the current line. */
    long lineNumber() {
        return lineNumber;
    }
}

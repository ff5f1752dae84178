package org.sparknlsq.io;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.OpenFileOptions;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * A read-only {@link SeekableByteChannel} over a file of any Hadoop {@link FileSystem} (file://,
 * hdfs://, s3a://, ...), so that jhdf can open it with {@code new HdfFile(channel, uri)}.
 *
 * <p>Every read is a positional read ({@link FSDataInputStream#readFully(long, byte[], int, int)}),
 * never a seek of the shared stream, and the file is opened with the {@code random} read policy: jhdf
 * jumps between the superblock, object headers, B-tree nodes and data, and a sequential read-ahead
 * (s3a's default) would fetch bytes it never uses. Reads shorter than {@link #WINDOW_BYTES} are
 * served from one window of that size, filled by a single positional read: parsing the metadata (and
 * slicing a contiguous 2-D dataset, which jhdf does one row at a time) issues thousands of reads of a
 * few bytes, and each positional read costs a system call on file://, and a round trip on hdfs:// or
 * s3a://. Longer reads go straight into the caller's buffer, with no copy.
 *
 * <p>The size is the length in the file's {@link FileStatus}, taken when the channel is opened; a
 * file that is appended to afterwards is read as it was. Not thread-safe: jhdf's adapter around this
 * channel serialises every call.
 */
final class HadoopSeekableChannel implements SeekableByteChannel {
    /** Reads shorter than this are served from a window of this many bytes. */
    static final int WINDOW_BYTES = 64 * 1024;

    private final FSDataInputStream in;
    private final URI uri;
    private final long size;
    private final byte[] window = new byte[WINDOW_BYTES];
    /** File offset of {@code window[0]}; -1 while the window is empty. */
    private long windowStart = -1;

    private int windowLength;
    private long position;
    private boolean open = true;

    private HadoopSeekableChannel(FSDataInputStream in, URI uri, long size) {
        this.in = in;
        this.uri = uri;
        this.size = size;
    }

    /**
     * Opens {@code path} for reading.
     *
     * @throws java.io.FileNotFoundException if there is no such file
     * @throws IOException if the path is a directory or the file cannot be opened
     */
    static HadoopSeekableChannel open(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(path);
        if (status.isDirectory()) {
            throw new IOException("is a directory, not a file");
        }
        FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(status.getPath())
                .withFileStatus(status)
                .opt(
                        OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY,
                        OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY_RANDOM)
                .build());
        return new HadoopSeekableChannel(in, status.getPath().toUri(), status.getLen());
    }

    /** The fully qualified location of the file, for example {@code file:/data/run1.h5}. */
    URI uri() {
        return uri;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        if (n >= WINDOW_BYTES) {
            readDirect(dst, n);
        } else {
            if (position < windowStart || position + n > windowStart + windowLength) {
                fillWindow(position);
            }
            dst.put(window, (int) (position - windowStart), n);
        }
        position += n;
        return n;
    }

    private void fillWindow(long from) throws IOException {
        windowStart = -1;
        windowLength = (int) Math.min(WINDOW_BYTES, size - from);
        in.readFully(from, window, 0, windowLength);
        windowStart = from;
    }

    /** Reads {@code n} bytes at the current position into {@code dst}. */
    private void readDirect(ByteBuffer dst, int n) throws IOException {
        if (dst.hasArray()) {
            in.readFully(position, dst.array(), dst.arrayOffset() + dst.position(), n);
            dst.position(dst.position() + n);
            return;
        }
        // A direct buffer has no array to read into: pass the bytes through the window.
        for (int done = 0; done < n; done += windowLength) {
            fillWindow(position + done);
            dst.put(window, 0, Math.min(windowLength, n - done));
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closes the stream; closing again does nothing (jhdf closes the channel too). */
    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            in.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}

package org.sparknlsq.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.exceptions.HdfBrokenLinkException;
import io.jhdf.exceptions.HdfException;
import io.jhdf.exceptions.HdfInvalidPathException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparknlsq.io.DataException.Reason;
import org.sparknlsq.kernel.DataBlock;

/**
 * Points stored in an HDF5 file, read one contiguous range of rows at a time through the Hadoop
 * {@code FileSystem} API (file://, hdfs://, s3a://, ...), so that no node ever holds the whole
 * dataset.
 *
 * <p>The driver calls {@link #open}, which reads only metadata: it checks that every dataset exists,
 * holds numbers and has one row per point, all with the same number of rows. {@link #plan} then
 * cuts the rows into {@link Hdf5Slice}s, and each executor calls {@link #read} on its own slice,
 * which opens the file again and reads just those rows of each dataset.
 *
 * <p>Datasets are named by their path in the file, with or without the leading slash ({@code
 * /data/x} or {@code data/x}); soft links are followed. Each one is 1-D, with one of jhdf's numeric
 * element types: float32/64 and signed or unsigned integers of up to 32 bits, plus int64 (values
 * beyond 2⁵³ lose precision when converted to double). uint64 is rejected, because jhdf returns it
 * as {@code BigInteger}. As an alternative to several x datasets, a single 2-D x dataset of shape
 * {@code [n, k]} is read as k independent variables, row {@code i} being point {@code i}. Any
 * storage layout jhdf reads will do; a chunked dataset is read in whole chunks, so a slice costs
 * the chunks it overlaps, and slices that do not start on a chunk boundary decompress the shared
 * chunk twice.
 *
 * <p>Problems are {@link DataException}s whose one-line message reads {@code file: dataset 'name':
 * problem}: {@link Reason#UNREADABLE} for a missing, unreadable or non-HDF5 file, {@link
 * Reason#MISSING_COLUMN} for a dataset that is absent or is a group, {@link Reason#MALFORMED} for a
 * wrong type, shape or length, {@link Reason#EMPTY} for datasets without rows or without stored
 * data, and {@link Reason#BAD_VALUE} for a bad value under {@link BadRecordPolicy#FAILFAST}. Row
 * numbers in messages are 0-based global indexes, as in h5py and numpy ({@code f['y'][row]}).
 *
 * <p>An instance is immutable; it is meant for the driver and is not serializable (the slices
 * are).
 */
public final class Hdf5Input {
    static {
        JhdfLogs.quiet();
    }

    /**
     * A slice's block (x, y and sigma as doubles) stays under this many bytes; {@link #plan} adds
     * slices to keep it so. Java arrays and jhdf's buffers are indexed by {@code int}, so 2 GiB is
     * a hard limit, and a smaller slice retries faster.
     */
    public static final long MAX_SLICE_BYTES = Integer.MAX_VALUE;

    /**
     * Elements fetched from jhdf per call. jhdf reads a slice into one buffer and then converts it
     * to a Java array, so reading in pieces bounds that temporary copy to a few MiB.
     */
    static final int ELEMENTS_PER_READ = 1 << 20;

    private static final int LISTED_DATASETS = 20;
    private static final int MAX_GROUPS_LISTED = 1000;
    private static final Set<Class<?>> NUMERIC_TYPES =
            Set.of(double.class, float.class, long.class, int.class, short.class, byte.class);

    private final String uri;
    private final List<String> xDatasets;
    private final String yDataset;
    private final String sigmaDataset;
    private final long length;
    private final int variables;

    private Hdf5Input(
            String uri, List<String> xDatasets, String yDataset, String sigmaDataset, long length, int variables) {
        this.uri = uri;
        this.xDatasets = xDatasets;
        this.yDataset = yDataset;
        this.sigmaDataset = sigmaDataset;
        this.length = length;
        this.variables = variables;
    }

    /**
     * Inspects the datasets of {@code uri}, reading only metadata.
     *
     * @param uri a Hadoop path: {@code file:///data/run1.h5}, {@code hdfs://nn/data/run1.h5},
     *     {@code s3a://bucket/run1.h5}, or a path on the default file system
     * @param xDatasets the independent variables, in the order a point stores them: 1-D datasets,
     *     or a single 2-D dataset of shape {@code [n, k]}
     * @param sigmaDatasetOrNull the standard deviations, or null for none
     * @throws DataException if the file cannot be read or a dataset is missing, not numeric, of the
     *     wrong shape, of a different length than the others, or without rows
     */
    public static Hdf5Input open(
            String uri, Configuration conf, List<String> xDatasets, String yDataset, String sigmaDatasetOrNull) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(yDataset, "yDataset");
        List<String> x = List.copyOf(xDatasets);
        if (x.isEmpty()) {
            throw new IllegalArgumentException("at least one x dataset is required");
        }
        Layout layout = withFile(uri, conf, hdf -> Layout.inspect(hdf, uri, x, yDataset, sigmaDatasetOrNull));
        return new Hdf5Input(uri, x, yDataset, sigmaDatasetOrNull, layout.length(), layout.variables());
    }

    /** The file, as given to {@link #open}. */
    public String uri() {
        return uri;
    }

    public List<String> xDatasets() {
        return xDatasets;
    }

    public String yDataset() {
        return yDataset;
    }

    /** The standard deviations' dataset, or null for none. */
    public String sigmaDataset() {
        return sigmaDataset;
    }

    /** Number of rows (points) in every dataset; at least 1. */
    public long length() {
        return length;
    }

    /** Number of independent variables per point. */
    public int variables() {
        return variables;
    }

    /**
     * Cuts the rows into contiguous slices, in row order: slice {@code i} ends where slice {@code
     * i+1} starts, the first starts at 0 and the last ends at {@link #length()}. Slice sizes differ
     * by at most one row and no slice is empty, so there are {@code min(partitions, length())}
     * slices, or more when that many would exceed {@link #MAX_SLICE_BYTES} each.
     *
     * @throws IllegalArgumentException if {@code partitions < 1}
     */
    public List<Hdf5Slice> plan(int partitions) {
        int width = variables + 1 + (sigmaDataset == null ? 0 : 1);
        long[] bounds = bounds(length, partitions, MAX_SLICE_BYTES / (Double.BYTES * (long) width));
        List<Hdf5Slice> slices = new ArrayList<>(bounds.length - 1);
        for (int i = 0; i + 1 < bounds.length; i++) {
            slices.add(new Hdf5Slice(uri, xDatasets, yDataset, sigmaDataset, length, bounds[i], bounds[i + 1], i));
        }
        return List.copyOf(slices);
    }

    /**
     * The boundaries of the slices of {@code rows} rows: {@code max(partitions, ⌈rows/maxRows⌉)}
     * slices, but no more than {@code rows}, whose sizes differ by at most one (the larger first).
     * Returns one more boundary than slices; the first is 0 and the last is {@code rows}.
     */
    static long[] bounds(long rows, int partitions, long maxRows) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (rows < 1 || maxRows < 1) {
            throw new IllegalArgumentException("rows and maxRows must be >= 1, got " + rows + " and " + maxRows);
        }
        long count = Math.min(rows, Math.max(partitions, (rows + maxRows - 1) / maxRows));
        long base = rows / count;
        long larger = rows % count;
        long[] bounds = new long[Math.toIntExact(count + 1)];
        for (int i = 1; i < bounds.length; i++) {
            bounds[i] = bounds[i - 1] + base + (i <= larger ? 1 : 0);
        }
        return bounds;
    }

    /**
     * Reads the rows of {@code slice} from every dataset, converting them to double, and applies
     * {@code policy} to bad values: a non-finite x, y or sigma, or a sigma ≤ 0. The block's {@code
     * firstIndex} is the slice's start; see {@link Hdf5Block} for what it means when rows were
     * dropped.
     *
     * @throws DataException if the file cannot be read, no longer matches the plan, or (under
     *     {@link BadRecordPolicy#FAILFAST}) holds a bad value in the slice; the message names the
     *     dataset and the global row
     */
    public static Hdf5Block read(Hdf5Slice slice, Configuration conf, BadRecordPolicy policy) {
        return read(slice, conf, policy, ELEMENTS_PER_READ);
    }

    /** {@link #read(Hdf5Slice, Configuration, BadRecordPolicy)}, fetching about {@code elementsPerRead} values per jhdf call. */
    static Hdf5Block read(Hdf5Slice slice, Configuration conf, BadRecordPolicy policy, int elementsPerRead) {
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(policy, "policy");
        String file = slice.uri();
        return withFile(file, conf, hdf -> {
            Layout layout = Layout.inspect(hdf, file, slice.xDatasets(), slice.yDataset(), slice.sigmaDataset());
            if (layout.length() != slice.datasetLength()) {
                throw problem(
                        Reason.UNREADABLE,
                        file,
                        "the datasets now have " + layout.length() + " rows but had " + slice.datasetLength()
                                + " when the input was planned; was the file replaced?");
            }
            int k = layout.variables();
            int rows = slice.rows();
            int width = k + 1 + (layout.sigma() == null ? 0 : 1);
            if ((long) rows * width * Double.BYTES > MAX_SLICE_BYTES) {
                throw new IllegalArgumentException("slice " + slice.index() + " has " + rows + " rows of " + width
                        + " values, over " + MAX_SLICE_BYTES + " bytes; plan more partitions");
            }
            double[] x = new double[rows * k];
            for (int j = 0; j < layout.x().size(); j++) {
                readInto(
                        file,
                        slice.xDatasets().get(j),
                        layout.x().get(j),
                        slice.start(),
                        rows,
                        x,
                        j,
                        k,
                        elementsPerRead);
            }
            double[] y = new double[rows];
            readInto(file, slice.yDataset(), layout.y(), slice.start(), rows, y, 0, 1, elementsPerRead);
            double[] sigma = null;
            if (layout.sigma() != null) {
                sigma = new double[rows];
                readInto(file, slice.sigmaDataset(), layout.sigma(), slice.start(), rows, sigma, 0, 1, elementsPerRead);
            }
            return screen(file, slice, layout, x, y, sigma, policy);
        });
    }

    /**
     * Reads rows {@code [start, start + rows)} of {@code ds} into {@code dst}: value {@code c} of
     * row {@code r} goes to {@code dst[offset + r * stride + c]}. The rows are fetched in pieces of
     * about {@code elementsPerRead} values, cut on chunk boundaries so that no chunk is decompressed
     * twice.
     */
    private static void readInto(
            String file,
            String name,
            Dataset ds,
            long start,
            int rows,
            double[] dst,
            int offset,
            int stride,
            int elementsPerRead) {
        long[] dims = ds.getDimensionsAsLong();
        int columns = dims.length == 1 ? 1 : (int) dims[1];
        long step = Math.max(1, elementsPerRead / columns);
        if (ds instanceof ChunkedDataset chunked) {
            long chunkRows = chunked.getChunkDimensions()[0];
            step = (step + chunkRows - 1) / chunkRows * chunkRows;
        }
        long end = start + rows;
        for (long from = start; from < end; ) {
            long to = Math.min(end, (from / step + 1) * step);
            long[] origin = dims.length == 1 ? new long[] {from} : new long[] {from, 0};
            int[] shape = dims.length == 1 ? new int[] {(int) (to - from)} : new int[] {(int) (to - from), columns};
            Object data;
            try {
                data = ds.getData(origin, shape);
            } catch (HdfException e) {
                throw new DataException(
                        file,
                        0,
                        "dataset '" + name + "': cannot read rows [" + from + ", " + to + "): " + describe(e),
                        e);
            }
            int base = offset + (int) (from - start) * stride;
            if (dims.length == 1) {
                copy(data, dst, base, stride);
            } else {
                Object[] matrixRows = (Object[]) data;
                for (int r = 0; r < matrixRows.length; r++) {
                    copy(matrixRows[r], dst, base + r * stride, 1);
                }
            }
            from = to;
        }
    }

    /** Copies the 1-D numeric array {@code src} to {@code dst[offset + i * stride]}. */
    private static void copy(Object src, double[] dst, int offset, int stride) {
        int n = Array.getLength(src);
        if (src instanceof double[] a) {
            for (int i = 0; i < n; i++) {
                dst[offset + i * stride] = a[i];
            }
        } else if (src instanceof float[] a) {
            for (int i = 0; i < n; i++) {
                dst[offset + i * stride] = a[i];
            }
        } else if (src instanceof long[] a) {
            for (int i = 0; i < n; i++) {
                dst[offset + i * stride] = a[i];
            }
        } else if (src instanceof int[] a) {
            for (int i = 0; i < n; i++) {
                dst[offset + i * stride] = a[i];
            }
        } else if (src instanceof short[] a) {
            for (int i = 0; i < n; i++) {
                dst[offset + i * stride] = a[i];
            }
        } else if (src instanceof byte[] a) {
            for (int i = 0; i < n; i++) {
                dst[offset + i * stride] = a[i];
            }
        } else {
            // Layout.inspect admits only the types above, so jhdf broke its own getJavaType().
            throw new IllegalStateException("jhdf returned " + src.getClass().getSimpleName() + " for a numeric type");
        }
    }

    /**
     * Applies the policy: under fail-fast, throws at the first bad row; under drop, packs the good
     * rows to the front of the arrays and trims them.
     */
    private static Hdf5Block screen(
            String file,
            Hdf5Slice slice,
            Layout layout,
            double[] x,
            double[] y,
            double[] sigma,
            BadRecordPolicy policy) {
        int k = layout.variables();
        int kept = 0;
        for (int i = 0; i < y.length; i++) {
            int bad = firstBadValue(x, y, sigma, i, k);
            if (bad < 0) {
                if (kept < i) {
                    System.arraycopy(x, i * k, x, kept * k, k);
                    y[kept] = y[i];
                    if (sigma != null) {
                        sigma[kept] = sigma[i];
                    }
                }
                kept++;
            } else if (policy == BadRecordPolicy.FAILFAST) {
                throw badValue(file, slice, layout, x, y, sigma, i, bad);
            }
        }
        if (kept < y.length) {
            x = Arrays.copyOf(x, kept * k);
            y = Arrays.copyOf(y, kept);
            sigma = sigma == null ? null : Arrays.copyOf(sigma, kept);
        }
        return new Hdf5Block(new DataBlock(x, y, sigma, k, slice.start()), slice.rows() - kept);
    }

    /** Which value of row {@code i} is bad: x variable {@code j < k}, y ({@code k}), sigma ({@code k+1}), or none (-1). */
    private static int firstBadValue(double[] x, double[] y, double[] sigma, int i, int k) {
        for (int j = 0; j < k; j++) {
            if (!Double.isFinite(x[i * k + j])) {
                return j;
            }
        }
        if (!Double.isFinite(y[i])) {
            return k;
        }
        if (sigma != null && !(sigma[i] > 0 && sigma[i] < Double.POSITIVE_INFINITY)) {
            return k + 1;
        }
        return -1;
    }

    private static DataException badValue(
            String file, Hdf5Slice slice, Layout layout, double[] x, double[] y, double[] sigma, int i, int bad) {
        int k = layout.variables();
        String where;
        double value;
        if (bad < k) {
            where = layout.matrix()
                    ? "dataset '" + slice.xDatasets().get(0) + "': row " + (slice.start() + i) + ", column " + bad
                    : "dataset '" + slice.xDatasets().get(bad) + "': row " + (slice.start() + i);
            value = x[i * k + bad];
        } else if (bad == k) {
            where = "dataset '" + slice.yDataset() + "': row " + (slice.start() + i);
            value = y[i];
        } else {
            where = "dataset '" + slice.sigmaDataset() + "': row " + (slice.start() + i);
            value = sigma[i];
        }
        String problem =
                Double.isFinite(value) ? "sigma must be positive, got " + value : "value " + value + " is not finite";
        return problem(Reason.BAD_VALUE, file, where + ": " + problem);
    }

    /** Work done on an open file; may throw jhdf's unchecked exceptions. */
    @FunctionalInterface
    private interface FileAction<T> {
        T apply(HdfFile hdf);
    }

    /**
     * Opens {@code uri} through Hadoop, runs {@code action}, and closes the file and the stream,
     * turning failures into {@link DataException}s that name the file.
     */
    private static <T> T withFile(String uri, Configuration conf, FileAction<T> action) {
        Path path;
        try {
            path = new Path(uri);
        } catch (IllegalArgumentException e) {
            throw problem(Reason.UNREADABLE, uri, "not a valid path: " + describe(e));
        }
        try (HadoopSeekableChannel channel = HadoopSeekableChannel.open(path, conf);
                HdfFile hdf = openHdf(channel, uri)) {
            return action.apply(hdf);
        } catch (FileNotFoundException e) {
            throw problem(Reason.UNREADABLE, uri, "no such file");
        } catch (IOException | HdfException e) {
            throw new DataException(uri, 0, "cannot read: " + describe(e), e);
        }
    }

    private static HdfFile openHdf(HadoopSeekableChannel channel, String uri) {
        try {
            return new HdfFile(channel, channel.uri());
        } catch (HdfException e) {
            throw new DataException(uri, 0, "not an HDF5 file, or a damaged one: " + describe(e), e);
        }
    }

    /** A problem not tied to a jhdf or I/O failure, as {@code file: text}. */
    private static DataException problem(Reason reason, String file, String text) {
        return new DataException(reason, file, 0, null, text);
    }

    /** An exception's message on one line, with the root cause when it adds something. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = message(e);
        if (root != e && !text.contains(message(root))) {
            text += " (" + message(root) + ")";
        }
        return text;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank()
                ? e.getClass().getSimpleName()
                : m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * The datasets of one open file, checked against each other: the structure shared by {@link
     * #open} (on the driver) and {@link #read} (on an executor, again, in case the file changed).
     *
     * @param matrix whether x is a single 2-D dataset
     */
    private record Layout(List<Dataset> x, Dataset y, Dataset sigma, long length, int variables, boolean matrix) {

        static Layout inspect(HdfFile hdf, String file, List<String> xNames, String yName, String sigmaName) {
            Shape xShape = xNames.size() == 1 ? Shape.ONLY_X : Shape.ONE_OF_SEVERAL_X;
            List<Dataset> x = new ArrayList<>(xNames.size());
            for (String name : xNames) {
                x.add(dataset(hdf, file, name, xShape));
            }
            Dataset y = dataset(hdf, file, yName, Shape.ONE_VALUE_PER_ROW);
            Dataset sigma = sigmaName == null ? null : dataset(hdf, file, sigmaName, Shape.ONE_VALUE_PER_ROW);
            long length = y.getDimensionsAsLong()[0];
            for (int j = 0; j < x.size(); j++) {
                sameLength(file, xNames.get(j), x.get(j), yName, length);
            }
            if (sigma != null) {
                sameLength(file, sigmaName, sigma, yName, length);
            }
            if (length == 0) {
                throw problem(Reason.EMPTY, file, "dataset '" + yName + "': has no rows");
            }
            boolean matrix = x.get(0).getDimensionsAsLong().length == 2;
            int variables = matrix ? (int) x.get(0).getDimensionsAsLong()[1] : x.size();
            return new Layout(List.copyOf(x), y, sigma, length, variables, matrix);
        }

        private static void sameLength(String file, String name, Dataset ds, String yName, long length) {
            long rows = ds.getDimensionsAsLong()[0];
            if (rows != length) {
                throw problem(
                        Reason.MALFORMED,
                        file,
                        "dataset '" + name + "': has " + rows + " rows, but dataset '" + yName + "' has " + length);
            }
        }

        /** The shapes a dataset may have, by its role. */
        private enum Shape {
            ONLY_X(true, "expected 1-D, or 2-D [rows, variables] for a single x dataset"),
            ONE_OF_SEVERAL_X(false, "expected 1-D; a 2-D [rows, variables] x dataset must be the only x dataset"),
            ONE_VALUE_PER_ROW(false, "expected 1-D (one value per row)");

            final boolean matrixAllowed;
            final String expected;

            Shape(boolean matrixAllowed, String expected) {
                this.matrixAllowed = matrixAllowed;
                this.expected = expected;
            }
        }

        /** Finds dataset {@code name} and checks its element type and its shape. */
        private static Dataset dataset(HdfFile hdf, String file, String name, Shape shape) {
            String where = "dataset '" + name + "': ";
            Node node = find(hdf, file, name);
            if (!(node instanceof Dataset ds)) {
                throw problem(
                        Reason.MISSING_COLUMN,
                        file,
                        where + "is a " + node.getType().name().toLowerCase(Locale.ROOT) + ", not a dataset");
            }
            Class<?> type = ds.getJavaType();
            if (ds.isCompound() || ds.isVariableLength() || !NUMERIC_TYPES.contains(type)) {
                String hint = type == BigInteger.class ? " (uint64 is not supported; store float64 or int64)" : "";
                throw problem(Reason.MALFORMED, file, where + "holds " + describeType(ds) + ", not numbers" + hint);
            }
            long[] dims = ds.getDimensionsAsLong();
            if (dims.length == 2 && shape.matrixAllowed) {
                if (dims[1] < 1 || dims[1] > Integer.MAX_VALUE) {
                    throw problem(
                            Reason.MALFORMED,
                            file,
                            where + "has shape " + Arrays.toString(dims) + ": no usable number of variables");
                }
            } else if (dims.length != 1) {
                String found = ds.isScalar() ? "is a scalar" : "has shape " + Arrays.toString(dims);
                throw problem(Reason.MALFORMED, file, where + found + "; " + shape.expected);
            }
            if (dims[0] > 0 && ds.isEmpty()) {
                throw problem(
                        Reason.EMPTY, file, where + "has " + dims[0] + " rows but no stored data (never written)");
            }
            return ds;
        }

        private static String describeType(Dataset ds) {
            if (ds.isCompound()) {
                return "compound records";
            }
            if (ds.isVariableLength()) {
                return "variable-length values";
            }
            return ds.getJavaType().getSimpleName() + " values";
        }

        /** Looks up {@code name}; jhdf follows soft links on the way. */
        private static Node find(HdfFile hdf, String file, String name) {
            try {
                return hdf.getByPath(name);
            } catch (HdfBrokenLinkException e) {
                throw problem(Reason.MISSING_COLUMN, file, "dataset '" + name + "': is a broken link: " + describe(e));
            } catch (HdfInvalidPathException e) {
                List<String> known = datasetPaths(hdf);
                String listed = known.size() > LISTED_DATASETS
                        ? String.join(", ", known.subList(0, LISTED_DATASETS)) + ", ..."
                        : String.join(", ", known);
                throw problem(
                        Reason.MISSING_COLUMN,
                        file,
                        "dataset '" + name + "': not found; datasets in the file: "
                                + (known.isEmpty() ? "none" : listed));
            }
        }

        /** Up to {@code LISTED_DATASETS + 1} dataset paths (links to datasets included), breadth first. */
        private static List<String> datasetPaths(HdfFile hdf) {
            List<String> paths = new ArrayList<>();
            Deque<Group> groups = new ArrayDeque<>(List.of(hdf));
            // Hard links can make a group its own descendant: bound the walk, not just the list.
            for (int visited = 0;
                    !groups.isEmpty() && paths.size() <= LISTED_DATASETS && visited < MAX_GROUPS_LISTED;
                    visited++) {
                for (Node child : groups.poll()) {
                    if (child instanceof Group group) {
                        groups.add(group);
                    } else if (child instanceof Dataset
                            || (child instanceof Link link
                                    && !link.isBrokenLink()
                                    && link.getTarget() instanceof Dataset)) {
                        paths.add(child.getPath());
                    }
                }
            }
            return paths;
        }
    }
}

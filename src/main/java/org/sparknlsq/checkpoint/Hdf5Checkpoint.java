package org.sparknlsq.checkpoint;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.sparknlsq.io.JhdfLogs;
import org.sparknlsq.robust.CheckpointException;

/**
 * {@link CheckpointContent} as an HDF5 file, written and read with jhdf: each path a dataset in
 * nested groups, each attribute on the root group. Plain types only, so h5py reads the file with
 * no help.
 */
public final class Hdf5Checkpoint {
    static {
        JhdfLogs.quiet();
    }

    /** The root attribute jhdf adds to every file it writes; not part of the content. */
    static final String WRITER_MARK = "_jHDF";

    private Hdf5Checkpoint() {}

    /**
     * Writes {@code content} to a local file (replaced if present). jhdf writes everything at
     * {@code close()}, and a failure before it could still leave a plausible file: callers write a
     * temporary file and move it into place only when this returns.
     */
    public static void write(CheckpointContent content, Path file) throws IOException {
        Files.deleteIfExists(file);
        try (WritableHdfFile f = HdfFile.write(file)) {
            content.attributes().forEach(f::putAttribute);
            Map<String, WritableGroup> groups = new HashMap<>();
            for (Map.Entry<String, Object> e : content.datasets().entrySet()) {
                String path = e.getKey();
                int slash = path.lastIndexOf('/');
                WritableGroup g = slash < 0 ? f : group(f, groups, path.substring(0, slash));
                g.putDataset(path.substring(slash + 1), e.getValue());
            }
        } catch (RuntimeException e) {
            // jhdf reports its write failures unchecked
            throw new IOException("writing HDF5 " + file + ": " + e.getMessage(), e);
        }
    }

    private static WritableGroup group(WritableHdfFile f, Map<String, WritableGroup> groups, String path) {
        WritableGroup g = groups.get(path);
        if (g == null) {
            int slash = path.lastIndexOf('/');
            WritableGroup parent = slash < 0 ? f : group(f, groups, path.substring(0, slash));
            g = parent.putGroup(path.substring(slash + 1));
            groups.put(path, g);
        }
        return g;
    }

    /**
     * Reads a checkpoint file's bytes.
     *
     * @param where names the file in messages
     * @throws CheckpointException if the bytes are not an HDF5 file, or hold a type a checkpoint
     *     never has
     */
    public static CheckpointContent read(byte[] bytes, String where) {
        CheckpointContent c = new CheckpointContent();
        try (HdfFile f = HdfFile.fromBytes(bytes)) {
            for (Map.Entry<String, Attribute> a : f.getAttributes().entrySet()) {
                if (a.getKey().equals(WRITER_MARK)) {
                    continue;
                }
                c.attribute(a.getKey(), value(a.getValue().getData(), where + " attribute " + a.getKey()));
            }
            walk(f, "", c, where);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CheckpointException(
                    where + ": not a readable HDF5 checkpoint (" + firstLine(e) + ")", Map.of("file", where), e);
        }
        return c;
    }

    private static void walk(Group g, String prefix, CheckpointContent c, String where) {
        for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "/" + e.getKey();
            if (e.getValue() instanceof Group child) {
                walk(child, path, c, where);
            } else if (e.getValue() instanceof Dataset d) {
                c.put(path, value(d.getData(), where + " dataset " + path));
            }
        }
    }

    /** jhdf's reading of what {@link #write} wrote: boxed scalars, primitive arrays, strings. */
    private static Object value(Object v, String where) {
        if (v instanceof Double || v instanceof Long || v instanceof String) {
            return v;
        } else if (v instanceof Float f) {
            return f.doubleValue();
        } else if (v instanceof Integer i) {
            return i.longValue();
        } else if (v instanceof double[] || v instanceof long[] || v instanceof String[]) {
            return v;
        } else if (v instanceof int[] a) {
            long[] l = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                l[i] = a[i];
            }
            return l;
        }
        throw new CheckpointException(
                where + ": unexpected type "
                        + (v == null ? "null" : v.getClass().getSimpleName()),
                Map.of("file", where),
                null);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }
}

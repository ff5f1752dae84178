package org.sparknlsq.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a checkpoint file holds, independent of HDF5: datasets by path ({@code
 * parameters/current}) and root attributes by name, each a {@code double}, {@code long}, {@code
 * String}, {@code double[]}, {@code long[]} or {@code String[]}. Kept sorted by path, so the
 * {@link #sha256() digest} is the same for the same content whichever order it was put in.
 */
public final class CheckpointContent {
    /** The root attribute that holds the digest; not itself part of the digest. */
    public static final String DIGEST_ATTRIBUTE = "sha256";

    private final TreeMap<String, Object> datasets = new TreeMap<>();
    private final TreeMap<String, Object> attributes = new TreeMap<>();

    public CheckpointContent put(String path, Object value) {
        datasets.put(path, check(path, value));
        return this;
    }

    public CheckpointContent attribute(String name, Object value) {
        attributes.put(name, check(name, value));
        return this;
    }

    private static Object check(String where, Object v) {
        if (v instanceof Double || v instanceof Long || v instanceof String) {
            return v;
        }
        if (v != null && v.getClass().isArray() && java.lang.reflect.Array.getLength(v) == 0) {
            // HDF5 (jhdf) cannot store an empty array: an empty list is an absent entry
            throw new IllegalArgumentException(where + ": an empty array cannot be stored; leave the entry out");
        }
        if (v instanceof double[] d) {
            return d.clone();
        }
        if (v instanceof long[] l) {
            return l.clone();
        }
        if (v instanceof String[] s) {
            for (String e : s) {
                if (e == null) {
                    throw new IllegalArgumentException(where + ": null in a String[]");
                }
            }
            return s.clone();
        }
        throw new IllegalArgumentException(where + ": unsupported type "
                + (v == null ? "null" : v.getClass().getSimpleName()));
    }

    /** Datasets by path (unmodifiable view, sorted). */
    public Map<String, Object> datasets() {
        return java.util.Collections.unmodifiableMap(datasets);
    }

    /** Root attributes by name (unmodifiable view, sorted). */
    public Map<String, Object> attributes() {
        return java.util.Collections.unmodifiableMap(attributes);
    }

    public boolean has(String path) {
        return datasets.containsKey(path);
    }

    /**
     * SHA-256 over every dataset and every attribute but {@link #DIGEST_ATTRIBUTE}, in path order:
     * for each, its kind ({@code D} or {@code A}), path, type tag, element count and values
     * (big-endian IEEE 754 bits, two's complement longs, UTF-8 strings with their byte length).
     */
    public String sha256() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        for (Map.Entry<String, Object> e : datasets.entrySet()) {
            digest(md, 'D', e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            if (!e.getKey().equals(DIGEST_ATTRIBUTE)) {
                digest(md, 'A', e.getKey(), e.getValue());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void digest(MessageDigest md, char kind, String path, Object v) {
        md.update((byte) kind);
        string(md, path);
        if (v instanceof Double d) {
            md.update((byte) 'd');
            md.update(ByteBuffer.allocate(8).putDouble(d).array());
        } else if (v instanceof Long l) {
            md.update((byte) 'l');
            md.update(ByteBuffer.allocate(8).putLong(l).array());
        } else if (v instanceof String s) {
            md.update((byte) 's');
            string(md, s);
        } else if (v instanceof double[] a) {
            md.update((byte) 'D');
            ByteBuffer b = ByteBuffer.allocate(8 + 8 * a.length).putLong(a.length);
            for (double x : a) {
                b.putDouble(x);
            }
            md.update(b.array());
        } else if (v instanceof long[] a) {
            md.update((byte) 'L');
            ByteBuffer b = ByteBuffer.allocate(8 + 8 * a.length).putLong(a.length);
            for (long x : a) {
                b.putLong(x);
            }
            md.update(b.array());
        } else {
            String[] a = (String[]) v;
            md.update((byte) 'S');
            md.update(ByteBuffer.allocate(8).putLong(a.length).array());
            for (String s : a) {
                string(md, s);
            }
        }
    }

    private static void string(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(8).putLong(b.length).array());
        md.update(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckpointContent c && sha256().equals(c.sha256());
    }

    @Override
    public int hashCode() {
        return sha256().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        attributes.forEach(
                (k, v) -> b.append('@').append(k).append(" = ").append(show(v)).append('\n'));
        datasets.forEach((k, v) -> b.append(k).append(" = ").append(show(v)).append('\n'));
        return b.toString();
    }

    static String show(Object v) {
        if (v instanceof double[] a) {
            return Arrays.toString(a);
        } else if (v instanceof long[] a) {
            return Arrays.toString(a);
        } else if (v instanceof String[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }
}

package org.sparknlsq.io;

import java.util.Locale;

/** Input formats; Spark SQL reads all but HDF5, which is read in slices through jhdf. */
public enum DataFormat {
    CSV,
    PARQUET,
    ORC,
    JSON,
    HDF5;

    /** Parses a format name, case-insensitive ({@code h5} is accepted for HDF5). */
    public static DataFormat parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.equals("h5") || n.equals("hdf5")) {
            return HDF5;
        }
        for (DataFormat f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "' (expected csv, parquet, orc, json or hdf5)");
    }

    /**
     * The format a path's extension implies ({@code .csv .tsv .gz → CSV}, {@code .parquet},
     * {@code .orc}, {@code .json .jsonl}, {@code .h5 .hdf5}), ignoring a trailing slash; a
     * directory of part files takes the extension of its name (e.g. {@code data.parquet/}).
     *
     * @throws IllegalArgumentException when the extension says nothing
     */
    public static DataFormat infer(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.endsWith(".gz")) {
            p = p.substring(0, p.length() - 3);
        }
        if (p.endsWith(".csv") || p.endsWith(".tsv") || p.endsWith(".tab")) {
            return CSV;
        }
        if (p.endsWith(".parquet")) {
            return PARQUET;
        }
        if (p.endsWith(".orc")) {
            return ORC;
        }
        if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return JSON;
        }
        if (p.endsWith(".h5") || p.endsWith(".hdf5") || p.endsWith(".he5")) {
            return HDF5;
        }
        throw new IllegalArgumentException(
                "cannot tell the format of '" + path + "' from its name; give --format csv|parquet|orc|json|hdf5");
    }
}

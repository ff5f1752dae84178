package org.sparknlsq.io;

import java.io.Serializable;
import java.util.List;

/**
 * One contiguous range of rows of an HDF5 input, read on its own by {@link Hdf5Input#read}. It
 * names the file and the datasets rather than holding data, so it is small and cheap to ship to an
 * executor.
 *
 * @param uri the file, as given to {@link Hdf5Input#open}
 * @param xDatasets the independent variables: several 1-D datasets, or one 2-D dataset
 * @param yDataset the observations
 * @param sigmaDataset the standard deviations, or null for none
 * @param datasetLength the number of rows of every dataset when the slice was planned; reading
 *     checks it again, so a file replaced in between is reported instead of read half-and-half
 * @param start the global index of the first row
 * @param end one past the global index of the last row
 * @param index the slice's position in its plan, counting from 0
 */
public record Hdf5Slice(
        String uri,
        List<String> xDatasets,
        String yDataset,
        String sigmaDataset,
        long datasetLength,
        long start,
        long end,
        int index)
        implements Serializable {

    public Hdf5Slice {
        xDatasets = List.copyOf(xDatasets);
        if (uri == null || yDataset == null || xDatasets.isEmpty()) {
            throw new IllegalArgumentException("the uri, the y dataset and at least one x dataset are required");
        }
        if (start < 0 || start >= end || end > datasetLength || end - start > Integer.MAX_VALUE || index < 0) {
            throw new IllegalArgumentException(
                    "invalid slice " + index + ": rows [" + start + ", " + end + ") of " + datasetLength);
        }
    }

    /** Number of rows in the slice. */
    public int rows() {
        return (int) (end - start);
    }
}

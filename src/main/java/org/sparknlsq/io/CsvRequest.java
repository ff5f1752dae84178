package org.sparknlsq.io;

import java.util.List;
import org.sparknlsq.kernel.LocalSource;

/**
 * Which columns of a delimited file to read, and what to do with bad records.
 *
 * @param xColumns the independent variables, stored in this order within a point
 * @param yColumn the observations
 * @param sigmaColumn the standard deviations, or null for none
 * @param policy what to do with a missing, non-finite or (for sigma) non-positive value
 * @param blockRows rows per {@link org.sparknlsq.kernel.DataBlock}; the local source's chunk size
 *     by default, so that it evaluates the blocks as they are, without copying
 */
public record CsvRequest(
        List<String> xColumns, String yColumn, String sigmaColumn, BadRecordPolicy policy, int blockRows) {

    /** A request with blocks of {@link LocalSource#DEFAULT_CHUNK_SIZE} rows. */
    public CsvRequest(List<String> xColumns, String yColumn, String sigmaColumn, BadRecordPolicy policy) {
        this(xColumns, yColumn, sigmaColumn, policy, LocalSource.DEFAULT_CHUNK_SIZE);
    }

    public CsvRequest {
        xColumns = List.copyOf(xColumns);
        if (xColumns.isEmpty()) {
            throw new IllegalArgumentException("at least one x column is required");
        }
        if (yColumn == null || policy == null) {
            throw new IllegalArgumentException("the y column and the policy are required");
        }
        if (blockRows < 1 || (long) blockRows * xColumns.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("blockRows must be >= 1 and fit an array, got " + blockRows);
        }
    }
}

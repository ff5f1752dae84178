package org.sparknlsq.io;

import java.io.Serializable;
import org.sparknlsq.kernel.DataBlock;

/**
 * The points of one {@link Hdf5Slice}, and how many of its rows were dropped as bad.
 *
 * <p>{@code block.firstIndex()} is the global index of the slice's first row ({@link
 * Hdf5Slice#start()}), whether or not rows were dropped. Without drops, point {@code i} of the
 * block is row {@code firstIndex + i} of the file. With drops the kept points are packed together in
 * row order, so point {@code i} is row {@code firstIndex + i} or a later one: an index computed that
 * way is a lower bound, good for finding the slice in the file but not the exact row. A bad value
 * found while reading is always reported with its exact row.
 *
 * @param block the kept points, in row order; empty (no points) if every row was dropped
 * @param dropped rows skipped under {@link BadRecordPolicy#DROP}; 0 under {@link
 *     BadRecordPolicy#FAILFAST}
 */
public record Hdf5Block(DataBlock block, long dropped) implements Serializable {}

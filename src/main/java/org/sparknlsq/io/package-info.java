/**
 * Readers and writers without Spark: CSV to columnar blocks with bad-record policies, HDF5
 * slices, locations (local paths and Hadoop URIs) with atomic writes, and the result JSON.
 */
package org.sparknlsq.io;

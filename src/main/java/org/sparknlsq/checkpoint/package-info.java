/**
 * Checkpoints: the state record, its HDF5 format (layouts v1 and v2, a SHA-256 over the content),
 * storage on local disk, HDFS or S3 with atomic visibility and retention, and the per-fit view
 * that saves snapshots and finds the one to resume from.
 */
package org.sparknlsq.checkpoint;

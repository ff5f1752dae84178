/**
 * The Spark side of a fit: reading into cached columnar blocks in a fixed order, the partition
 * pass with its fixed-order reduction, infrastructure events, cancellation, sessions and metrics.
 */
package org.sparknlsq.spark;

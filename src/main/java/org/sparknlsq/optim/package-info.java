/**
 * The optimizer: the trust-region loops (TRF with bounds, Levenberg–Marquardt), their options and
 * result, snapshots for checkpoints, and the polish after convergence. Sees sums of the normal
 * equations only, never an RDD.
 */
package org.sparknlsq.optim;

package org.sparknlsq.optim.streaming;

/**
 * One epoch of the streaming phase, judged on the full objective.
 *
 * @param epoch 1-based epoch number
 * @param cost full cost at the epoch's end point; NaN when the epoch was abandoned because a batch
 *     was not finite at the current point (no full pass was spent on it)
 * @param relativeChange {@code (F* − cost)/F*}, with F* the best full cost before the epoch:
 *     positive for an improvement, NaN for an abandoned epoch
 * @param accepted whether the end point became the best point
 * @param damping the damping μ the epoch's steps used (relative to the diagonal of the full JᵀWJ)
 * @param steps steps taken in the epoch: its opening full-data step and the batch steps
 */
public record EpochRecord(int epoch, double cost, double relativeChange, boolean accepted, double damping, int steps) {}

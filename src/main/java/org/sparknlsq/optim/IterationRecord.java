package org.sparknlsq.optim;

/**
 * One iteration of the trust-region loop, as reported in the history and to monitors.
 *
 * @param iteration 1-based accepted-step counter
 * @param evaluations evaluations of the data so far
 * @param cost cost after the iteration
 * @param gradientNorm scaled gradient norm (the quantity gtol is compared with)
 * @param stepNorm norm of the step in scaled variables (0 when rejected)
 * @param radius trust radius after the iteration
 * @param accepted whether the step was accepted
 */
public record IterationRecord(
        int iteration,
        int evaluations,
        double cost,
        double gradientNorm,
        double stepNorm,
        double radius,
        boolean accepted) {}

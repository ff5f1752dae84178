package org.sparknlsq.optim.streaming;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of the streaming phase: one immutable record, changed with withers and validated as a
 * whole ({@link #validate()} lists every violation). The exact phase that follows is tuned with
 * the ordinary {@link org.sparknlsq.optim.FitOptions}. There is no seed: batches are always
 * processed in their fixed order, so a run is deterministic.
 *
 * <p>With F the full cost Σ½ρ(r²) at an epoch's end, F* the best full cost before that epoch, H
 * the accumulated information and b the batch index within an epoch:
 *
 * <ul>
 *   <li>{@code maxEpochs}: at most this many passes over the batches. Default 10. On the problems
 *       measured (exponential decay and a Gaussian peak, shuffled and sorted, 10–50 batches) the
 *       streaming phase reaches its tolerance in 3–7 epochs; an epoch costs about two passes (the
 *       batches, then the full cost that judges them), and a problem that needs more than 10
 *       epochs is one where the exact trust-region method, which the result always ends with, is
 *       the cheaper way on.
 *   <li>{@code forgettingFactor} λ ∈ (0, 1]: within an epoch {@code H_b = λ·H_{b−1} + J_bᵀWJ_b}
 *       (Bertsekas 1996, eq. 1.5). λ = 1 (default) weighs all batches of the epoch alike, so for
 *       a model linear in its parameters an epoch is recursive least squares and ends at the
 *       least-squares solution up to the damping. λ &lt; 1 lets the steps forget the early
 *       batches of an epoch (memory of about 1/(1 − λ) batches), which helps when the early
 *       batches were linearized far from where the epoch ends, at the price of steps that follow
 *       the recent batches more closely. Every candidate is still judged on the full objective.
 *   <li>{@code costTolerance}: the streaming phase ends after an epoch with
 *       {@code |F* − F| < costTolerance·F*}: it either improved the best point by less than this,
 *       or came back within this of it. Default 1e-6 (see {@link #defaults()}).
 *   <li>{@code initialDamping} μ₀ &gt; 0: the Marquardt damping of the first epoch. Each step
 *       solves {@code (H + μ·diag(H_full)) δ = −g_b}, with H_full the information of the last
 *       full pass. μ is divided by 10 after an epoch that lowers the full cost and multiplied by
 *       10 after one that does not. Default 1e-2.
 * </ul>
 *
 * @param maxEpochs most epochs, at least 1
 * @param forgettingFactor λ in (0, 1]
 * @param costTolerance relative epoch-end cost change that ends the streaming phase, ≥ 0
 * @param initialDamping μ₀, positive and finite
 */
public record StreamingOptions(int maxEpochs, double forgettingFactor, double costTolerance, double initialDamping) {

    /**
     * maxEpochs 10, λ = 1, costTolerance 1e-6, μ₀ = 1e-2. The tolerance and damping were chosen by
     * measuring full-data-equivalent passes (streaming plus the exact phase) on the test problems:
     * a looser tolerance hands over to the exact phase further from the optimum, where it needs
     * more trust-region iterations; a tighter one spends epochs on the noise floor of the
     * incremental steps. μ₀ = 1e-3 let the first epoch on x-sorted Gaussian-peak data run into
     * another basin; 1e-1 slowed the shuffled problems by an epoch.
     */
    public static StreamingOptions defaults() {
        return new StreamingOptions(10, 1.0, 1e-6, 1e-2);
    }

    public StreamingOptions withMaxEpochs(int n) {
        return new StreamingOptions(n, forgettingFactor, costTolerance, initialDamping);
    }

    public StreamingOptions withForgettingFactor(double lambda) {
        return new StreamingOptions(maxEpochs, lambda, costTolerance, initialDamping);
    }

    public StreamingOptions withCostTolerance(double tol) {
        return new StreamingOptions(maxEpochs, forgettingFactor, tol, initialDamping);
    }

    public StreamingOptions withInitialDamping(double mu) {
        return new StreamingOptions(maxEpochs, forgettingFactor, costTolerance, mu);
    }

    /** Every violation, each naming the option and its value; empty when valid. */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (maxEpochs < 1) {
            errors.add("maxEpochs must be >= 1, got " + maxEpochs);
        }
        if (!(forgettingFactor > 0 && forgettingFactor <= 1)) {
            errors.add("forgettingFactor must be in (0, 1], got " + forgettingFactor);
        }
        if (!(costTolerance >= 0) || !Double.isFinite(costTolerance)) {
            errors.add("costTolerance must be a finite number >= 0, got " + costTolerance);
        }
        if (!(initialDamping > 0) || !Double.isFinite(initialDamping)) {
            errors.add("initialDamping must be positive and finite, got " + initialDamping);
        }
        return errors;
    }

    /** Throws IllegalArgumentException listing every violation at once. */
    public StreamingOptions requireValid() {
        List<String> errors = validate();
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid streaming options: " + String.join("; ", errors));
        }
        return this;
    }
}

package org.sparknlsq.optim;

import org.sparknlsq.kernel.Accumulator;

/**
 * Gauss–Newton polish after convergence. The trust-region tests stop when the cost no longer
 * falls measurably, but near the optimum the cost is flat to second order, so the parameters can
 * still be off in their last digits. Undamped Gauss–Newton steps converge to the fixed point
 * JᵀWr = 0 directly; a step is kept while the steps contract ({@code ‖h₁‖ < ‖h₀‖}: we are inside
 * the Gauss–Newton basin) and the cost does not rise by more than √ε relative (rounding noise,
 * which for near-zero residuals exceeds any real change). On small-residual problems the steps
 * stop contracting after one to three passes, at the rounding floor; on large-residual problems
 * Gauss–Newton converges only linearly and the cost is too flat for the trust-region tests to see
 * the remaining error (NIST ENSO gains about 0.2 digits per pass), hence a generous limit.
 */
final class Polish {
    /** Largest relative cost rise still taken for rounding noise. */
    static final double COST_NOISE = Math.sqrt(Math.ulp(1.0));

    private Polish() {}

    /** Runs up to {@code options.polishPasses()} passes; returns how many were kept. */
    static int run(LoopState s) {
        int passes = s.options.polishPasses();
        if (passes == 0) {
            return 0;
        }
        int p = s.p;
        double[] lb = new double[p];
        double[] ub = new double[p];
        for (int i = 0; i < p; i++) {
            lb[i] = s.problem.lower(i);
            ub[i] = s.problem.upper(i);
        }
        Bounds bounds = new Bounds(lb, ub);
        double[] c = s.columnNorms();
        double[] d = new double[p];
        for (int i = 0; i < p; i++) {
            d[i] = 1.0 / c[i];
        }
        double[] h0 = Subproblem.of(s.acc, d, null).gaussNewton();
        double n0 = Subproblem.norm(h0);
        int kept = 0;
        for (int k = 0; k < passes && n0 > 0; k++) {
            double[] xNew = new double[p];
            boolean moves = false;
            for (int i = 0; i < p; i++) {
                xNew[i] = s.x[i] + d[i] * h0[i];
                moves |= xNew[i] != s.x[i];
            }
            if (!moves || !bounds.contains(xNew)) {
                break;
            }
            Accumulator a = s.evaluate(xNew);
            if (!LoopState.valid(a) || a.cost() > s.cost * (1 + COST_NOISE)) {
                break;
            }
            double[] h1 = Subproblem.of(a, d, null).gaussNewton();
            double n1 = Subproblem.norm(h1);
            if (!(n1 < n0)) {
                break;
            }
            s.moveTo(xNew, a);
            kept++;
            h0 = h1;
            n0 = n1;
        }
        return kept;
    }
}

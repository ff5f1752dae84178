package org.sparknlsq.fit;

import java.util.ArrayList;
import java.util.List;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.optim.FitResult;

/**
 * Parameters held at their values during a fit ({@code vary=False} in lmfit). The optimizer sees
 * a model over the free parameters only, so a fixed parameter takes no step, adds no column to the
 * Jacobian and does not count in the degrees of freedom (n − p uses the free count, as in lmfit).
 * {@link #expand} turns the free fit back into one over every parameter: a fixed parameter keeps
 * its value and reports zero uncertainty, and the covariance holds the free parameters' block with
 * zero rows and columns for the fixed ones (their correlation rows are zero too).
 */
final class FixedParameters {
    private final CurveModel full;
    private final boolean[] fixed;
    private final double[] values;

    /**
     * @param full the model over every parameter
     * @param fixed which parameters are held, in the model's order. Not modified.
     * @param values every parameter's value; the fixed ones are used. Not modified.
     */
    FixedParameters(CurveModel full, boolean[] fixed, double[] values) {
        if (fixed.length != full.parameterCount() || values.length != fixed.length) {
            throw new IllegalArgumentException("fixed mask and values must have one entry per parameter");
        }
        this.full = full;
        this.fixed = fixed.clone();
        this.values = values.clone();
    }

    /** True when at least one parameter is fixed. */
    public boolean any() {
        for (boolean f : fixed) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    public int freeCount() {
        int n = 0;
        for (boolean f : fixed) {
            n += f ? 0 : 1;
        }
        return n;
    }

    /** The model over the free parameters, with the fixed ones at their values. */
    public CurveModel reducedModel() {
        return new Reduced(full, fixed.clone(), values.clone());
    }

    /** The free entries of a full vector (null stays null). */
    public double[] free(double[] all) {
        if (all == null) {
            return null;
        }
        double[] out = new double[freeCount()];
        for (int i = 0, j = 0; i < all.length; i++) {
            if (!fixed[i]) {
                out[j++] = all[i];
            }
        }
        return out;
    }

    /** The fit over the free parameters as a fit over every parameter (see the class comment). */
    public FitResult expand(FitResult r) {
        int p = fixed.length;
        int[] at = new int[p];
        for (int i = 0, j = 0; i < p; i++) {
            at[i] = fixed[i] ? -1 : j++;
        }
        double[] params = new double[p];
        double[] sd = new double[p];
        double[][] cov = new double[p][p];
        double[][] corr = new double[p][p];
        for (int i = 0; i < p; i++) {
            params[i] = at[i] < 0 ? values[i] : r.parameters()[at[i]];
            sd[i] = at[i] < 0 ? 0 : r.uncertainties()[at[i]];
            for (int k = 0; k < p; k++) {
                if (at[i] >= 0 && at[k] >= 0) {
                    cov[i][k] = r.covariance()[at[i]][at[k]];
                    corr[i][k] = r.correlation()[at[i]][at[k]];
                }
            }
        }
        return new FitResult(
                full.parameterNames(),
                params,
                sd,
                cov,
                corr,
                r.chiSquared(),
                r.reducedChiSquared(),
                r.initialCost(),
                r.cost(),
                r.points(),
                r.invalidPoints(),
                r.iterations(),
                r.evaluations(),
                r.dataPasses(),
                r.polishPassesAccepted(),
                r.scaledCondition(),
                r.termination(),
                r.message(),
                r.method(),
                r.strategy(),
                r.fitSeconds(),
                r.history(),
                r.faults());
    }

    /**
     * The reduced model. Evaluation writes the free values into a per-thread full vector and the
     * full Jacobian row into a per-thread scratch row, then copies the free derivatives out: no
     * allocation per point, and safe for the several threads that share one model.
     */
    private static final class Reduced implements CurveModel {
        private final CurveModel full;
        private final boolean[] fixed;
        private final double[] values;
        private final List<String> names;
        private transient ThreadLocal<double[][]> scratch;

        Reduced(CurveModel full, boolean[] fixed, double[] values) {
            this.full = full;
            this.fixed = fixed;
            this.values = values;
            List<String> free = new ArrayList<>();
            for (int i = 0; i < fixed.length; i++) {
                if (!fixed[i]) {
                    free.add(full.parameterNames().get(i));
                }
            }
            this.names = List.copyOf(free);
        }

        @Override
        public List<String> parameterNames() {
            return names;
        }

        @Override
        public List<String> variableNames() {
            return full.variableNames();
        }

        @Override
        public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
            double[][] s = buffers();
            double[] all = s[0];
            for (int i = 0, j = 0; i < all.length; i++) {
                if (!fixed[i]) {
                    all[i] = p[j++];
                }
            }
            if (jac == null) {
                return full.value(all, x, xOff, null, 0);
            }
            double[] row = s[1];
            double f = full.value(all, x, xOff, row, 0);
            for (int i = 0, j = 0; i < row.length; i++) {
                if (!fixed[i]) {
                    jac[jacOff + j++] = row[i];
                }
            }
            return f;
        }

        private double[][] buffers() {
            ThreadLocal<double[][]> t = scratch;
            if (t == null) {
                synchronized (this) {
                    if (scratch == null) {
                        scratch = ThreadLocal.withInitial(
                                () -> new double[][] {values.clone(), new double[values.length]});
                    }
                    t = scratch;
                }
            }
            return t.get();
        }

        /** The full model with the held values, so a config hash sees them. */
        @Override
        public String describe() {
            StringBuilder b = new StringBuilder(full.describe()).append(" with fixed ");
            for (int i = 0, n = 0; i < fixed.length; i++) {
                if (fixed[i]) {
                    b.append(n++ == 0 ? "" : ", ")
                            .append(full.parameterNames().get(i))
                            .append('=')
                            .append(values[i]);
                }
            }
            return b.toString();
        }
    }
}

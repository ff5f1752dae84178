package org.sparknlsq.linalg;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The unscaled covariance {@code pinv(JᵀWJ)} from the triangular factor R of the weighted
 * Jacobian (J = QR), without ever forming RᵀR.
 *
 * <p>R's columns are first scaled to unit norm (Jacobi scaling; van der Sluis 1969 shows this is
 * within a factor √p of the best diagonal scaling), the scaled R is decomposed by SVD, and
 * {@code pinv = D⁻¹·V·S⁻²·Vᵀ·D⁻¹}. Singular values below {@code ε·max(m, p)·s_max} are treated as
 * zero, as in scipy {@code curve_fit}.
 */
public final class Covariance {
    private Covariance() {}

    /** Result: the p×p pseudo-inverse and the condition number of the column-scaled J. */
    public record Result(double[] pinv, double scaledCondition, int rank) {}

    /**
     * @param r row-major p×p upper-triangular factor (Not modified)
     * @param rows number of data rows behind R (for the rank threshold)
     */
    /** No covariance: every entry NaN (a fit cancelled before its covariance pass). */
    public static Result undefined(int p) {
        double[] nan = new double[p * p];
        Arrays.fill(nan, Double.NaN);
        return new Result(nan, Double.NaN, 0);
    }

    /**
     * The scaled condition number up to which {@link #fromNormal} is used instead of a QR pass.
     * Forming JᵀWJ squares the condition number κ, so pinv(JᵀWJ) computed from it carries a
     * relative error of order κ²·ε instead of κ·ε (Higham 2002, "Accuracy and Stability of
     * Numerical Algorithms", §20.4): at κ ≤ 100 that is below 2·10⁻¹², far under the statistical
     * uncertainty of any standard error and under the digits the NIST certified values give.
     */
    public static final double NORMAL_CONDITION_LIMIT = 100;

    /**
     * {@code pinv(JᵀWJ)} from the normal matrix itself, for a well-conditioned J (see {@link
     * #NORMAL_CONDITION_LIMIT}): Jacobi-scaled as in {@link #fromR}, then decomposed by a
     * symmetric eigen-decomposition, whose eigenvalues are the squared singular values of the
     * scaled J, with the same rank threshold on those singular values.
     *
     * @param normal row-major p×p JᵀWJ, both triangles filled (Not modified)
     * @param rows number of data rows behind it (for the rank threshold)
     */
    public static Result fromNormal(double[] normal, int p, long rows) {
        double[] colNorm = new double[p];
        for (int j = 0; j < p; j++) {
            double d = normal[j * p + j];
            colNorm[j] = d > 0 ? Math.sqrt(d) : 1.0;
        }
        double[] scaled = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                scaled[i * p + j] = normal[i * p + j] / (colNorm[i] * colNorm[j]);
            }
        }
        SymmetricEigen eig = SymmetricEigen.of(scaled, p);
        if (eig == null) {
            return notDecomposed(p);
        }
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = Math.sqrt(Math.max(eig.values()[i], 0.0));
        }
        return scaledInverse(s, eig.vectors(), colNorm, rows);
    }

    /** EJML's decomposition did not converge: no covariance, an infinite condition number. */
    private static Result notDecomposed(int p) {
        double[] nan = new double[p * p];
        Arrays.fill(nan, Double.NaN);
        return new Result(nan, Double.POSITIVE_INFINITY, 0);
    }

    /**
     * {@code pinv = D⁻¹·V·S⁻²·Vᵀ·D⁻¹} from the singular values {@code s} of the column-scaled J, its
     * right singular vectors (row-major p×p, column k for {@code s[k]}) and the column norms D;
     * singular values below {@code ε·max(m, p)·s_max} count as zero (scipy {@code curve_fit}).
     */
    private static Result scaledInverse(double[] s, double[] v, double[] colNorm, long rows) {
        int p = s.length;
        double smax = 0;
        double smin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < p; i++) {
            smax = Math.max(smax, s[i]);
            smin = Math.min(smin, s[i]);
        }
        double threshold = Math.ulp(1.0) * Math.max(rows, p) * smax;
        int rank = 0;
        double[] inv2 = new double[p];
        for (int i = 0; i < p; i++) {
            if (s[i] > threshold) {
                inv2[i] = 1.0 / (s[i] * s[i]);
                rank++;
            }
        }
        double[] pinv = new double[p * p];
        for (int a = 0; a < p; a++) {
            for (int b = a; b < p; b++) {
                double sum = 0;
                for (int k = 0; k < p; k++) {
                    sum += v[a * p + k] * inv2[k] * v[b * p + k];
                }
                double val = sum / (colNorm[a] * colNorm[b]);
                pinv[a * p + b] = val;
                pinv[b * p + a] = val;
            }
        }
        double cond = smin > 0 ? smax / smin : Double.POSITIVE_INFINITY;
        return new Result(pinv, cond, rank);
    }

    public static Result fromR(double[] r, int p, long rows) {
        double[] colNorm = new double[p];
        for (int j = 0; j < p; j++) {
            double s = 0;
            for (int i = 0; i <= j; i++) {
                s += r[i * p + j] * r[i * p + j];
            }
            colNorm[j] = s > 0 ? Math.sqrt(s) : 1.0;
        }
        DMatrixRMaj m = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                m.data[i * p + j] = r[i * p + j] / colNorm[j];
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(p, p, false, true, false);
        if (!svd.decompose(m)) {
            return notDecomposed(p);
        }
        DMatrixRMaj v = svd.getV(null, false);
        return scaledInverse(svd.getSingularValues(), v.data, colNorm, rows);
    }
}

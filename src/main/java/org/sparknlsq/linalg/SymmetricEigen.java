package org.sparknlsq.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Eigen-decomposition {@code A = V·diag(λ)·Vᵀ} of a small symmetric matrix, with the eigenvalues
 * in descending order. Used on the column-scaled normal matrix, whose eigenvalues are the squared
 * singular values of the scaled Jacobian; the trust-region subproblem is then solved in that
 * basis (Moré 1983, "Computing a trust region step"; scipy {@code solve_lsq_trust_region}).
 *
 * @param values eigenvalues, descending
 * @param vectors row-major n×n; column i is the eigenvector of {@code values[i]}
 */
public record SymmetricEigen(double[] values, double[] vectors) {

    /**
     * Decomposes {@code a} (row-major n×n, symmetric; Not modified).
     *
     * @return the decomposition, or null if EJML's symmetric QR algorithm did not converge
     */
    public static SymmetricEigen of(double[] a, int n) {
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        System.arraycopy(a, 0, m.data, 0, n * n);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m)) {
            return null;
        }
        Integer[] order = new Integer[n];
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            raw[i] = eig.getEigenvalue(i).getReal();
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(raw[y], raw[x]));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int c = 0; c < n; c++) {
            int src = order[c];
            values[c] = raw[src];
            DMatrixRMaj v = eig.getEigenVector(src);
            for (int r = 0; r < n; r++) {
                vectors[r * n + c] = v.data[r];
            }
        }
        return new SymmetricEigen(values, vectors);
    }
}

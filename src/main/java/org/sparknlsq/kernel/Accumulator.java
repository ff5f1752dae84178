package org.sparknlsq.kernel;

import java.io.Serializable;
import org.sparknlsq.kernel.internal.RankUpdates;

/**
 * The mergeable per-partition contribution to a least-squares problem at one parameter vector.
 *
 * <p>With q = p + 1 and the augmented row {@code a = [j | r]} (Jacobian row and weighted residual,
 * both already scaled for a robust loss), the accumulator holds a packed upper triangle of q×q
 * (row-major, {@code q(q+1)/2} doubles) in one of two forms:
 *
 * <ul>
 *   <li>{@link Kind#NORMAL}: {@code Σ aᵀa}, i.e. JᵀWJ, JᵀWr and rᵀWr. One rank-1 update per point,
 *       q(q+1) flops; merging is addition. This is the form used while iterating.
 *   <li>{@link Kind#QR}: the triangular factor R of the stacked rows (TSQR; Demmel et al. 2012,
 *       "Communication-optimal parallel and sequential QR"), updated one row at a time by Givens
 *       rotations (MINPACK {@code rwupdt}). RᵀR equals the NORMAL matrix, but R is formed without
 *       squaring the condition number, so it is used for the covariance at the solution.
 *   <li>{@link Kind#COST}: the cost only.
 * </ul>
 *
 * <p>Why both: measured on the NIST StRD problems, normal equations with Jacobi scaling reach the
 * same parameter accuracy as TSQR (the fixed point depends only on JᵀWr), but lose digits in the
 * standard deviations as the scaled condition grows; see the project's FINDINGS on the
 * accumulator.
 *
 * <p>The cost {@code Σ ½C²ρ(z)} is summed with Neumaier compensation because the trust-region
 * ratio compares costs that differ in their last digits near convergence. An empty accumulator
 * merges as a no-op; merging checks kind and dimension.
 */
public final class Accumulator implements Serializable {

    /** What is accumulated. */
    public enum Kind {
        COST,
        NORMAL,
        QR
    }

    private final Kind kind;
    private final int p;
    private final double[] packed;
    private double cost;
    private double costCompensation;
    private long count;
    private long invalidCount;
    private long firstInvalidIndex = -1;
    /**
     * The register update for this order, looked up on the first batch rather than on every one
     * (it stays null above {@link RankUpdates#MAX_ORDER}, where the lookup is cheap next to the
     * update itself).
     */
    private transient RankUpdates.Update registers;

    public Accumulator(Kind kind, int parameterCount) {
        if (parameterCount < 1) {
            throw new IllegalArgumentException("parameterCount must be >= 1, got " + parameterCount);
        }
        this.kind = kind;
        this.p = parameterCount;
        int q = parameterCount + 1;
        this.packed = kind == Kind.COST ? new double[0] : new double[q * (q + 1) / 2];
    }

    public Kind kind() {
        return kind;
    }

    public int parameterCount() {
        return p;
    }

    /** Index of (i, j), i ≤ j, in a row-major packed upper triangle of order n. */
    public static int packedIndex(int n, int i, int j) {
        return i * n - i * (i - 1) / 2 + (j - i);
    }

    /**
     * Adds one point. {@code row[0..p)} holds the Jacobian row and {@code row[p]} the residual;
     * in QR mode {@code row} is used as scratch (Modified).
     *
     * @param pointCost the point's cost ½C²ρ(z)
     */
    public void add(double[] row, double pointCost) {
        addCost(pointCost);
        count++;
        switch (kind) {
            case NORMAL -> rankOneUpdate(row);
            case QR -> givensRowUpdate(row);
            case COST -> {}
        }
    }

    /**
     * Adds {@code n} points at once (NORMAL only): {@code cols[i·stride + b]} is entry i of the
     * augmented row {@code [j | r]} of point b, and {@code costs[b]} its cost. The rank-n update
     * forms each packed entry as a dot product over the n points in a local variable and adds it
     * once: the same sums as n calls of {@link #add}, bracketed in groups of n (blocked rank-k
     * update as in BLAS {@code dsyrk}), without a load and a store of every entry per point, which
     * made the per-point update memory-bound.
     */
    public void addBatch(double[] cols, int stride, int n, double[] costs) {
        if (kind != Kind.NORMAL) {
            throw new IllegalStateException("addBatch is for NORMAL accumulators, this one is " + kind);
        }
        int q = p + 1;
        if (registers == null) {
            registers = RankUpdates.forOrder(q);
        }
        if (registers != null) {
            registers.apply(cols, stride, n, packed);
        } else {
            addBatchAny(cols, stride, n, q);
        }
        for (int b = 0; b < n; b++) {
            addCost(costs[b]);
        }
        count += n;
    }

    /** The rank-n update for q above {@link RankUpdates#MAX_ORDER}: one dot product per packed entry. */
    private void addBatchAny(double[] cols, int stride, int n, int q) {
        int idx = 0;
        for (int i = 0; i < q; i++) {
            int ci = i * stride;
            for (int j = i; j < q; j++) {
                int cj = j * stride;
                double s = 0;
                for (int b = 0; b < n; b++) {
                    s += cols[ci + b] * cols[cj + b];
                }
                packed[idx++] += s;
            }
        }
    }

    /** Records an invalid (non-finite) point at global index {@code index}; it is not added. */
    public void addInvalid(long index) {
        if (invalidCount == 0 || index < firstInvalidIndex) {
            firstInvalidIndex = index;
        }
        invalidCount++;
    }

    private void addCost(double c) {
        // Neumaier's compensated sum
        double t = cost + c;
        if (Math.abs(cost) >= Math.abs(c)) {
            costCompensation += (cost - t) + c;
        } else {
            costCompensation += (c - t) + cost;
        }
        cost = t;
    }

    private void rankOneUpdate(double[] a) {
        int q = p + 1;
        int idx = 0;
        for (int i = 0; i < q; i++) {
            double ai = a[i];
            for (int j = i; j < q; j++) {
                packed[idx++] += ai * a[j];
            }
        }
    }

    /** Folds row {@code a} into R with Givens rotations (MINPACK rwupdt / qrsolv). */
    private void givensRowUpdate(double[] a) {
        int q = p + 1;
        for (int k = 0; k < q; k++) {
            double ak = a[k];
            if (ak == 0.0) {
                continue;
            }
            int kk = packedIndex(q, k, k);
            double rkk = packed[kk];
            double c;
            double s;
            // stable rotation as in MINPACK qrsolv
            if (Math.abs(rkk) < Math.abs(ak)) {
                double cot = rkk / ak;
                s = 0.5 / Math.sqrt(0.25 + 0.25 * cot * cot);
                c = s * cot;
            } else {
                double tan = ak / rkk;
                c = 0.5 / Math.sqrt(0.25 + 0.25 * tan * tan);
                s = c * tan;
            }
            packed[kk] = c * rkk + s * ak;
            for (int j = k + 1, idx = kk + 1; j < q; j++, idx++) {
                double rkj = packed[idx];
                double aj = a[j];
                packed[idx] = c * rkj + s * aj;
                a[j] = -s * rkj + c * aj;
            }
        }
    }

    /** Adds {@code other} into this one (Modified: this). Merging an empty accumulator is a no-op. */
    public Accumulator merge(Accumulator other) {
        if (other.kind != kind || other.p != p) {
            throw new IllegalArgumentException(
                    "cannot merge " + other.kind + "(p=" + other.p + ") into " + kind + "(p=" + p + ")");
        }
        if (other.count == 0 && other.invalidCount == 0) {
            return this;
        }
        addCost(other.cost);
        addCost(other.costCompensation);
        count += other.count;
        if (other.invalidCount > 0) {
            if (invalidCount == 0 || other.firstInvalidIndex < firstInvalidIndex) {
                firstInvalidIndex = other.firstInvalidIndex;
            }
            invalidCount += other.invalidCount;
        }
        switch (kind) {
            case NORMAL -> {
                for (int i = 0; i < packed.length; i++) {
                    packed[i] += other.packed[i];
                }
            }
            case QR -> {
                int q = p + 1;
                double[] row = new double[q];
                for (int i = 0; i < q; i++) {
                    java.util.Arrays.fill(row, 0.0);
                    System.arraycopy(other.packed, packedIndex(q, i, i), row, i, q - i);
                    givensRowUpdate(row);
                }
            }
            case COST -> {}
        }
        return this;
    }

    /** The robust cost Σ ½C²ρ(z) over valid points. */
    public double cost() {
        return cost + costCompensation;
    }

    /** True when the cost and every accumulated sum are finite (no overflow). */
    public boolean finite() {
        if (!Double.isFinite(cost())) {
            return false;
        }
        for (double v : packed) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Number of valid points added. */
    public long count() {
        return count;
    }

    /** Number of points whose value or derivatives were not finite. */
    public long invalidCount() {
        return invalidCount;
    }

    /** Global index of the first invalid point, or -1. */
    public long firstInvalidIndex() {
        return firstInvalidIndex;
    }

    /** The packed q×q upper triangle (NORMAL: Σaᵀa; QR: R). Not a copy: do not modify. */
    public double[] packed() {
        return packed;
    }

    /**
     * The p×p matrix JᵀWJ (row-major, both triangles filled), computed as RᵀR in QR mode.
     * Allocates.
     */
    public double[] normalMatrix() {
        int q = p + 1;
        double[] n = new double[p * p];
        if (kind == Kind.NORMAL) {
            for (int i = 0; i < p; i++) {
                for (int j = i; j < p; j++) {
                    double v = packed[packedIndex(q, i, j)];
                    n[i * p + j] = v;
                    n[j * p + i] = v;
                }
            }
        } else if (kind == Kind.QR) {
            for (int i = 0; i < p; i++) {
                for (int j = i; j < p; j++) {
                    double s = 0;
                    for (int k = 0; k <= i; k++) {
                        s += packed[packedIndex(q, k, i)] * packed[packedIndex(q, k, j)];
                    }
                    n[i * p + j] = s;
                    n[j * p + i] = s;
                }
            }
        } else {
            throw new IllegalStateException("a COST accumulator has no normal matrix");
        }
        return n;
    }

    /** The gradient JᵀWr (length p). Allocates. */
    public double[] gradient() {
        int q = p + 1;
        double[] g = new double[p];
        if (kind == Kind.NORMAL) {
            for (int i = 0; i < p; i++) {
                g[i] = packed[packedIndex(q, i, p)];
            }
        } else if (kind == Kind.QR) {
            // Jᵀr = Rᵀ(Qᵀr), with Qᵀr the last column of R
            for (int i = 0; i < p; i++) {
                double s = 0;
                for (int k = 0; k <= i; k++) {
                    s += packed[packedIndex(q, k, i)] * packed[packedIndex(q, k, p)];
                }
                g[i] = s;
            }
        } else {
            throw new IllegalStateException("a COST accumulator has no gradient");
        }
        return g;
    }

    /** The p×p upper-triangular factor R of J (row-major, zeros below). QR mode only. */
    public double[] rFactor() {
        if (kind != Kind.QR) {
            throw new IllegalStateException("only a QR accumulator has an R factor");
        }
        int q = p + 1;
        double[] r = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                r[i * p + j] = packed[packedIndex(q, i, j)];
            }
        }
        return r;
    }
}

package org.sparknlsq.fit;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.sparknlsq.kernel.DataBlock;

/**
 * The weighted spread of the observations about their weighted mean, Σ w(y − ȳ)² with w = 1/σ²
 * (1 without sigma), for R² = 1 − χ²/Σ w(y − ȳ)². Accumulated per block with West's weighted
 * update (West 1979) and merged with Chan, Golub and LeVeque's pairwise formula (1979), which
 * avoid the cancellation of Σwy² − (Σwy)²/Σw.
 */
record TotalSumOfSquares(double weight, double mean, double m2) implements Serializable {
    static final TotalSumOfSquares EMPTY = new TotalSumOfSquares(0, 0, 0);

    static TotalSumOfSquares of(DataBlock b) {
        double w = 0;
        double mean = 0;
        double m2 = 0;
        for (int i = 0; i < b.size(); i++) {
            double wi = b.sigma() == null ? 1 : 1 / (b.sigma()[i] * b.sigma()[i]);
            double y = b.y()[i];
            if (!(wi > 0) || !Double.isFinite(wi) || !Double.isFinite(y)) {
                continue;
            }
            w += wi;
            double delta = y - mean;
            mean += delta * wi / w;
            m2 += wi * delta * (y - mean);
        }
        return new TotalSumOfSquares(w, mean, m2);
    }

    TotalSumOfSquares merge(TotalSumOfSquares o) {
        if (o.weight == 0) {
            return this;
        }
        if (weight == 0) {
            return o;
        }
        double w = weight + o.weight;
        double delta = o.mean - mean;
        return new TotalSumOfSquares(w, mean + delta * o.weight / w, m2 + o.m2 + delta * delta * weight * o.weight / w);
    }

    static TotalSumOfSquares of(List<DataBlock> blocks) {
        TotalSumOfSquares t = EMPTY;
        for (DataBlock b : blocks) {
            t = t.merge(of(b));
        }
        return t;
    }

    /** Merged in partition order, so the value does not depend on task timing. */
    static TotalSumOfSquares of(JavaRDD<DataBlock> blocks) {
        TotalSumOfSquares t = EMPTY;
        for (TotalSumOfSquares part : blocks.map(TotalSumOfSquares::of).collect()) {
            t = t.merge(part);
        }
        return t;
    }

    /** 1 − χ²/Σw(y − ȳ)²; NaN when the observations do not vary. */
    double rSquared(double chiSquared) {
        return m2 > 0 ? 1 - chiSquared / m2 : Double.NaN;
    }
}

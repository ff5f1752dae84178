package org.sparknlsq.robust;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A non-finite number was found. {@link #point()} says where the check ran, and the sample holds
 * up to {@link #SAMPLE_SIZE} invalid values with their indexes (into the parameter vector, the
 * gradient, or the data).
 */
public class NumericalException extends FitException {
    /** How many invalid values are kept as a sample. */
    public static final int SAMPLE_SIZE = 5;

    /** Where a numerical check runs (the seed's three validation points). */
    public enum DetectionPoint {
        /** after the reduction of the gradient / normal equations */
        GRADIENT,
        /** after a parameter update, including bound violations */
        PARAMETER,
        /** after a cost evaluation */
        LOSS
    }

    private final DetectionPoint point;
    private final long[] sampleIndexes;
    private final double[] sampleValues;

    public NumericalException(String message, DetectionPoint point, long[] sampleIndexes, double[] sampleValues) {
        super(message, context(point, sampleIndexes, sampleValues), null);
        this.point = point;
        this.sampleIndexes = sampleIndexes.clone();
        this.sampleValues = sampleValues.clone();
    }

    private static Map<String, Object> context(DetectionPoint point, long[] idx, double[] vals) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("detection_point", point.name().toLowerCase(java.util.Locale.ROOT));
        c.put("invalid_indexes", Arrays.toString(idx));
        c.put("invalid_values", Arrays.toString(vals));
        return c;
    }

    /**
     * The start parameters give a non-finite objective.
     *
     * @param invalidPoints points whose value, derivative or weight was not finite
     * @param firstInvalid the first of them (data row from 0), or negative for none
     * @param cost the cost found
     */
    public static NumericalException atStart(long invalidPoints, long firstInvalid, double cost) {
        String message = invalidPoints > 0 && firstInvalid >= 0
                ? "the model is not finite at the start parameters for " + invalidPoints
                        + " point(s), first at data row " + firstInvalid
                : "the cost is not finite at the start parameters although every point's residual is: the sums"
                        + " overflow (values near the limit of double precision, about 1e308); rescale the data or"
                        + " the model";
        return new NumericalException(
                message, DetectionPoint.LOSS, new long[] {Math.max(firstInvalid, 0)}, new double[] {cost});
    }

    /**
     * Checks {@code values} for non-finite entries and throws with a sample if any is found.
     *
     * @param what names the array in the message, for example "gradient"
     */
    public static void requireFinite(double[] values, DetectionPoint point, String what) {
        int bad = 0;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                bad++;
            }
        }
        if (bad == 0) {
            return;
        }
        int k = Math.min(bad, SAMPLE_SIZE);
        long[] idx = new long[k];
        double[] vals = new double[k];
        for (int i = 0, j = 0; i < values.length && j < k; i++) {
            if (!Double.isFinite(values[i])) {
                idx[j] = i;
                vals[j++] = values[i];
            }
        }
        throw new NumericalException(
                bad + " non-finite value(s) in " + what + " at index " + Arrays.toString(idx), point, idx, vals);
    }

    public DetectionPoint point() {
        return point;
    }

    public long[] sampleIndexes() {
        return sampleIndexes.clone();
    }

    public double[] sampleValues() {
        return sampleValues.clone();
    }
}

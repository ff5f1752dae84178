package org.sparknlsq.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Column checks on a schema alone, so that a missing or mistyped column fails before any job. */
final class Schemas {
    private Schemas() {}

    /**
     * Fails with one message listing every problem: a column that is not set, missing, or not
     * numeric.
     *
     * @param y the observation column, or null when not needed (prediction)
     * @param sigma the sigma column, or null
     */
    static void requireInputs(StructType schema, List<String> x, String y, String sigma) {
        List<String> problems = new ArrayList<>();
        if (x.isEmpty()) {
            problems.add("xCols: no x column is set");
        }
        for (String c : x) {
            check(schema, "xCols", c, problems);
        }
        if (y != null) {
            check(schema, "yCol", y, problems);
        }
        if (sigma != null) {
            check(schema, "sigmaCol", sigma, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems) + " (columns: "
                    + String.join(", ", Arrays.asList(schema.fieldNames())) + ")");
        }
    }

    private static void check(StructType schema, String param, String column, List<String> problems) {
        StructField f = field(schema, column);
        if (f == null) {
            problems.add(param + ": column '" + column + "' does not exist");
        } else if (!(f.dataType() instanceof NumericType)) {
            problems.add(param + ": column '" + column + "' has type "
                    + f.dataType().simpleString() + ", expected a number");
        }
    }

    static StructField field(StructType schema, String column) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(column)) {
                return f;
            }
        }
        return null;
    }

    /** The schema with the prediction column and, unless empty, its standard error; both doubles. */
    static StructType withPredictions(StructType schema, String predictionCol, String stdCol) {
        StructType out = schema;
        for (String c : stdCol.isEmpty() ? List.of(predictionCol) : List.of(predictionCol, stdCol)) {
            if (field(schema, c) != null) {
                throw new IllegalArgumentException("output column '" + c + "' already exists");
            }
            out = out.add(c, DataTypes.DoubleType, false);
        }
        return out;
    }
}

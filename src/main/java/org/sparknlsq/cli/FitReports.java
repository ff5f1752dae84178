package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.report.FitReport;
import org.sparknlsq.spark.SparkInput;

/** {@code fit --report DIR}: the points to draw, and writing the report. */
final class FitReports {
    private FitReports() {}

    /**
     * Writes the report; a directory that cannot be written is a configuration error.
     *
     * @param out where to say where it went, or null (quiet)
     */
    static void write(Path dir, FitProblem problem, FitResult result, DataBlock sample, PrintWriter out) {
        try {
            Path png = FitReport.write(dir, problem, result, sample);
            if (out != null) {
                out.println("report: " + png + " and " + dir.resolve("fit-report.html"));
                out.flush();
            }
        } catch (IOException e) {
            throw CliException.config("--report: cannot write to " + dir + ": " + e.getMessage());
        }
    }

    /** The points of {@code blocks}, thinned for the report. */
    static DataBlock sample(List<DataBlock> blocks) {
        DataBlock b0 = blocks.get(0);
        return FitReport.thin(DataBlock.concat(blocks, b0.variables(), b0.sigma() != null, 0), FitReport.MAX_POINTS);
    }

    /**
     * The report's points for data that live on Spark: read again (not cached), every partition
     * thinned in its task to its share, so the driver receives at most about {@link
     * FitReport#MAX_POINTS} points.
     */
    static DataBlock sparkSample(SparkSession spark, SparkInput.Spec input) {
        try (SparkInput.Loaded data = SparkInput.read(spark, input, n -> StorageLevel.NONE())) {
            int per = Math.max(1, FitReport.MAX_POINTS / Math.max(1, data.partitions()));
            List<DataBlock> parts =
                    data.blocks().map(b -> FitReport.thin(b, per)).collect();
            return sample(parts);
        }
    }
}

package org.sparknlsq.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.report.FitReport;

/** {@code fit --report DIR}: writing the report. */
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
}

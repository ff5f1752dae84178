package org.sparknlsq.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.sparknlsq.fit.FitOutcome;
import org.sparknlsq.io.FitResultJson;
import org.sparknlsq.optim.FitResult;

/**
 * One structured event per {@code fit} run, logged at INFO to the logger {@code
 * org.sparknlsq.events} as a JSON object: {@code job_id}, {@code status} ({@code success}, {@code
 * not_converged}, {@code batch_failure} or {@code error}), {@code exit_code}, {@code metrics}
 * (times, iterations, evaluations, passes, points, cost, χ²), {@code diagnostics} (strategy,
 * success rate, excluded partitions, infrastructure and checkpoint counters) and, on error, the
 * one-line {@code message}. The default log configuration leaves INFO off, so nothing shows;
 * {@code conf/log4j2-json.properties} writes every log line, this one included, as JSON (the
 * seed's production template: timestamp, job id, status, metrics, diagnostics).
 */
final class FitEvents {
    static final Logger LOG = LogManager.getLogger("org.sparknlsq.events");

    private FitEvents() {}

    static void finished(String jobId, int exitCode, FitOutcome o, double seconds) {
        FitResult r = o.result();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("job_id", jobId);
        e.put("status", status(exitCode));
        e.put("exit_code", exitCode);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total_seconds", seconds);
        m.put("fit_seconds", r.fitSeconds());
        m.put("iterations", r.iterations());
        m.put("evaluations", r.evaluations());
        m.put("data_passes", r.dataPasses());
        m.put("points", r.points());
        m.put("cost", r.cost());
        m.put("reduced_chi_squared", r.reducedChiSquared());
        e.put("metrics", m);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("strategy", r.strategy());
        d.put("termination", r.termination().name().toLowerCase(Locale.ROOT));
        if (r.faults() != null) {
            d.put("batch_success_rate", r.faults().batchSuccessRate());
            d.put("excluded_partitions", r.faults().excludedPartitions().size());
            d.put("excluded_fraction", r.faults().excludedFraction());
            d.put("total_retries", r.faults().totalRetries());
            d.put("infrastructure", r.faults().infrastructure());
        }
        d.put("partitions", o.diagnostics().partitions());
        d.put("spark_jobs", o.diagnostics().sparkJobs());
        if (o.diagnostics().checkpoints() != null) {
            d.put("checkpoint_info", o.diagnostics().checkpoints().toJsonObject());
        }
        if (r.faults() == null && o.diagnostics().master() != null) {
            d.put("infrastructure", o.diagnostics().infrastructure());
        }
        e.put("diagnostics", d);
        LOG.info(FitResultJson.line(e));
    }

    static void failed(String jobId, Throwable t) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("job_id", jobId);
        e.put("status", "error");
        int code = Main.classify(t).code();
        e.put("exit_code", code);
        e.put("message", Main.oneLine(t.getMessage()));
        e.put("error_type", t.getClass().getSimpleName());
        LOG.info(FitResultJson.line(e));
    }

    static String status(int exitCode) {
        if (exitCode == ExitCode.SUCCESS.code()) {
            return "success";
        } else if (exitCode == ExitCode.NOT_CONVERGED.code()) {
            return "not_converged";
        } else if (exitCode == ExitCode.BATCH_FAILURE.code()) {
            return "batch_failure";
        }
        return "error";
    }
}

package org.sparknlsq.it;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.builtin.BuiltinModels;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.FitMetrics;
import org.sparknlsq.spark.SparkFitResult;
import org.sparknlsq.spark.SparkFitter;
import org.sparknlsq.strategy.Strategy;

/**
 * The metrics plugin on a real SparkSession with its UI and Spark's own Prometheus servlet: after
 * a fit, a scrape of {@code /metrics/prometheus} shows spark-nlsq's counters with their values.
 * (An integration test because it needs its own SparkSession with a UI, which the unit tests'
 * shared session does not have.)
 */
class MetricsIT {
    @Test
    void aScrapeOfThePrometheusServletShowsTheFitCounters() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SparkSession spark = SparkSession.builder()
                .appName("spark-nlsq-metrics")
                .master("local[2]")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "true")
                .config("spark.ui.port", Integer.toString(port))
                .config("spark.plugins", "org.sparknlsq.spark.MetricsPlugin")
                .config(
                        "spark.metrics.conf.*.sink.prometheusServlet.class",
                        "org.apache.spark.metrics.sink.PrometheusServlet")
                .config("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus")
                .getOrCreate();
        try {
            Random r = new Random(1);
            int n = 50_000;
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = 5.0 * i / n;
                y[i] = 3 * Math.exp(-1.3 * x[i]) + 0.5 + 0.01 * r.nextGaussian();
            }
            // the counters are per JVM, and other tests of this JVM may have fitted before
            java.util.Map<String, Double> before = new java.util.HashMap<>();
            FitMetrics.readers().forEach((k, v) -> before.put(k, v.get().doubleValue()));
            SparkFitResult fit = SparkFitter.submit(
                            spark,
                            FitProblem.of(BuiltinModels.exponentialDecay(), 1.0, 1.0, 0.0),
                            new DataBlock(x, y, null, 1, 0),
                            4,
                            FitOptions.defaults(),
                            SparkFitter.Options.defaults().withStrategy(Strategy.LARGE))
                    .result();
            assertTrue(fit.fit().success());
            String body = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.ALWAYS)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertEquals(before.get("fits_started") + 1, value(body, "fits_started"));
            assertEquals(before.get("fits_succeeded") + 1, value(body, "fits_succeeded"));
            assertEquals(before.get("fits_failed"), value(body, "fits_failed"));
            assertEquals(before.get("iterations") + fit.fit().iterations(), value(body, "iterations"));
            assertEquals(
                    fit.fit().cost(), value(body, "last_cost"), 1e-6 * fit.fit().cost());
            assertTrue(value(body, "last_fit_seconds") > 0);
            assertEquals(before.get("executor_losses"), value(body, "executor_losses"));
        } finally {
            spark.stop();
        }
    }

    /** The value of the plugin's gauge {@code name} in a Prometheus text exposition. */
    private static double value(String body, String name) {
        Matcher m = Pattern.compile(
                        "^(\\S*plugin_org_sparknlsq_spark_MetricsPlugin_" + name + "_Value)\\S*\\s+(\\S+)$",
                        Pattern.MULTILINE)
                .matcher(body);
        assertTrue(
                m.find(),
                "no metric " + name + " in the scrape; its plugin lines: "
                        + body.lines().filter(l -> l.contains("MetricsPlugin")).toList());
        return Double.parseDouble(m.group(2));
    }
}

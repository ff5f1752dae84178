package org.sparknlsq.spark;

import com.codahale.metrics.Gauge;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.sparknlsq.robust.FitMetrics;

/**
 * Publishes spark-nlsq's {@link FitMetrics} through Spark's own metrics system with the public
 * plugin API: enable it with {@code spark.plugins=org.sparknlsq.spark.MetricsPlugin}, and every
 * configured sink gets them, for example Spark's Prometheus servlet
 * ({@code spark.metrics.conf.*.sink.prometheusServlet.class=org.apache.spark.metrics.sink.PrometheusServlet},
 * path {@code /metrics/prometheus} on the driver UI) as {@code
 * ..._plugin_org_sparknlsq_spark_MetricsPlugin_<name>_Value}. The names are those of {@link
 * FitMetrics#readers()}: fits started, succeeded and failed, the last fit's duration and cost,
 * iterations, failed and excluded partitions, retries, recoveries, executor losses, checkpoint
 * saves, failures and the last save's duration. Driver side only: the fits run their loop there.
 */
public final class MetricsPlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext ctx) {
                FitMetrics.readers()
                        .forEach((name, reader) -> ctx.metricRegistry().register(name, (Gauge<Number>) reader::get));
                return Map.of();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return null;
    }
}

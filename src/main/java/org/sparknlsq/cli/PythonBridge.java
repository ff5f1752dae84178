package org.sparknlsq.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparknlsq.fit.CurveFitting;
import org.sparknlsq.fit.FitInput;
import org.sparknlsq.fit.FitOutcome;
import org.sparknlsq.fit.FitSettings;
import org.sparknlsq.io.Location;
import org.sparknlsq.spark.SparkSessions;

/**
 * The entry point of the Python facade ({@code src/main/python/spark_nlsq}): a fit whose options
 * come as one JSON object, mapped straight onto the library by {@link FitSettings} (keys in
 * camel, snake or kebab case). Under PySpark the fit uses the active SparkSession (the one Python
 * holds) and leaves it running; a small local CSV file is fitted without Spark, as on the command
 * line. Returns the result document (the JSON of {@code --output}) as a string.
 */
public final class PythonBridge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PythonBridge() {}

    /**
     * @param optionsJson e.g. {@code {"data": "d.csv", "x": "x", "y": "y", "model": "a*exp(-b*x)",
     *     "params": {"a": 1, "b": 1}}}; {@code output} also writes the document there, atomically
     * @return the result JSON; for a fit that ran but is not a success too, with {@code success:
     *     false}
     * @throws IllegalArgumentException for unusable settings, naming each key
     */
    public static String fit(String optionsJson) {
        Map<String, Object> options;
        try {
            options = JSON.readValue(optionsJson, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("options are not a JSON object: " + e.getMessage());
        }
        FitSettings s = FitSettings.of(options);
        FitInput.FileInput input = FitInput.file(s.data(), s.format())
                .withSpark(() -> SparkSessions.getOrCreate(s.request().master(), SparkSessions.ExecutorWait.WATCH));
        FitOutcome o = CurveFitting.fit(input, s.request());
        ByteArrayOutputStream doc = new ByteArrayOutputStream();
        try {
            o.writeJson(doc);
            if (s.output() != null) {
                Location target = Location.of(s.output());
                Configuration conf = target.local()
                        ? null
                        : SparkSession.getActiveSession().isDefined()
                                ? SparkSession.active().sparkContext().hadoopConfiguration()
                                : new Configuration();
                target.write(conf, o::writeJson);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the result to " + s.output() + ": " + e.getMessage(), e);
        }
        return doc.toString(StandardCharsets.UTF_8);
    }
}

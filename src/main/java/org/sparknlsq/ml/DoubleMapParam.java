package org.sparknlsq.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A Param whose value maps parameter names to numbers (start values, bounds), kept in insertion
 * order and saved as a JSON object. Infinite bounds are saved as the strings {@code "inf"} and
 * {@code "-inf"}.
 */
final class DoubleMapParam extends Param<Map<String, Double>> {
    private static final ObjectMapper JSON = new ObjectMapper();

    DoubleMapParam(Params parent, String name, String doc) {
        super(parent, name, doc);
    }

    @Override
    public String jsonEncode(Map<String, Double> value) {
        Map<String, Object> m = new LinkedHashMap<>();
        value.forEach((k, v) -> m.put(k, Double.isFinite(v) ? v : v.isNaN() ? "nan" : v > 0 ? "inf" : "-inf"));
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, Double> jsonDecode(String json) {
        Map<String, Object> raw;
        try {
            raw = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name() + ": cannot read " + json + ": " + e.getOriginalMessage());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        raw.forEach((k, v) -> m.put(
                k,
                v instanceof Number n
                        ? n.doubleValue()
                        : switch (String.valueOf(v)) {
                            case "inf" -> Double.POSITIVE_INFINITY;
                            case "-inf" -> Double.NEGATIVE_INFINITY;
                            default -> Double.NaN;
                        }));
        return Collections.unmodifiableMap(m);
    }
}

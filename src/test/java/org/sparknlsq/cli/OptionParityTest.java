package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparknlsq.fit.FitSettings;
import org.sparknlsq.fit.InvalidSettingsException;
import org.sparknlsq.ml.CurveFit;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of {@code fit} that shapes the fit is a Param of the Estimator and a key of the
 * library's keyed settings (the Python package's), and the command line names each key's errors
 * by its option: one option, one setting, every client.
 */
class OptionParityTest {
    /** Options of the command line only: where output goes, how it is printed, where Spark runs. */
    static final List<String> CLIENT_ONLY = List.of(
            "--help",
            "--version",
            "--debug",
            "--verbose",
            "--config",
            "--set",
            "--data",
            "--format",
            "--output",
            "--report",
            "--progress",
            "--job-id",
            "--quiet",
            "--status-file",
            "--master");

    static final Map<String, String> SHORT = Map.of(
            "--params", "initialValues",
            "--x", "xCols",
            "--y", "yCol",
            "--sigma", "sigmaCol",
            "--bounds", "lowerBounds",
            "--fix", "fixedParameters");

    static String key(String option) {
        if (SHORT.containsKey(option)) {
            return SHORT.get(option);
        }
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : option.substring(2).toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    static List<String> fitOptions() {
        List<String> out = new ArrayList<>();
        CommandLine fit = new CommandLine(new Main()).getSubcommands().get("fit");
        for (OptionSpec o : fit.getCommandSpec().options()) {
            if (!CLIENT_ONLY.contains(o.longestName())) {
                out.add(o.longestName());
            }
        }
        return out;
    }

    @Test
    void everyFitOptionIsAParamOfTheEstimator() {
        CurveFit estimator = new CurveFit();
        List<String> missing = new ArrayList<>();
        for (String option : fitOptions()) {
            if (!estimator.hasParam(key(option))) {
                missing.add(option + " (" + key(option) + ")");
            }
        }
        assertEquals(List.of(), missing, "fit options without a Param");
        assertTrue(fitOptions().size() >= 35, "the options were found: " + fitOptions());
    }

    @Test
    void everyFitOptionIsAKeyOfTheKeyedSettingsInAnyCase() {
        for (String option : fitOptions()) {
            String camel = key(option);
            String snake = camel.replaceAll("([A-Z])", "_$1").toLowerCase();
            for (String k : List.of(camel, snake, option.substring(2))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(k, null);
                InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> FitSettings.of(m), k);
                assertTrue(
                        e.problems().stream().noneMatch(p -> p.message().startsWith("unknown setting")),
                        k + ": " + e.getMessage());
            }
        }
    }

    @Test
    void keyedSettingsReadTheShapesOfJsonAndReportEveryProblemByKey() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", "conf/examples/decay.csv");
        m.put("x", List.of("x"));
        m.put("y", "y");
        m.put("model", "a*exp(-b*x) + c");
        m.put("params", Map.of("a", 1, "b", "1", "c", 0));
        m.put("bounds", Map.of("b", java.util.Arrays.asList(0, null), "c", List.of("-inf", "inf")));
        m.put("fix", "c");
        m.put("max_iterations", 50);
        m.put("enable-fault-tolerance", false);
        FitSettings s = FitSettings.of(m);
        assertEquals(List.of("a", "b", "c"), s.request().parameterNames());
        assertEquals(List.of("c"), s.request().fixedParameters());
        assertEquals(0.0, s.request().problem().lower(1));
        assertEquals(Double.POSITIVE_INFINITY, s.request().problem().upper(1));
        assertEquals(50, s.request().options().maxIterations());
        assertTrue(!s.request().options().faultTolerance().enabled());

        m.put("max_iteration", 3);
        m.put("ftol", "tight");
        m.put("maxEpochs", 0);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> FitSettings.of(m));
        List<String> keys =
                e.problems().stream().map(InvalidSettingsException.Problem::key).toList();
        assertEquals(List.of("max_iteration", "ftol", "maxEpochs"), keys, e.getMessage());
        assertTrue(e.getMessage().contains("did you mean maxIterations?"), e.getMessage());
    }

    @Test
    void theCommandLineNamesEachKeysErrorsByItsOption() {
        for (String option : fitOptions()) {
            assertEquals(option, OptionNames.of(key(option)), key(option));
        }
    }
}

package org.sparknlsq.nist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.Method;
import org.sparknlsq.problem.FitProblem;

/**
 * The NIST StRD nonlinear regression problems, fitted with default options from both NIST start
 * vectors and with both methods (TRF is the default), with the models typed as NIST writes them. The bar: LRE ≥ 6 on every parameter and
 * LRE ≥ 4 on every certified standard deviation (Lanczos1's certified RSS, 1.4e-25, is below what
 * double precision reproduces, so its deviations are reported but not asserted), and a mean
 * parameter LRE of at least 10 over all runs. A table goes to {@code target/nist-report.txt}.
 */
class NistAccuracyTest {
    private static final List<String> ROWS = new ArrayList<>();
    private static final List<Double> PARAM_LRES = new ArrayList<>();
    private static final List<Double> SD_LRES = new ArrayList<>();

    static Stream<Arguments> runs() {
        return Stream.of(Method.values()).flatMap(m -> NistProblem.all().stream()
                .flatMap(p -> Stream.of(Arguments.of(p, 1, m), Arguments.of(p, 2, m))));
    }

    @ParameterizedTest(name = "{0} start {1} {2}")
    @MethodSource("runs")
    void certifiedValuesAndDeviations(NistProblem nist, int startNo, Method method) {
        double[] start = startNo == 1 ? nist.start1() : nist.start2();
        FitResult r = CurveFitter.fit(
                FitProblem.of(nist.model(), start),
                nist.data(),
                FitOptions.defaults().withMethod(method));
        double minP = NistProblem.LRE_CAP;
        double minSd = NistProblem.LRE_CAP;
        for (int i = 0; i < start.length; i++) {
            double lp = NistProblem.lre(r.parameters()[i], nist.certifiedValues()[i]);
            double ls = NistProblem.lre(r.uncertainties()[i], nist.certifiedStdDev()[i]);
            minP = Math.min(minP, lp);
            minSd = Math.min(minSd, ls);
            synchronized (ROWS) {
                PARAM_LRES.add(lp);
                SD_LRES.add(ls);
            }
        }
        double rssLre = NistProblem.lre(r.chiSquared(), nist.residualSumOfSquares());
        String row = String.format(
                Locale.ROOT,
                "%-9s %d %-3s %-16s it %4d  ev %4d  minLRE(p) %5.2f  minLRE(sd) %5.2f  LRE(rss) %5.2f  cond %.1e",
                nist.name(),
                startNo,
                method,
                r.termination(),
                r.iterations(),
                r.evaluations(),
                minP,
                minSd,
                rssLre,
                r.scaledCondition());
        synchronized (ROWS) {
            ROWS.add(row);
        }
        assertTrue(r.success(), () -> row + "\n" + r.briefReport());
        assertTrue(minP >= 6, () -> "parameter LRE below 6: " + row + "\n" + r.briefReport());
        if (!nist.name().equals("Lanczos1")) {
            assertTrue(minSd >= 4, () -> "standard deviation LRE below 4: " + row + "\n" + r.briefReport());
        }
    }

    @AfterAll
    static void report() throws IOException {
        double meanP = PARAM_LRES.stream().mapToDouble(d -> d).average().orElse(0);
        double meanSd = SD_LRES.stream().mapToDouble(d -> d).average().orElse(0);
        List<String> out = new ArrayList<>(ROWS);
        out.sort(null);
        out.add(String.format(
                Locale.ROOT, "runs %d  mean parameter LRE %.2f  mean sd LRE %.2f", ROWS.size(), meanP, meanSd));
        Path dir = Path.of(System.getProperty("project.build.directory", "target"));
        Files.createDirectories(dir);
        Files.write(dir.resolve("nist-report.txt"), out);
        out.forEach(System.out::println);
    }

    /** The goal above every peer: a mean parameter LRE of at least 10 with the default method. */
    @Test
    void meanParameterLreOverAllRunsIsAtLeastTen() {
        List<Double> lres = new ArrayList<>();
        for (NistProblem nist : NistProblem.all()) {
            for (double[] start : List.of(nist.start1(), nist.start2())) {
                FitResult r = CurveFitter.fit(FitProblem.of(nist.model(), start), nist.data(), FitOptions.defaults());
                for (int i = 0; i < start.length; i++) {
                    lres.add(NistProblem.lre(r.parameters()[i], nist.certifiedValues()[i]));
                }
            }
        }
        double mean = lres.stream().mapToDouble(d -> d).average().orElse(0);
        assertTrue(mean >= 10, "mean parameter LRE " + mean);
    }
}

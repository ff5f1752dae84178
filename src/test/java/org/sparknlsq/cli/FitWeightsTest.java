package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a sigma column and --absolute-sigma act on the fit, checked through the JSON. */
class FitWeightsTest {
    @TempDir
    Path dir;

    /** y = 3·exp(−1.3x) + 0.5 + N(0, σ²) with σ = 0.02, or σ_i when {@code varying}. */
    private Path noisyDecay(String name, boolean varying, double sigmaFactor) throws IOException {
        Random rnd = new Random(42);
        StringBuilder b = new StringBuilder("x,y,s\n");
        for (int i = 0; i < 400; i++) {
            double x = 5.0 * i / 399;
            double s = varying ? 0.01 + 0.05 * (i % 7) : 0.02;
            double y = 3 * Math.exp(-1.3 * x) + 0.5 + s * rnd.nextGaussian();
            b.append(String.format(Locale.ROOT, "%.17g,%.17g,%.17g%n", x, y, s * sigmaFactor));
        }
        return Cli.write(dir, name, b.toString());
    }

    /**
     * Points with a large sigma carry an offset of +5: weighted, they barely matter; unweighted,
     * they pull the fit away.
     */
    @Test
    void sigmaColumnWeightsThePoints() throws IOException {
        StringBuilder b = new StringBuilder("x,y,s\n");
        for (int i = 0; i < 40; i++) {
            boolean outlier = i % 4 == 0;
            double x = i * 0.25;
            b.append(String.format(Locale.ROOT, "%s,%s,%s%n", x, 2 * x + 1 + (outlier ? 5 : 0), outlier ? 1e4 : 0.1));
        }
        Path data = Cli.write(dir, "w.csv", b.toString());
        String[] common = {
            "--data", data.toString(), "--x", "x", "--y", "y", "--model", "a*x + b", "--params", "a=1,b=0", "--quiet"
        };
        double[] weighted = Cli.values(
                Cli.fitJson(dir, 0, Cli.concat(common, "--sigma", "s")).get("parameters"));
        double[] unweighted = Cli.values(Cli.fitJson(dir, 0, common).get("parameters"));
        assertArrayEquals(new double[] {2, 1}, weighted, 1e-5);
        assertTrue(Math.abs(unweighted[1] - 1) > 0.5, "unweighted b = " + unweighted[1]);
    }

    /** scipy semantics: with relative sigma, scaling every sigma changes χ² but not p or cov. */
    @Test
    void relativeSigmaIsScaleFreeAndAbsoluteSigmaOnlyRescalesTheCovariance() throws IOException {
        String[] common = {
            "--x", "x", "--y", "y", "--sigma", "s", "--model", "a*exp(-b*x) + c", "--params", "a=1,b=1,c=0", "--quiet"
        };
        JsonNode rel = Cli.fitJson(
                dir,
                0,
                Cli.concat(common, "--data", noisyDecay("n1.csv", true, 1).toString()));
        JsonNode rel10 = Cli.fitJson(
                dir,
                0,
                Cli.concat(common, "--data", noisyDecay("n10.csv", true, 10).toString()));
        JsonNode abs = Cli.fitJson(
                dir,
                0,
                Cli.concat(common, "--data", noisyDecay("n1.csv", true, 1).toString(), "--absolute-sigma"));

        assertArrayEquals(Cli.values(rel.get("parameters")), Cli.values(rel10.get("parameters")), 1e-9);
        assertEquals(
                rel.get("chi_squared").asDouble() / 100,
                rel10.get("chi_squared").asDouble(),
                1e-9);
        assertArrayEquals(Cli.values(rel.get("parameters")), Cli.values(abs.get("parameters")), 0.0);
        assertEquals(rel.get("chi_squared").asDouble(), abs.get("chi_squared").asDouble(), 0.0);
        assertTrue(abs.get("absolute_sigma").asBoolean());
        double reduced = rel.get("reduced_chi_squared").asDouble();
        for (int i = 0; i < 3; i++) {
            double[] r = Cli.values(rel.get("covariance").get(i));
            double[] r10 = Cli.values(rel10.get("covariance").get(i));
            double[] a = Cli.values(abs.get("covariance").get(i));
            for (int k = 0; k < 3; k++) {
                assertEquals(r[k], r10[k], 1e-6 * Math.abs(r[k]));
                assertEquals(r[k], a[k] * reduced, 1e-12 * Math.abs(r[k]));
            }
        }
        double[] p = Cli.values(rel.get("parameters"));
        double[] u = Cli.values(rel.get("uncertainties"));
        double[] truth = {3, 1.3, 0.5};
        for (int i = 0; i < 3; i++) {
            assertEquals(truth[i], p[i], 5 * u[i], "parameter " + i);
        }
    }
}

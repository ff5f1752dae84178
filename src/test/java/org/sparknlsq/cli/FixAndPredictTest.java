package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.fit.SavedFit;
import org.sparknlsq.spark.TestSpark;

/** {@code fit --fix} against scipy with the parameter held fixed, and {@code predict} from a result. */
class FixAndPredictTest {
    static final Path DECAY = Path.of("conf/examples/decay.csv");

    @TempDir
    Path dir;

    /** The options of a fit of a*exp(-b*x) + c to {@link #DECAY} with its sigma, after {@code fit}. */
    private static String[] decay(String start, String... more) {
        return Cli.concat(
                new String[] {
                    "--data",
                    DECAY.toString(),
                    "--x",
                    "x",
                    "--y",
                    "y",
                    "--sigma",
                    "sigma",
                    "--model",
                    "a*exp(-b*x) + c",
                    "--params",
                    start
                },
                more);
    }

    @Test
    void aFixedParameterFitEqualsScipyWithThatParameterHeldFixed() throws Exception {
        JsonNode r = Cli.fitJson(dir, 0, decay("a=1,b=1,c=0.45", "--fix", "c"));
        assertEquals(List.of("c"), List.of(Cli.JSON.treeToValue(r.get("fixed_parameters"), String[].class)));
        assertEquals(0.45, r.get("parameters").get("c").asDouble());
        assertEquals(0.0, r.get("uncertainties").get("c").asDouble());
        String script = String.join(
                "\n",
                "import json, sys, numpy as np",
                "from scipy.optimize import curve_fit",
                "d = np.loadtxt(sys.argv[1], delimiter=',', skiprows=2)",
                "f = lambda x, a, b: a*np.exp(-b*x) + 0.45",
                "p, c = curve_fit(f, d[:,0], d[:,1], p0=[1, 1], sigma=d[:,2], method='trf',",
                "                 ftol=1e-15, xtol=1e-15, gtol=1e-15)",
                "print(json.dumps({'p': list(p), 'sd': list(np.sqrt(np.diag(c)))}))");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, DECAY.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        JsonNode scipy = Cli.JSON.readTree(out);
        String[] names = {"a", "b"};
        for (int i = 0; i < 2; i++) {
            double ours = r.get("parameters").get(names[i]).asDouble();
            double theirs = scipy.get("p").get(i).asDouble();
            assertEquals(theirs, ours, 1e-9 * Math.abs(theirs), names[i]);
            double sdOurs = r.get("uncertainties").get(names[i]).asDouble();
            double sdTheirs = scipy.get("sd").get(i).asDouble();
            assertEquals(sdTheirs, sdOurs, 1e-6 * sdTheirs, "uncertainty of " + names[i]);
        }
        // the degrees of freedom count the free parameters only: n - 2
        assertEquals(
                r.get("chi_squared").asDouble() / (1000 - 2),
                r.get("reduced_chi_squared").asDouble(),
                1e-12);
    }

    @Test
    void fixingAnUnknownOrEveryParameterIsAConfigError() {
        Cli.Run r = Cli.run(Cli.fitArgs(DECAY, "a*exp(-b*x)", "a=1,b=1", "--fix", "z"));
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--fix: 'z' is not a parameter of the model"), r.err());
        Cli.Run all = Cli.run(Cli.fitArgs(DECAY, "a*exp(-b*x)", "a=1,b=1", "--fix", "a,b"));
        assertEquals(2, all.code());
        assertTrue(all.err().contains("--fix: every parameter is fixed"), all.err());
    }

    @Test
    void predictWritesThePredictionAndItsStandardErrorForNewPoints() throws Exception {
        Path result = dir.resolve("fit.json");
        Cli.Run fit = Cli.run(Cli.concat(new String[] {"fit"}, decay("a=1,b=1,c=0", "--output", result.toString())));
        assertEquals(0, fit.code(), fit.err());
        assertTrue(fit.out().contains("correlations above 0.5:\n  C("), fit.out());
        SavedFit saved = SavedFit.parse(Files.readString(result));
        assertEquals(List.of("a", "b", "c"), saved.parameterNames());
        assertEquals("a*exp(-b*x) + c", saved.model());

        List<String> lines = new ArrayList<>(List.of("x,label"));
        for (int i = 0; i < 50; i++) {
            lines.add((0.1 * i) + ",p" + i);
        }
        Path points = Files.write(dir.resolve("points.csv"), lines);
        Path out = dir.resolve("predicted.parquet");
        Cli.Run run = Cli.run(
                "predict", "--result", result.toString(), "--data", points.toString(), "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("predicted 50 row(s)"), run.out());
        List<Row> rows = TestSpark.session()
                .read()
                .parquet(out.toString())
                .orderBy("x")
                .select("x", "label", "prediction", "prediction_std")
                .collectAsList();
        assertEquals(50, rows.size());
        double[] p = saved.parameters();
        double[][] c = saved.covariance();
        for (Row row : rows) {
            double x = row.getDouble(0);
            double e = Math.exp(-p[1] * x);
            double[] g = {e, -p[0] * x * e, 1};
            double var = 0;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 3; k++) {
                    var += g[i] * c[i][k] * g[k];
                }
            }
            assertEquals(p[0] * e + p[2], row.getDouble(2), 1e-13, "prediction at " + x);
            assertEquals(Math.sqrt(var), row.getDouble(3), 1e-9 * Math.sqrt(var), "standard error at " + x);
        }

        Cli.Run again = Cli.run(
                "predict", "--result", result.toString(), "--data", points.toString(), "--output", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("exists"), again.err());
        Cli.Run onInput = Cli.run(
                "predict", "--result", result.toString(), "--data", points.toString(), "--output", points.toString());
        assertEquals(2, onInput.code());
        assertTrue(onInput.err().contains("an output never replaces an input"), onInput.err());
        assertEquals(lines, Files.readAllLines(points), "the input is untouched");
        Cli.Run noColumn = Cli.run(
                "predict",
                "--result",
                result.toString(),
                "--data",
                points.toString(),
                "--x",
                "t",
                "--output",
                dir.resolve("other.parquet").toString());
        assertEquals(2, noColumn.code(), noColumn.err());
        assertTrue(noColumn.err().contains("--x: column 't' is not in"), noColumn.err());
    }

    @Test
    void fitNeverWritesOverItsInputs() throws IOException {
        Path data = Files.copy(DECAY, dir.resolve("same.csv"));
        byte[] before = Files.readAllBytes(data);
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), data);
        for (String target : List.of(
                data.toString(), link.toString(), dir.resolve("sub/../same.csv").toString())) {
            Cli.Run r = Cli.run(Cli.concat(Cli.fitArgs(data, "a*exp(-b*x) + c", "a=1,b=1,c=0"), "--output", target));
            assertEquals(2, r.code(), target);
            assertTrue(r.err().contains("an output never replaces an input"), r.err());
        }
        Path config = Files.writeString(
                dir.resolve("fit.yaml"), "data: " + data + "\nx: x\ny: y\nmodel: a*x\nparams: {a: 1}\n");
        Cli.Run r = Cli.run("fit", "--config", config.toString(), "--output", config.toString());
        assertEquals(2, r.code(), r.err());
        // a checkpoint directory that holds the data, or lies inside the data file
        for (String ckpt : List.of(dir.toString(), data + "/ckpt")) {
            Cli.Run c =
                    Cli.run(Cli.concat(Cli.fitArgs(data, "a*exp(-b*x) + c", "a=1,b=1,c=0"), "--checkpoint-dir", ckpt));
            assertEquals(2, c.code(), ckpt);
            assertTrue(c.err().contains("--checkpoint-dir: "), c.err());
        }
        // on a Hadoop URI, the same by path
        Cli.Run uri =
                Cli.run(Cli.concat(Cli.fitArgs(data, "a*exp(-b*x) + c", "a=1,b=1,c=0"), "--output", "file://" + data));
        assertEquals(2, uri.code(), uri.err());
        assertArrayEquals(before, Files.readAllBytes(data));
        assertTrue(Files.readString(config).startsWith("data: "));
    }

    @Test
    void aPartitionCountTheDataCannotFillIsRefusedAtOnce() {
        // 1,000 points: at most 100 partitions of 10 points
        Cli.Run r = Cli.run(Cli.fitArgs(DECAY, "a*exp(-b*x) + c", "a=1,b=1,c=0", "--partitions", "100000"));
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(
                r.err()
                        .contains("--partitions: 100,000 partitions for 1,000 points: at most one partition per 10"
                                + " points, here 100"),
                r.err());
        Cli.Run ok = Cli.run(Cli.fitArgs(DECAY, "a*exp(-b*x) + c", "a=1,b=1,c=0", "--partitions", "100"));
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void generateRefusesAnExistingOutputAndNamesOverwrite() throws IOException {
        Path out = Files.createDirectories(dir.resolve("exists.parquet"));
        Cli.Run r = Cli.run(
                "generate",
                "--model",
                "a*x",
                "--params",
                "a=1",
                "--x-range",
                "0:1",
                "--n",
                "100",
                "--out",
                out.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("exists; choose a new name or add --overwrite"), r.err());
    }

    private static Cli.Run generate(Path out, String... more) {
        return Cli.run(Cli.concat(
                new String[] {"generate", "--model", "a*x", "--params", "a=1", "--x-range", "0:1", "--n", "100"},
                Cli.concat(more, "--out", out.toString())));
    }

    @Test
    void generateOverwritesOnlyADataSetOfPartFilesAndWritesBesideIt() throws IOException {
        Path sets = Files.createDirectories(dir.resolve("sets"));
        Path out = sets.resolve("g.parquet");
        assertEquals(0, generate(out, "--partitions", "2").code());
        Cli.Run again = generate(out, "--partitions", "3", "--overwrite");
        assertEquals(0, again.code(), again.err());
        try (var files = Files.list(out)) {
            assertEquals(
                    3,
                    files.filter(f -> f.getFileName().toString().startsWith("part-"))
                            .count());
        }
        try (var siblings = Files.list(sets)) {
            assertEquals(List.of(out), siblings.toList(), "no temporary sibling is left");
        }

        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("notes.txt"), "precious");
        Cli.Run other = generate(work, "--overwrite");
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("holds notes.txt, which generate does not write"), other.err());
        assertEquals("precious", Files.readString(work.resolve("notes.txt")));

        Path csv = Files.writeString(dir.resolve("keep.csv"), "x,y\n1,2\n");
        Cli.Run file = generate(csv, "--overwrite");
        assertEquals(2, file.code(), file.err());
        assertTrue(file.err().contains("is a file, not a data set written by generate"), file.err());
        assertEquals("x,y\n1,2\n", Files.readString(csv));

        Cli.Run tooMany = generate(dir.resolve("many.parquet"), "--partitions", "101");
        assertEquals(2, tooMany.code(), tooMany.err());
        assertTrue(tooMany.err().contains("--partitions: 101 files for 100 point(s)"), tooMany.err());
    }

    private static Cli.Run predict(Path result, Path data, Path out, String... more) {
        return Cli.run(Cli.concat(
                new String[] {
                    "predict", "--result", result.toString(), "--data", data.toString(), "--output", out.toString()
                },
                more));
    }

    @Test
    void predictRefusesWhatItCannotDoBeforeWritingAnything() throws IOException {
        Path result = dir.resolve("fit.json");
        assertEquals(
                0,
                Cli.run(Cli.concat(new String[] {"fit"}, decay("a=1,b=1,c=0", "--output", result.toString())))
                        .code());
        Path bad = Files.writeString(
                dir.resolve("bad.json"), Files.readString(result).replace("a*exp(-b*x) + c", "a*expp(-b*x) + c"));
        Path out = dir.resolve("o.parquet");
        Cli.Run model = predict(bad, DECAY, out);
        assertEquals(2, model.code(), model.err());
        assertTrue(model.err().contains("--result: " + bad + ": "), model.err());
        assertTrue(model.err().contains("expp"), model.err());

        Cli.Run clash = predict(result, DECAY, out, "--prediction-col", "y");
        assertEquals(2, clash.code(), clash.err());
        assertTrue(clash.err().contains("'y' is already a column of the data"), clash.err());
        Cli.Run same = predict(result, DECAY, out, "--prediction-col", "p", "--std-col", "p");
        assertEquals(2, same.code(), same.err());
        assertTrue(same.err().contains("'p' is also the prediction column"), same.err());

        Path text = Files.write(dir.resolve("text.csv"), List.of("x,label", "abc,p1", "0.5,p2"));
        Cli.Run words = predict(result, text, out);
        assertEquals(3, words.code(), words.err());
        assertTrue(
                words.err().contains(text + ": record \"abc,p1\" is malformed (a value that is no number in x"),
                words.err());

        Cli.Run hdf5 = predict(result, Path.of("conf/examples/decay.h5").toAbsolutePath(), out);
        assertEquals(2, hdf5.code(), hdf5.err());
        assertTrue(hdf5.err().contains("HDF5 is read for fits only"), hdf5.err());
        for (Cli.Run r : List.of(model, clash, same, words, hdf5)) {
            assertEquals(1, r.errLines().size(), r.err());
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void aResultDocumentThatIsNotOneIsRefusedWithItsReason() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"model\": \"a*x\"}");
        Cli.Run r = Cli.run(
                "predict",
                "--result",
                bad.toString(),
                "--data",
                DECAY.toString(),
                "--output",
                dir.resolve("o.parquet").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no 'parameter_names' field"), r.err());
        assertEquals(1, r.errLines().size(), r.err());
    }

    @Test
    void aResultReadBackHoldsWhatTheFitWrote() throws IOException {
        JsonNode r = Cli.fitJson(
                dir,
                0,
                "--data",
                DECAY.toString(),
                "--x",
                "x",
                "--y",
                "y",
                "--model",
                "builtin:exponential_decay",
                "--params",
                "a=1,b=1,c=0");
        SavedFit s = SavedFit.parse(Files.readString(dir.resolve("result.json")));
        assertEquals("builtin:exponential_decay", s.model());
        assertArrayEquals(Cli.values(r.get("parameters")), s.parameters());
        assertArrayEquals(Cli.values(r.get("uncertainties")), s.uncertainties());
        assertEquals(r.get("covariance").get(1).get(2).asDouble(), s.covariance()[1][2]);
        assertTrue(s.success());
        assertEquals(1000, s.points());
        org.sparknlsq.optim.FitResult back = s.toFitResult();
        assertEquals(r.get("iterations").asInt(), back.iterations());
        assertEquals(r.get("status").asText(), back.termination().name().toLowerCase());
        assertEquals(r.get("history").size(), back.history().size());
        assertEquals(r.get("cost").asDouble(), back.cost());
        assertArrayEquals(s.parameters(), back.parameters());
        assertTrue(back.success());
        double[] out = new double[2];
        s.predictor().predictWithError(new double[] {1.0}, out);
        double[] p = s.parameters();
        assertEquals(p[0] * Math.exp(-p[1]) + p[2], out[0], 1e-14);
    }
}

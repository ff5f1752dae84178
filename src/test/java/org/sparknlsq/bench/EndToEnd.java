package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.testing.DecayCommands;

/**
 * What a user waits for: the whole command, from process start to result, for spark-nlsq's {@code
 * jobs/spark-nlsq fit} and for each peer's whole script ({@code src/test/python/peers.py}: pandas
 * read plus scipy {@code curve_fit}, lmfit, NLSQ {@code curve_fit} and {@code curve_fit_large}),
 * on the same CSV file, in the same run.
 *
 * <p>For each size it writes the decay problem of {@link BenchData} with sigma (0.02) as CSV, every
 * number in {@link Double#toString}'s round-trip form (up to 17 significant digits, as numpy and
 * Python's {@code repr} write them), then
 * runs every system {@code --runs} times, rotating the order each round so that no system always
 * runs after the same one (the machine's other load drifts). Each process runs under GNU {@code
 * /usr/bin/time}, which gives its peak resident memory; the wall time is measured here around the
 * process. Prints one JSON object: per size and system the median, lowest and highest wall time,
 * the median peak memory, the parameters, their largest relative difference from spark-nlsq's, and
 * the peer's median time over spark-nlsq's.
 *
 * <p>Usage: {@code EndToEnd [--sizes 1000000,10000000] [--runs 3] [--peers
 * scipy,lmfit,nlsq,nlsq_large] [--python PATH] [--launcher jobs/spark-nlsq] [--out DIR]}. The
 * python defaults to the benchmark environment's ({@code jobs/pyenv --bench}). Run it on a quiet
 * machine: on 2 cores any other process shows in every number.
 */
public final class EndToEnd {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndToEnd() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        long[] sizes = Arrays.stream(
                        opt.getOrDefault("--sizes", "1000000,10000000").split(","))
                .mapToLong(Long::parseLong)
                .toArray();
        int runs = Integer.parseInt(opt.getOrDefault("--runs", "3"));
        List<String> peers = List.of(
                opt.getOrDefault("--peers", "scipy,lmfit,nlsq,nlsq_large").split(","));
        String launcher = opt.getOrDefault("--launcher", "jobs/spark-nlsq");
        String python = opt.containsKey("--python") ? opt.get("--python") : benchPython();
        Path out = Path.of(opt.getOrDefault("--out", "target/end-to-end"));
        Files.createDirectories(out);

        ObjectNode report = JSON.createObjectNode();
        report.put("model", "a*exp(-b*x)+c");
        report.put("runs", runs);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        ArrayNode results = report.putArray("sizes");
        for (long n : sizes) {
            Path csv = out.resolve("decay-" + n + ".csv");
            if (!Files.exists(csv)) {
                writeCsv(csv, (int) n);
            }
            List<String> systems = new ArrayList<>();
            systems.add("spark-nlsq");
            systems.addAll(peers);
            Map<String, List<Run>> byName = new LinkedHashMap<>();
            systems.forEach(s -> byName.put(s, new ArrayList<>()));
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < systems.size(); k++) {
                    String system = systems.get((k + r) % systems.size());
                    Run run = system.equals("spark-nlsq")
                            ? ours(launcher, csv, out.resolve("result-" + n + ".json"))
                            : peer(python, system, csv);
                    byName.get(system).add(run);
                }
            }
            results.add(summary(n, csv, byName));
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Files.writeString(out.resolve("end-to-end.json"), text);
        System.out.println(text);
    }

    private record Run(double seconds, long peakKb, double[] parameters, JsonNode detail) {}

    private static Run ours(String launcher, Path csv, Path result) throws IOException, InterruptedException {
        Files.deleteIfExists(result);
        List<String> command = new ArrayList<>(List.of(launcher));
        command.addAll(DecayCommands.fit(csv.toString(), "--quiet", "--output", result.toString()));
        Timed t = timed(command);
        JsonNode j = JSON.readTree(result.toFile());
        JsonNode p = j.get("parameters");
        ObjectNode detail = JSON.createObjectNode();
        detail.put("strategy", j.get("strategy").asText());
        detail.set("timing", j.get("timing"));
        detail.put("data_passes", j.get("data_passes").asInt());
        return new Run(
                t.seconds,
                t.peakKb,
                new double[] {
                    p.get("a").asDouble(), p.get("b").asDouble(), p.get("c").asDouble()
                },
                detail);
    }

    private static Run peer(String python, String name, Path csv) throws IOException, InterruptedException {
        Timed t = timed(List.of(python, "src/test/python/peers.py", name, csv.toString()));
        String[] lines = t.stdout.strip().split("\n");
        JsonNode j = JSON.readTree(lines[lines.length - 1]);
        double[] p = new double[3];
        for (int i = 0; i < 3; i++) {
            p[i] = j.get("parameters").get(i).asDouble();
        }
        ObjectNode detail = JSON.createObjectNode();
        detail.put("read_seconds", j.get("read_seconds").asDouble());
        detail.put("fit_seconds", j.get("fit_seconds").asDouble());
        return new Run(t.seconds, t.peakKb, p, detail);
    }

    private record Timed(double seconds, long peakKb, String stdout) {}

    /** Runs {@code command} under GNU time; fails on a non-zero exit, with the command's stderr. */
    private static Timed timed(List<String> command) throws IOException, InterruptedException {
        Path rss = Files.createTempFile("end-to-end", ".time");
        Path err = Files.createTempFile("end-to-end", ".err");
        try {
            List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-o", rss.toString(), "-f", "%M"));
            full.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(full).redirectError(err.toFile());
            long t0 = System.nanoTime();
            Process p = pb.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (code != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " exited " + code + ": " + Files.readString(err));
            }
            List<String> timeLines = Files.readAllLines(rss);
            long kb = Long.parseLong(timeLines.get(timeLines.size() - 1).strip());
            return new Timed(seconds, kb, stdout);
        } finally {
            Files.deleteIfExists(rss);
            Files.deleteIfExists(err);
        }
    }

    private static ObjectNode summary(long n, Path csv, Map<String, List<Run>> byName) throws IOException {
        ObjectNode s = JSON.createObjectNode();
        s.put("points", n);
        s.put("csv_bytes", Files.size(csv));
        double[] reference = byName.get("spark-nlsq").get(0).parameters;
        double ourMedian = median(
                byName.get("spark-nlsq").stream().mapToDouble(Run::seconds).toArray());
        ObjectNode systems = s.putObject("systems");
        for (Map.Entry<String, List<Run>> e : byName.entrySet()) {
            List<Run> list = e.getValue();
            double[] seconds = list.stream().mapToDouble(Run::seconds).toArray();
            ObjectNode o = systems.putObject(e.getKey());
            o.put("median_seconds", median(seconds));
            o.put("min_seconds", Arrays.stream(seconds).min().orElseThrow());
            o.put("max_seconds", Arrays.stream(seconds).max().orElseThrow());
            o.put(
                    "median_peak_rss_mb",
                    median(list.stream().mapToDouble(r -> r.peakKb / 1024.0).toArray()));
            o.put("over_spark_nlsq", median(seconds) / ourMedian);
            ArrayNode params = o.putArray("parameters");
            double worst = 0;
            for (int i = 0; i < 3; i++) {
                double v = list.get(0).parameters[i];
                params.add(v);
                worst = Math.max(worst, Math.abs(v - reference[i]) / Math.abs(reference[i]));
            }
            o.put("max_relative_difference", worst);
            ArrayNode details = o.putArray("runs");
            for (Run r : list) {
                ObjectNode d = details.addObject();
                d.put("seconds", r.seconds);
                d.put("peak_rss_mb", r.peakKb / 1024.0);
                d.set("detail", r.detail);
            }
        }
        return s;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    /** The decay problem with a sigma column, every number round-tripping. */
    private static void writeCsv(Path csv, int n) throws IOException {
        DataBlock d = BenchData.generate(n);
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            w.write("x,y,sigma\n");
            String sigma = Double.toString(BenchData.NOISE);
            for (int i = 0; i < n; i++) {
                w.write(Double.toString(d.x()[i]));
                w.write(',');
                w.write(Double.toString(d.y()[i]));
                w.write(',');
                w.write(sigma);
                w.write('\n');
            }
        }
        Files.move(tmp, csv);
    }

    private static String benchPython() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jobs/pyenv", "--bench")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jobs/pyenv --bench failed");
        }
        return dir + "/bin/python";
    }
}

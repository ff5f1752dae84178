package org.sparknlsq.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparknlsq.checkpoint.CheckpointManager;
import org.sparknlsq.testing.DecayCommands;

/**
 * Driver loss: the CLI fit runs in a child JVM with a checkpoint after every iteration, is
 * SIGKILLed as soon as its second checkpoint is committed, and the same command with {@code
 * --resume auto} finishes with the parameters of an uninterrupted run, to the bit. Prints the
 * recovery point (work lost) and the recovery time (restart to the first new checkpoint).
 */
class DriverLossIT {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProcessBuilder child(Path log, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(System.getProperty("sparknlsq.it.opens", "").split(" ")));
        cmd.removeIf(String::isBlank);
        cmd.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path"), "org.sparknlsq.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb;
    }

    private int run(String name, String... args) throws Exception {
        Path log = dir.resolve(name + ".log");
        Process p = child(log, args).start();
        try {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " timed out");
        } finally {
            p.destroyForcibly();
        }
        return p.exitValue();
    }

    /** 6M points of 3·exp(−1.3x) + 0.5 with noise 0.02 on [0, 5), as Parquet in 4 files. */
    private Path generate(Path data) throws Exception {
        assertEquals(
                0,
                run(
                        "generate",
                        DecayCommands.generate(6_000_000, 4, data.toString()).toArray(String[]::new)));
        return data;
    }

    /** {@code fit} of the generated data from (1, 1, 0) with {@code strategy} on local[2]. */
    private static String[] fitArgs(Path data, String strategy) {
        return DecayCommands.fit(data.toString(), "--strategy", strategy, "--master", "local[2]")
                .toArray(String[]::new);
    }

    private static int newestSequence(Path ckpt) throws IOException {
        if (!Files.isDirectory(ckpt)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(ckpt)) {
            return s.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("checkpoint-([0-9a-f]{12}-)?\\d+\\.h5"))
                    .mapToInt(n -> Integer.parseInt(n.substring(n.lastIndexOf('-') + 1, n.length() - 3)))
                    .max()
                    .orElse(0);
        }
    }

    private static int waitForCheckpoint(Path ckpt, int above, Process p, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline && p.isAlive()) {
            int n = newestSequence(ckpt);
            if (n > above) {
                return n;
            }
            Thread.sleep(5);
        }
        return newestSequence(ckpt);
    }

    @ParameterizedTest
    @ValueSource(strings = {"large", "streaming"})
    void aKilledDriverResumesToTheSameBits(String strategy) throws Exception {
        Path data = generate(dir.resolve("decay-" + strategy + ".parquet"));
        String[] fit = concat(
                fitArgs(data, strategy), "--partitions", "8", "--batch-points", "1500000", "--progress", "never");
        Path ref = dir.resolve("ref.json");
        assertEquals(0, run("reference", concat(fit, "--output", ref.toString())));

        Path ckpt = dir.resolve("ckpt");
        Path out = dir.resolve("out.json");
        String[] checkpointed =
                concat(fit, "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1", "--output", out.toString());
        Process victim = child(dir.resolve("killed.log"), checkpointed).start();
        int seq;
        try {
            seq = waitForCheckpoint(ckpt, 1, victim, 240);
            assertTrue(victim.isAlive(), "the fit ended before its second checkpoint; see killed.log");
        } finally {
            victim.destroyForcibly();
            victim.waitFor(30, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(out), "the killed fit wrote no result");
        var atKill = CheckpointManager.forReading(ckpt.toString(), null)
                .findLatestOfAnyFit(new ArrayList<>())
                .orElseThrow()
                .state()
                .snapshot();
        int iterationAtKill = atKill.iteration();
        String phaseAtKill = atKill.phase().equals("streaming") ? "epoch" : atKill.phase() + " iteration";

        long t0 = System.nanoTime();
        Process resumed = child(dir.resolve("resumed.log"), concat(checkpointed, "--resume", "auto"))
                .start();
        int next = waitForCheckpoint(ckpt, seq, resumed, 240);
        double rto = (System.nanoTime() - t0) / 1e9;
        assertTrue(resumed.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, resumed.exitValue(), Files.readString(dir.resolve("resumed.log")));

        JsonNode a = JSON.readTree(ref.toFile());
        JsonNode b = JSON.readTree(out.toFile());
        assertEquals(a.get("parameters").toString(), b.get("parameters").toString(), "bit-identical parameters");
        assertEquals(a.get("uncertainties").toString(), b.get("uncertainties").toString());
        assertEquals(a.get("iterations").asInt(), b.get("iterations").asInt());
        assertEquals(
                strategy.toUpperCase(Locale.ROOT),
                b.get("strategy").asText(),
                Files.readString(dir.resolve("resumed.log")) + "\n" + b.get("diagnostics"));
        JsonNode info = b.get("diagnostics").get("checkpoint_info");
        assertEquals(iterationAtKill, info.get("resumed_at_iteration").asInt(), info.toString());
        System.out.printf(
                Locale.ROOT,
                "driver loss (%s, 6M points, checkpoint every iteration/epoch): killed after checkpoint %d"
                        + " (%s %d; the fit has %d iterations); RPO at most the iteration or epoch in flight; RTO %.2f s"
                        + " from restart to checkpoint %d (JVM, Spark, load and the work to the next checkpoint)%n",
                strategy,
                seq,
                phaseAtKill,
                iterationAtKill,
                a.get("iterations").asInt(),
                rto,
                next);
    }

    @Test
    void sigtermSavesTheNewestStateBeforeTheJvmGoes() throws Exception {
        Path data = generate(dir.resolve("decay.parquet"));
        Path ckpt = dir.resolve("ckpt");
        Path log = dir.resolve("term.log");
        // no checkpoint before iteration 1000: only the SIGTERM one can appear
        Process p = child(
                        log,
                        concat(
                                fitArgs(data, "large"),
                                "--partitions",
                                "4",
                                "--progress",
                                "always",
                                "--checkpoint-dir",
                                ckpt.toString(),
                                "--checkpoint-every",
                                "1000"))
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            java.util.regex.Pattern iterating = java.util.regex.Pattern.compile("iteration [1-9]");
            while (p.isAlive() && !iterating.matcher(Files.readString(log)).find() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // an iteration is done once its progress line shows; the snapshot follows within
            // microseconds, and a little wait keeps SIGTERM from landing between the two
            Thread.sleep(150);
            assertTrue(p.isAlive(), "the fit ended before the progress showed an iteration; see term.log");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(143, p.exitValue(), Files.readString(log));
        String said = Files.readString(log);
        assertFalse(said.contains("internal error"), said);
        List<String> errors =
                said.lines().filter(l -> l.startsWith("spark-nlsq: error: ")).toList();
        assertTrue(errors.size() <= 1, said);
        errors.forEach(l -> assertTrue(l.contains("stopped by a signal"), l));
        var latest = CheckpointManager.forReading(ckpt.toString(), null).findLatestOfAnyFit(new ArrayList<>());
        assertTrue(latest.isPresent(), "a checkpoint was written on SIGTERM: " + Files.readString(log));
        assertTrue(
                latest.get().state().snapshot().iteration() >= 1,
                latest.get().state().summary().toString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

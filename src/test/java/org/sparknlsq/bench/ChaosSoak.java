package org.sparknlsq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.sparknlsq.checkpoint.CheckpointManager;
import org.sparknlsq.testing.CliJvm;
import org.sparknlsq.testing.DecayCommands;
import org.sparknlsq.testing.MiniHdfs;
import org.sparknlsq.testing.S3ProxyServer;

/**
 * The chaos soak: N fits of one data set through the real command line, each in a child JVM on
 * {@code local-cluster[2,1,1024]} with a checkpoint after every iteration on local disk, a real
 * HDFS (MiniDFSCluster in this JVM) or a real S3 API (S3Proxy, a child JVM), while faults strike
 * at random moments: an executor SIGKILLed or SIGSTOPped, the driver SIGKILLed (and the same
 * command run again with {@code --resume auto}), the only DataNode stopped, the S3 server killed
 * (each outage lasts 1–4 s).
 *
 * <p>A moment is "checkpoint k of the fit is committed, then 0–500 ms"; k = 0 means 0–6 s after
 * the JVM started (start-up and loading). Fit i's first fault cycles through the kinds, so that
 * any six fits see every kind, with k below K − 2 for an undisturbed fit of K iterations (it lands
 * while the fit still runs); a second, random one joins with probability 0.4, with k below K.
 *
 * <p>Every fit must end with parameters and uncertainties bit-identical to the undisturbed run's,
 * or with an honest failure: a documented exit code (2–7), no "internal error". Either way stderr
 * holds only the command's own {@code spark-nlsq:} lines (with the shipped {@code
 * conf/log4j2.properties}, as the launcher runs it): Spark's and Hadoop's reports of the faults go
 * to the log file. After every driver kill, each file of the fit's checkpoint directory
 * that bears a checkpoint's name is decoded and validated (a partial one would count), and the
 * resumed run must have started from the newest valid checkpoint present when it started.
 *
 * <pre>
 * java &lt;--add-opens flags&gt; -Dproject.build.directory=target -cp CP org.sparknlsq.bench.ChaosSoak \
 *     [--fits N] [--seed S] [--points N] [--work DIR]
 * </pre>
 *
 * Prints one JSON report (counts of faults, resumes and outcomes, and each fit) and exits 0 only
 * when the soak is clean.
 */
public final class ChaosSoak {
    /** What strikes. */
    public enum Fault {
        EXECUTOR_KILL,
        EXECUTOR_STOP,
        DRIVER_KILL,
        DATANODE_STOP,
        S3_KILL
    }

    /** Where a fit's checkpoints go. */
    public enum Store {
        LOCAL,
        HDFS,
        S3
    }

    /** How a fit ended. The last three fail the soak. */
    public enum Outcome {
        IDENTICAL,
        HONEST_FAILURE,
        WRONG_ANSWER,
        DISHONEST_FAILURE,
        HUNG
    }

    public record Settings(int fits, long seed, int points, Path work) {}

    /** One planned fault: at checkpoint {@code checkpoint} (0: {@code delayMs} after the start) plus {@code delayMs}. */
    record Strike(Fault fault, int checkpoint, long delayMs, long outageMs) {}

    public record FitRecord(
            int fit,
            Store store,
            List<String> faultsPlanned,
            List<String> faultsStruck,
            int resumes,
            int exitCode,
            Outcome outcome,
            String detail,
            int consoleNoise,
            String firstNoise) {}

    public record Report(
            long seed,
            int points,
            int fits,
            double referenceSeconds,
            int referenceIterations,
            Map<Fault, Integer> faults,
            Map<Outcome, Integer> outcomes,
            int resumes,
            int partialCheckpointsSeen,
            int resumesNotFromTheNewestValid,
            int consoleNoiseLines,
            double seconds,
            List<FitRecord> records) {
        public boolean clean() {
            return partialCheckpointsSeen == 0
                    && resumesNotFromTheNewestValid == 0
                    && consoleNoiseLines == 0
                    && records.stream()
                            .allMatch(r -> r.outcome() == Outcome.IDENTICAL || r.outcome() == Outcome.HONEST_FAILURE);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("checkpoint-(?:[0-9a-f]{12}-)?(\\d+)\\.h5");
    private static final long FIT_TIMEOUT_S = 600;
    /** How often the fit's checkpoints and processes are looked at while waiting on the fit. */
    private static final long POLL_MS = 50;

    private static final Fault[] CYCLE = {
        Fault.EXECUTOR_KILL,
        Fault.DATANODE_STOP,
        Fault.S3_KILL,
        Fault.DRIVER_KILL,
        Fault.EXECUTOR_STOP,
        Fault.DRIVER_KILL
    };

    private final Settings settings;
    private final Random random;
    private final Path sparkHome;
    private MiniHdfs hdfs;
    private S3ProxyServer s3;
    private Path data;
    private String referenceParameters;
    private String referenceUncertainties;
    private int referenceIterations;
    private final EnumMap<Fault, Integer> struck = new EnumMap<>(Fault.class);
    private int resumes;
    private int partialSeen;
    private int notNewest;

    private ChaosSoak(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.sparkHome = settings.work().resolve("sparkhome");
        for (Fault f : Fault.values()) {
            struck.put(f, 0);
        }
    }

    public static void main(String[] args) throws Exception {
        int fits = 12;
        long seed = 13;
        int points = 2_000_000;
        Path work = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--fits" -> fits = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--points" -> points = Integer.parseInt(args[i + 1]);
                case "--work" -> work = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (work == null) {
            work = Files.createTempDirectory("chaos-soak");
        }
        Report r = run(new Settings(fits, seed, points, work));
        System.out.println(
                JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        System.exit(r.clean() ? 0 : 1);
    }

    /** Runs the whole soak: the servers, the data, the undisturbed fit, then the N fits. */
    public static Report run(Settings settings) throws Exception {
        ChaosSoak soak = new ChaosSoak(settings);
        long t0 = System.nanoTime();
        try {
            return soak.soak(t0);
        } finally {
            soak.close();
        }
    }

    private Report soak(long t0) throws Exception {
        Files.createDirectories(sparkHome.resolve("jars"));
        hdfs = MiniHdfs.start();
        s3 = S3ProxyServer.start(settings.work().resolve("s3"), "soak");
        data = generate();
        double referenceSeconds = reference();
        List<FitRecord> records = new ArrayList<>();
        for (int i = 0; i < settings.fits(); i++) {
            records.add(soakOne(i));
        }
        EnumMap<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, 0);
        }
        records.forEach(r -> outcomes.merge(r.outcome(), 1, Integer::sum));
        return new Report(
                settings.seed(),
                settings.points(),
                settings.fits(),
                referenceSeconds,
                referenceIterations,
                struck,
                outcomes,
                resumes,
                partialSeen,
                notNewest,
                records.stream().mapToInt(FitRecord::consoleNoise).sum(),
                (System.nanoTime() - t0) / 1e9,
                records);
    }

    private void close() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    // ---- the child JVMs ----

    /** The command line's JVM with the executors' classpath, fast loss detection and the store's settings. */
    private List<String> java(String name, Store store) {
        List<String> flags = new ArrayList<>(List.of(
                "-Xmx1g",
                "-Dspark.executor.extraClassPath=" + CliJvm.classPath(),
                "-Dspark.executor.extraJavaOptions=" + String.join(" ", CliJvm.opens()),
                // a hung executor is declared lost after about 10 s, a lost shuffle fetch retried once
                "-Dspark.network.timeout=10s",
                "-Dspark.executor.heartbeatInterval=1s",
                "-Dspark.network.timeoutInterval=2s",
                "-Dspark.shuffle.io.maxRetries=1",
                "-Dspark.shuffle.io.retryWait=1s"));
        Configuration c = new Configuration(false);
        if (store == Store.S3) {
            s3.configure(c);
        } else if (store == Store.HDFS) {
            c.setInt("ipc.client.connect.max.retries", 1);
            c.set("dfs.client.block.write.replace-datanode-on-failure.enable", "false");
        }
        for (Map.Entry<String, String> e : c) {
            flags.add("-Dspark.hadoop." + e.getKey() + "=" + e.getValue());
        }
        return CliJvm.command(settings.work().resolve(name + ".log"), flags.toArray(String[]::new));
    }

    private Process start(String name, Store store, List<String> args) throws IOException {
        List<String> cmd = java(name, store);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(settings.work().resolve(name + ".out").toFile())
                .redirectError(settings.work().resolve(name + ".err").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // without a Spark distribution, the Workers' launcher needs the Scala version named
        String scalaVersion = scala.util.Properties.versionNumberString();
        pb.environment().put("SPARK_SCALA_VERSION", scalaVersion.substring(0, scalaVersion.lastIndexOf('.')));
        return pb.start();
    }

    /** 3·exp(−1.3x) + 0.5 with noise 0.02 on [0, 5), as Parquet in 4 files. */
    private Path generate() throws Exception {
        Path out = settings.work().resolve("data.parquet");
        Process p = start("generate", Store.LOCAL, DecayCommands.generate(settings.points(), 4, out.toString()));
        if (!p.waitFor(FIT_TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("generate failed: " + tail("generate.err"));
        }
        return out;
    }

    private List<String> fitArgs(String checkpointDir, Path output, boolean resume) {
        List<String> a = DecayCommands.largeFit(
                data.toString(),
                "--master",
                "local-cluster[2,1,1024]",
                "--checkpoint-dir",
                checkpointDir,
                "--checkpoint-every",
                "1",
                "--progress",
                "never",
                "--output",
                output.toString());
        if (resume) {
            a.addAll(List.of("--resume", "auto"));
        }
        return a;
    }

    /** The undisturbed fit: its parameters and uncertainties as JSON text, its iterations. */
    private double reference() throws Exception {
        Path out = settings.work().resolve("reference.json");
        long t = System.nanoTime();
        Process p = start(
                "reference",
                Store.LOCAL,
                fitArgs(settings.work().resolve("ckpt-reference").toString(), out, false));
        boolean done = p.waitFor(FIT_TIMEOUT_S, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t) / 1e9;
        killTree(p);
        if (!done || p.exitValue() != 0) {
            throw new IllegalStateException("the undisturbed fit failed: " + tail("reference.err"));
        }
        JsonNode j = JSON.readTree(out.toFile());
        referenceParameters = j.get("parameters").toString();
        referenceUncertainties = j.get("uncertainties").toString();
        referenceIterations = j.get("iterations").asInt();
        return seconds;
    }

    // ---- one fit under fire ----

    private List<Strike> plan(int i, Store store) {
        List<Strike> plan = new ArrayList<>();
        plan.add(strike(CYCLE[i % CYCLE.length], Math.max(1, referenceIterations - 2)));
        if (random.nextDouble() < 0.4) {
            List<Fault> extra = new ArrayList<>(List.of(Fault.EXECUTOR_KILL, Fault.EXECUTOR_STOP, Fault.DRIVER_KILL));
            extra.add(
                    store == Store.HDFS ? Fault.DATANODE_STOP : store == Store.S3 ? Fault.S3_KILL : Fault.DRIVER_KILL);
            extra.remove(plan.get(0).fault());
            plan.add(strike(extra.get(random.nextInt(extra.size())), referenceIterations));
        }
        plan.sort(Comparator.comparingInt(Strike::checkpoint).thenComparingLong(Strike::delayMs));
        return plan;
    }

    /** A strike at checkpoint 0 (the start) to {@code below} − 1. */
    private Strike strike(Fault f, int below) {
        int k = random.nextInt(below);
        long delay = k == 0 ? random.nextInt(6000) : random.nextInt(501);
        return new Strike(f, k, delay, 1000 + random.nextInt(3001));
    }

    private static Store storeFor(int i) {
        return switch (CYCLE[i % CYCLE.length]) {
            case DATANODE_STOP -> Store.HDFS;
            case S3_KILL -> Store.S3;
            default -> Store.values()[i % 3];
        };
    }

    private String checkpointDir(int i, Store store) {
        String name = "ckpt-" + i;
        return switch (store) {
            case LOCAL -> settings.work().resolve(name).toString();
            case HDFS -> hdfs.root() + "/" + name;
            case S3 -> s3.bucketUri() + "/" + name;
        };
    }

    private Configuration conf(Store store) {
        return switch (store) {
            case LOCAL -> new Configuration();
            case HDFS -> hdfs.conf();
            case S3 -> s3.configure(new Configuration());
        };
    }

    private FitRecord soakOne(int i) throws Exception {
        Store store = storeFor(i);
        String dir = checkpointDir(i, store);
        List<Strike> pending = new ArrayList<>(plan(i, store));
        List<String> planned = pending.stream().map(s -> describe(s)).toList();
        List<String> fired = new ArrayList<>();
        Path out = settings.work().resolve("fit-" + i + ".json");
        int attempt = 0;
        String newestValid = null;
        List<String> noise = new ArrayList<>();
        while (true) {
            String name = "fit-" + i + "-" + attempt;
            Process p = start(name, store, fitArgs(dir, out, attempt > 0));
            Injector injector = new Injector(p, dir, store, pending, fired);
            Thread t = new Thread(injector, name + "-faults");
            t.start();
            boolean done = p.waitFor(FIT_TIMEOUT_S, TimeUnit.SECONDS);
            killTree(p);
            t.join();
            if (!done) {
                return new FitRecord(
                        i,
                        store,
                        planned,
                        fired,
                        attempt,
                        -1,
                        Outcome.HUNG,
                        "no exit in " + FIT_TIMEOUT_S + " s",
                        noise.size(),
                        noise.isEmpty() ? null : noise.get(0));
            }
            // the console carries only the command's own lines: Spark's and Hadoop's go to the log file
            Files.readString(settings.work().resolve(name + ".err"), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.startsWith("spark-nlsq: "))
                    .forEach(noise::add);
            pending.removeAll(injector.fired);
            if (!injector.killedDriver) {
                return judge(i, store, planned, fired, attempt, p.exitValue(), out, name, newestValid, noise);
            }
            newestValid = inspect(dir, store);
            attempt++;
            resumes++;
        }
    }

    /** Validates every checkpoint-named file of the fit; returns the newest valid one's name. */
    private String inspect(String dir, Store store) throws IOException {
        CheckpointManager m = CheckpointManager.forReading(dir, conf(store));
        String newest = null;
        for (CheckpointManager.Entry e : m.list()) {
            if (!e.valid()) {
                partialSeen++;
            } else if (newest == null) {
                newest = e.name();
            }
        }
        return newest;
    }

    private FitRecord judge(
            int i,
            Store store,
            List<String> planned,
            List<String> fired,
            int resumed,
            int code,
            Path out,
            String name,
            String newestValid,
            List<String> noise)
            throws IOException {
        String err = Files.readString(settings.work().resolve(name + ".err"), StandardCharsets.UTF_8);
        Outcome outcome;
        String detail;
        if (code == 0) {
            JsonNode j = JSON.readTree(out.toFile());
            String chosen = null;
            if (resumed > 0) {
                JsonNode from = j.path("diagnostics").path("checkpoint_info").path("resumed_from");
                chosen =
                        from.isTextual() ? from.asText().substring(from.asText().lastIndexOf('/') + 1) : null;
            }
            boolean same = j.get("parameters").toString().equals(referenceParameters)
                    && j.get("uncertainties").toString().equals(referenceUncertainties);
            if (resumed > 0 && !Objects.equals(chosen, newestValid)) {
                notNewest++;
                outcome = Outcome.WRONG_ANSWER;
                detail = "resumed from " + chosen + ", the newest valid was " + newestValid;
            } else {
                outcome = same ? Outcome.IDENTICAL : Outcome.WRONG_ANSWER;
                detail = same ? "bit-identical" : j.get("parameters") + " " + j.get("uncertainties");
            }
        } else {
            boolean documented = code >= 2 && code <= 7;
            outcome =
                    documented && !err.contains("internal error") ? Outcome.HONEST_FAILURE : Outcome.DISHONEST_FAILURE;
            detail = err.strip().lines().reduce((a, b) -> b).orElse("");
        }
        return new FitRecord(
                i,
                store,
                planned,
                fired,
                resumed,
                code,
                outcome,
                detail,
                noise.size(),
                noise.isEmpty() ? null : noise.get(0));
    }

    private static String describe(Strike s) {
        return String.format(
                Locale.ROOT,
                "%s at %s+%d ms",
                s.fault(),
                s.checkpoint() == 0 ? "start" : "checkpoint " + s.checkpoint(),
                s.delayMs());
    }

    /** Strikes the planned faults at their moments, until the fit's process is gone. */
    private final class Injector implements Runnable {
        final Process fit;
        final String dir;
        final Store store;
        final List<Strike> plan;
        final List<String> log;
        final List<Strike> fired = new ArrayList<>();
        final List<Long> stopped = new ArrayList<>();
        volatile boolean killedDriver;

        Injector(Process fit, String dir, Store store, List<Strike> plan, List<String> log) {
            this.fit = fit;
            this.dir = dir;
            this.store = store;
            this.plan = List.copyOf(plan);
            this.log = log;
        }

        @Override
        public void run() {
            long started = System.nanoTime();
            try {
                for (Strike s : plan) {
                    if (!await(s, started)) {
                        return;
                    }
                    fire(s);
                    if (killedDriver) {
                        return;
                    }
                }
            } catch (Exception e) {
                synchronized (log) {
                    log.add("injector failed: " + e);
                }
            } finally {
                for (long pid : stopped) {
                    DecayCommands.signal(pid, "CONT");
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }

        /**
         * Waits for the strike's moment; false when the fit ended first. The waits are on the fit's
         * process, so they end as soon as it does.
         */
        private boolean await(Strike s, long started) throws InterruptedException {
            while (s.checkpoint() > 0 && newestSequence() < s.checkpoint()) {
                if (fit.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                    return false;
                }
            }
            long from = s.checkpoint() == 0 ? started : System.nanoTime();
            long left = from + TimeUnit.MILLISECONDS.toNanos(s.delayMs()) - System.nanoTime();
            return !fit.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS);
        }

        private int newestSequence() {
            try {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
                FileSystem fs = p.getFileSystem(conf(store));
                int newest = 0;
                if (fs.exists(p)) {
                    for (FileStatus st : fs.listStatus(p)) {
                        Matcher m = NAME.matcher(st.getPath().getName());
                        if (m.matches()) {
                            newest = Math.max(newest, Integer.parseInt(m.group(1)));
                        }
                    }
                }
                return newest;
            } catch (IOException | RuntimeException storeDown) {
                return 0;
            }
        }

        private void fire(Strike s) throws Exception {
            switch (s.fault()) {
                case EXECUTOR_KILL, EXECUTOR_STOP -> {
                    Long pid = anExecutor();
                    if (pid == null) {
                        return;
                    }
                    if (s.fault() == Fault.EXECUTOR_KILL) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    } else {
                        stopped.add(pid);
                        DecayCommands.signal(pid, "STOP");
                    }
                }
                case DRIVER_KILL -> {
                    killTree(fit);
                    killedDriver = true;
                }
                case DATANODE_STOP -> {
                    hdfs.stopDataNode();
                    try {
                        // the outage lasts its planned time, or until the fit ends
                        fit.waitFor(s.outageMs(), TimeUnit.MILLISECONDS);
                    } finally {
                        hdfs.restartDataNode();
                    }
                }
                case S3_KILL -> {
                    s3.kill();
                    try {
                        fit.waitFor(s.outageMs(), TimeUnit.MILLISECONDS);
                    } finally {
                        s3.restart();
                    }
                }
            }
            fired.add(s);
            synchronized (log) {
                log.add(describe(s));
            }
            struck.merge(s.fault(), 1, Integer::sum);
        }

        /** A random executor process of the fit, waiting for one to exist; null if the fit ended. */
        private Long anExecutor() throws InterruptedException {
            while (fit.isAlive()) {
                List<Long> pids = fit.descendants()
                        .map(ProcessHandle::pid)
                        .filter(ChaosSoak::isExecutor)
                        .toList();
                if (!pids.isEmpty()) {
                    synchronized (random) {
                        return pids.get(random.nextInt(pids.size()));
                    }
                }
                fit.waitFor(POLL_MS, TimeUnit.MILLISECONDS);
            }
            return null;
        }
    }

    // ---- processes ----

    /** From /proc: ProcessHandle.Info cuts a command line at 4096 bytes, before the main class. */
    private static boolean isExecutor(long pid) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .contains("CoarseGrainedExecutorBackend");
        } catch (IOException gone) {
            return false;
        }
    }

    /** SIGKILLs a process and everything it started (a local-cluster's executors). */
    private static void killTree(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle h : children) {
            DecayCommands.signal(h.pid(), "CONT");
            h.destroyForcibly();
        }
    }

    private String tail(String file) {
        try {
            List<String> lines = Files.readAllLines(settings.work().resolve(file), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }
}

package org.sparknlsq.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The SparkSession of a command-line fit. Under {@code spark-submit} the master and every {@code
 * --conf} arrive as system properties and are used as given; run directly, the master is {@code
 * --master} (default {@code local[*]}, the embedded default), and a local master binds to
 * 127.0.0.1 unless {@code spark.driver.host} is set, so a laptop's external interface is never
 * opened. Spark's own console progress bar is off: the command prints its own progress line.
 *
 * <p>{@code spark.serializer.objectStreamReset} is 1 (Spark's default is 100): Java serialization
 * keeps every object written since the last reset alive, and the records of this job are blocks of
 * up to 262,144 points (6 MB), so with the default a task writing a file split to disk or to a
 * shuffle held a hundred of them at once, and a 512 MB executor ran out of heap loading 100M
 * points. Set the same in a SparkSession of your own when executors are small.
 */
public final class SparkSessions {
    public static final String DEFAULT_MASTER = "local[*]";

    private SparkSessions() {}

    /**
     * A session and whether this call created it: a command stops a session it created when it
     * is done (so a cluster's executors are released before the JVM exits, not by a shutdown
     * hook racing the exit), and leaves alone one that a notebook or a test already had.
     */
    public record Owned(SparkSession session, boolean created) implements AutoCloseable {
        @Override
        public void close() {
            if (created) {
                session.stop();
            }
        }
    }

    /** As {@link #getOrCreate(String)}, saying whether the session is new. */
    public static Owned open(String master) {
        return open(master, ExecutorWait.BLOCK);
    }

    /** As {@link #getOrCreate(String, ExecutorWait)}, saying whether the session is new. */
    public static Owned open(String master, ExecutorWait wait) {
        boolean existed = SparkSession.getActiveSession().isDefined()
                || SparkSession.getDefaultSession().isDefined();
        return new Owned(getOrCreate(master, wait), !existed);
    }

    /**
     * What a new session on a cluster (a {@code spark://}, {@code yarn} or {@code k8s://} master)
     * does about executors that are still starting. Either way a cluster that grants none within
     * {@link #EXECUTOR_WAIT} ends in a {@link NoExecutorsException}, not a job that waits for ever.
     */
    public enum ExecutorWait {
        /** Returns once the first executor has registered. */
        BLOCK,
        /**
         * Returns at once, so the caller can plan its work (a fit: list and read the input's
         * schema, plan the read) while the executors start; its first job runs on the first
         * executor to register. If none has within the wait, the session's context is stopped
         * and {@link #explain} turns the caller's failure into the {@link NoExecutorsException}.
         */
        WATCH
    }

    /** No executor was granted within the wait: the message names what was asked and what is free. */
    public static final class NoExecutorsException extends IllegalStateException {
        NoExecutorsException(String message) {
            super(message);
        }
    }

    /** The contexts {@link ExecutorWait#WATCH} stopped for want of executors, and why. */
    private static final java.util.Map<org.apache.spark.SparkContext, NoExecutorsException> STOPPED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * The reason for a failure of work on {@code session}: the {@link NoExecutorsException} when
     * {@link ExecutorWait#WATCH} stopped its context for want of executors (the work then failed
     * on the stopped context), else {@code failure} itself.
     */
    public static RuntimeException explain(SparkSession session, RuntimeException failure) {
        NoExecutorsException why = STOPPED.get(session.sparkContext());
        return why != null ? why : failure;
    }

    /** A count from a master URL, saturated: digits beyond an int are just as many. */
    private static long count(String digits) {
        return digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /** How long {@link #checkMaster} waits for a standalone master's port to accept a connection. */
    public static final int MASTER_CONNECT_TIMEOUT_MS = 5_000;

    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9]\\d*)(,[1-9]\\d*)?\\])?");
    private static final Pattern LOCAL_CLUSTER =
            Pattern.compile("local-cluster\\[([1-9]\\d*),([1-9]\\d*),([1-9]\\d*)\\]");
    /** The most threads a {@code local[N]} master may ask for: each is a thread of this JVM. */
    public static final int MAX_LOCAL_THREADS = 1024;
    /** The least memory per worker of {@code local-cluster[N,C,M]} that Spark starts. */
    static final int MIN_WORKER_MIB = 512;

    private static final String YARN_MANAGER = "org.apache.spark.scheduler.cluster.YarnClusterManager";
    private static final String K8S_MANAGER = "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterManager";
    private static final Pattern STANDALONE = Pattern.compile("spark://([^:/,]+:\\d+)(,[^:/,]+:\\d+)*");

    /**
     * Checks a master URL before a session is started with it: the form ({@code local},
     * {@code local[N]}, {@code local[*]}, {@code local[N,F]}, {@code local-cluster[N,C,M]}, {@code
     * spark://HOST:PORT[,HOST:PORT...]}, {@code yarn}, {@code k8s://...}), and for a standalone
     * master that at least one of its ports accepts a connection within {@link
     * #MASTER_CONNECT_TIMEOUT_MS} (otherwise Spark retries its registration for about a minute and
     * then fails with a message that names no master).
     *
     * @throws IllegalArgumentException naming the master and what is wrong
     */
    public static void checkMaster(String master) {
        String m = master.strip();
        Matcher local = LOCAL.matcher(m);
        if (local.matches()) {
            if (local.group(2) != null && !local.group(2).equals("*") && count(local.group(2)) > MAX_LOCAL_THREADS) {
                throw new IllegalArgumentException("master " + master + " asks for " + local.group(2)
                        + " threads; at most " + MAX_LOCAL_THREADS + " (this machine has "
                        + Runtime.getRuntime().availableProcessors() + " cores: local[*] uses them all)");
            }
            return;
        }
        Matcher cluster = LOCAL_CLUSTER.matcher(m);
        if (cluster.matches()) {
            if (count(cluster.group(3)) < MIN_WORKER_MIB) {
                throw new IllegalArgumentException("master " + master + " gives each worker " + cluster.group(3)
                        + " MiB; Spark needs at least " + MIN_WORKER_MIB + " MiB per worker");
            }
            return;
        }
        if (m.equals("yarn") || (m.startsWith("k8s://") && m.length() > "k8s://".length())) {
            String manager = m.equals("yarn") ? YARN_MANAGER : K8S_MANAGER;
            try {
                Class.forName(manager, false, SparkSessions.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("master " + master + " needs Spark's "
                        + (m.equals("yarn") ? "YARN" : "Kubernetes") + " support, which is not on this command's"
                        + " class path: submit with spark-submit from a Spark distribution (jobs/submit.sh "
                        + (m.equals("yarn") ? "yarn" : "k8s") + " ...)");
            }
            return;
        }
        if (!STANDALONE.matcher(m).matches()) {
            throw new IllegalArgumentException(
                    "unknown master '" + master + "' (expected local[*], local[N], local[N,F],"
                            + " spark://HOST:PORT, yarn or k8s://https://HOST:PORT)");
        }
        String last = null;
        for (String hostPort : m.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(
                        new InetSocketAddress(
                                hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                        MASTER_CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException | IllegalArgumentException e) {
                last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }
        throw new IllegalArgumentException("cannot reach the Spark master " + master + " (" + last + ", "
                + MASTER_CONNECT_TIMEOUT_MS / 1000 + " s connect timeout)");
    }

    /**
     * How long a standalone master whose port answers may take to register the application. Spark
     * itself tries 3 times for 20 s each and then fails with a message that names no master.
     */
    public static final int MASTER_REGISTER_TIMEOUT_S = 30;

    /**
     * Starts the session on a standalone master, giving up after {@link #MASTER_REGISTER_TIMEOUT_S}
     * (the half-started context is left to its daemon thread: the caller is about to fail).
     */
    private static SparkSession registered(SparkSession.Builder b, String master) throws TimeoutException {
        FutureTask<SparkSession> start = new FutureTask<>(b::getOrCreate);
        Thread t = new Thread(start, "spark-nlsq-session-start");
        t.setDaemon(true);
        t.start();
        try {
            return start.get(MASTER_REGISTER_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Spark on " + master, e);
        }
    }

    private static boolean remote(String master) {
        return master.startsWith("spark://") || master.equals("yarn") || master.startsWith("k8s://");
    }

    /**
     * The jar whose classes a cluster's executors need when this JVM starts Spark itself (not
     * spark-submit, which ships its own): the {@code spark-nlsq-*-app.jar} beside this class's
     * jar or classes directory ({@code target/} for the launcher), else this class's own jar.
     */
    static String applicationJar(String master) {
        Path here;
        try {
            here = Path.of(SparkSessions.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the application's classes to ship to " + master, e);
        }
        return applicationJar(master, here);
    }

    /** {@link #applicationJar(String)} for classes at {@code here} (a jar or a classes directory). */
    static String applicationJar(String master, Path here) {
        Path dir = here.toAbsolutePath().getParent();
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> app = files.filter(f -> f.getFileName().toString().matches("spark-nlsq-.*-app\\.jar"))
                    .max(Comparator.comparing(f -> f.toFile().lastModified()));
            if (app.isPresent()) {
                return app.get().toString();
            }
        } catch (IOException e) {
            // no listing: fall through to this class's own jar
        }
        if (Files.isRegularFile(here)) {
            return here.toString();
        }
        throw new IllegalStateException("the executors on " + master + " need the application jar, and there is no"
                + " spark-nlsq-*-app.jar in " + dir + " (build it: mvn -B package -DskipTests)");
    }

    /**
     * As {@link #getOrCreate(String, ExecutorWait)} with {@link ExecutorWait#BLOCK}.
     *
     * @param master the master URL, or null for spark-submit's (else {@link #DEFAULT_MASTER})
     */
    public static SparkSession getOrCreate(String master) {
        return getOrCreate(master, ExecutorWait.BLOCK);
    }

    /**
     * @param master the master URL, or null for spark-submit's (else {@link #DEFAULT_MASTER})
     * @param wait what a new session on a cluster does about executors still starting
     */
    public static SparkSession getOrCreate(String master, ExecutorWait wait) {
        SparkSession.Builder b = SparkSession.builder().appName("spark-nlsq");
        String submitted = System.getProperty("spark.master");
        String chosen = master != null ? master : submitted != null ? submitted : DEFAULT_MASTER;
        boolean existing = SparkSession.getActiveSession().isDefined()
                || SparkSession.getDefaultSession().isDefined();
        if (!existing) {
            if (submitted != null && master != null && !master.strip().equals(submitted)) {
                throw new IllegalArgumentException(master + " would override spark-submit's master " + submitted
                        + "; under spark-submit, leave --master out (or give spark-submit's --master the same)");
            }
            checkMaster(chosen);
            if (submitted == null
                    && remote(chosen)
                    && System.getProperty("spark.jars") == null
                    && System.getProperty("spark.executor.extraClassPath") == null) {
                b.config("spark.jars", applicationJar(chosen));
            }
        }
        b.master(chosen);
        if (chosen.startsWith("local") && System.getProperty("spark.driver.host") == null) {
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        if (System.getProperty("spark.ui.showConsoleProgress") == null) {
            b.config("spark.ui.showConsoleProgress", "false");
        }
        if (System.getProperty("spark.serializer.objectStreamReset") == null) {
            b.config("spark.serializer.objectStreamReset", "1");
        }
        SparkSession session;
        try {
            session = existing || !chosen.startsWith("spark://") ? b.getOrCreate() : registered(b, chosen);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Spark master " + chosen + " accepts connections but did not register"
                    + " the application within " + MASTER_REGISTER_TIMEOUT_S + " s (is it a Spark standalone master,"
                    + " of Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + "?)");
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Spark could not start with master " + chosen + ": " + SparkInput.firstLine(e), e);
        }
        if (session.sparkContext().isStopped()) {
            throw new IllegalStateException("the Spark master " + chosen + " did not accept the application");
        }
        if (!existing && remote(chosen)) {
            if (wait == ExecutorWait.BLOCK) {
                awaitExecutors(session, executorWaitSeconds(session));
            } else {
                watchExecutors(session, executorWaitSeconds(session));
            }
        }
        return session;
    }

    /** The Spark setting that bounds {@link #awaitExecutors}'s wait at start-up (a duration, default 120s). */
    public static final String EXECUTOR_WAIT = "spark.nlsq.executorWait";

    private static long executorWaitSeconds(SparkSession session) {
        return session.sparkContext().getConf().getTimeAsSeconds(EXECUTOR_WAIT, "120s");
    }

    /**
     * Waits until the cluster has granted at least one executor. A cluster too small for the
     * request would otherwise leave every job waiting for ever ("Initial job has not accepted any
     * resources"); this fails after {@code seconds} instead, naming what was asked and, for a
     * standalone master, what its Workers have free (from the master's web UI, {@code
     * spark.master.ui.port}, default 8080).
     *
     * @throws NoExecutorsException with one line that says both
     */
    public static void awaitExecutors(SparkSession session, long seconds) {
        org.apache.spark.SparkContext sc = session.sparkContext();
        try (FirstExecutor first = FirstExecutor.watch(sc)) {
            if (!first.await(seconds)) {
                NoExecutorsException why = noExecutors(sc, seconds);
                sc.stop();
                throw why;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for executors", e);
        }
    }

    /**
     * {@link ExecutorWait#WATCH}: a daemon thread waits up to {@code seconds} for the first
     * executor; if none registers, it records why and stops the context.
     */
    static void watchExecutors(SparkSession session, long seconds) {
        org.apache.spark.SparkContext sc = session.sparkContext();
        FirstExecutor first = FirstExecutor.watch(sc);
        if (first.registered()) {
            first.close();
            return;
        }
        Thread watch = new Thread(
                () -> {
                    try (first) {
                        if (!first.await(seconds) && !sc.isStopped()) {
                            STOPPED.put(sc, noExecutors(sc, seconds));
                            sc.stop();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "spark-nlsq-executor-wait");
        watch.setDaemon(true);
        watch.start();
    }

    /** A listener on {@code sc} whose latch opens when an executor registers or the application ends. */
    private record FirstExecutor(
            org.apache.spark.SparkContext sc,
            java.util.concurrent.CountDownLatch latch,
            org.apache.spark.scheduler.SparkListener listener)
            implements AutoCloseable {
        static FirstExecutor watch(org.apache.spark.SparkContext sc) {
            java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
            org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
                @Override
                public void onExecutorAdded(org.apache.spark.scheduler.SparkListenerExecutorAdded e) {
                    latch.countDown();
                }

                @Override
                public void onApplicationEnd(org.apache.spark.scheduler.SparkListenerApplicationEnd e) {
                    latch.countDown();
                }
            };
            sc.addSparkListener(listener);
            return new FirstExecutor(sc, latch, listener);
        }

        /** One registered before the listener: the driver's own block manager is the other entry. */
        boolean registered() {
            return sc.getExecutorMemoryStatus().size() > 1;
        }

        /** True once an executor has registered (or the application ended) within {@code seconds}. */
        boolean await(long seconds) throws InterruptedException {
            return registered() || latch.await(seconds, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            sc.removeSparkListener(listener);
        }
    }

    private static NoExecutorsException noExecutors(org.apache.spark.SparkContext sc, long seconds) {
        return new NoExecutorsException("no executor was granted within " + seconds + " s by " + sc.master()
                + ": asked for " + asked(sc.getConf()) + "; " + offered(sc.master(), sc.getConf()) + " ("
                + EXECUTOR_WAIT + " sets the wait)");
    }

    private static String asked(org.apache.spark.SparkConf c) {
        String cores = c.contains("spark.executor.cores") ? c.get("spark.executor.cores") : "all of a Worker's";
        String memory = c.get("spark.executor.memory", "1g");
        String max = c.contains("spark.cores.max") ? ", " + c.get("spark.cores.max") + " cores in all" : "";
        return "executors of " + cores + " core(s) and " + memory + " (spark.executor.cores, spark.executor.memory)"
                + max;
    }

    /** What a standalone master's Workers have free, from its web UI's JSON; else why not known. */
    private static String offered(String master, org.apache.spark.SparkConf c) {
        if (!master.startsWith("spark://")) {
            return "the cluster manager's own UI shows what it offers";
        }
        String host = master.substring("spark://".length()).split(",")[0];
        host = host.substring(0, host.lastIndexOf(':'));
        String ui = "http://" + host + ":" + c.get("spark.master.ui.port", "8080") + "/json/";
        try {
            java.net.URLConnection conn = java.net.URI.create(ui).toURL().openConnection();
            conn.setConnectTimeout(2000);
            conn.setReadTimeout(2000);
            com.fasterxml.jackson.databind.JsonNode state;
            try (java.io.InputStream in = conn.getInputStream()) {
                state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            }
            StringBuilder b = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonNode w : state.path("workers")) {
                if (w.path("state").asText().equals("ALIVE")) {
                    b.append(b.isEmpty() ? "" : ", ")
                            .append(w.path("coresfree").asInt())
                            .append(" core(s) and ")
                            .append(w.path("memoryfree").asLong())
                            .append(" MB");
                }
            }
            return b.isEmpty() ? "the master has no live Worker" : "its live Workers have free: " + b;
        } catch (IOException | RuntimeException e) {
            return "what the Workers have free is on the master's web UI (" + ui + " did not answer)";
        }
    }
}

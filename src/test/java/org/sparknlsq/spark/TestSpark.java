package org.sparknlsq.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One real local SparkSession for every Spark test in the JVM: a cold start costs about 5 s, a
 * second session almost nothing, so the session is shared and stopped when the JVM exits.
 * {@code local[2,3]} runs two task threads and retries a failed task up to three times, like a
 * cluster would.
 */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("spark-nlsq-tests")
                    .master("local[2,3]")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}

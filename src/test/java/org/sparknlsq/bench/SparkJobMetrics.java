package org.sparknlsq.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Where the time of a Spark job goes, per benchmark row: a listener that groups jobs by the local
 * property {@link #ROW} (set by the benchmark on the thread that runs the passes; a fit's own
 * thread inherits it) and sums the task metrics of each job. Events arrive on Spark's listener
 * bus, asynchronously: {@link #jobs} waits until the expected number of jobs has ended.
 */
final class SparkJobMetrics extends SparkListener {
    /** The local property naming the row a job belongs to. */
    static final String ROW = "bench.row";

    /**
     * One job: its wall time as the scheduler saw it, and over its tasks the summed deserialization
     * time (the task and its closure, partition included), the longest and the summed run time,
     * the summed GC time and the summed scheduler delay (task duration minus deserialization, run
     * and result serialization).
     */
    record Job(
            int id,
            long jobMs,
            int tasks,
            long deserializeMsSum,
            long runMsMax,
            long runMsSum,
            long gcMsSum,
            long schedulerDelayMsSum,
            long resultBytesSum) {}

    private static final class Building {
        final String row;
        final long start;
        long end = -1;
        int tasks;
        long deserialize;
        long runMax;
        long runSum;
        long gc;
        long delay;
        long resultBytes;

        Building(String row, long start) {
            this.row = row;
            this.start = start;
        }
    }

    private final Map<Integer, Building> jobs = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> stageToJob = new ConcurrentHashMap<>();

    /** Registers a new listener with the session's context. */
    static SparkJobMetrics register(SparkSession spark) {
        SparkJobMetrics m = new SparkJobMetrics();
        spark.sparkContext().addSparkListener(m);
        return m;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
        String row = e.properties() == null ? null : e.properties().getProperty(ROW);
        Building b = new Building(row == null ? "" : row, e.time());
        for (Object stage : CollectionConverters.asJava(e.stageIds())) {
            stageToJob.put((Integer) stage, e.jobId());
        }
        jobs.put(e.jobId(), b);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        Integer job = stageToJob.get(e.stageId());
        Building b = job == null ? null : jobs.get(job);
        TaskMetrics m = e.taskMetrics();
        if (b == null || m == null) {
            return;
        }
        TaskInfo info = e.taskInfo();
        synchronized (b) {
            b.tasks++;
            b.deserialize += m.executorDeserializeTime();
            b.runMax = Math.max(b.runMax, m.executorRunTime());
            b.runSum += m.executorRunTime();
            b.gc += m.jvmGCTime();
            b.resultBytes += m.resultSize();
            b.delay += Math.max(
                    0,
                    info.duration()
                            - m.executorDeserializeTime()
                            - m.executorRunTime()
                            - m.resultSerializationTime()
                            - info.gettingResultTime());
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
        Building b = jobs.get(e.jobId());
        if (b != null) {
            synchronized (b) {
                b.end = e.time();
            }
        }
    }

    /**
     * The ended jobs of {@code row}, in job order, after waiting up to 10 s for at least {@code
     * expected} of them to end.
     */
    List<Job> jobs(String row, int expected) {
        long until = System.nanoTime() + 10_000_000_000L;
        List<Job> out;
        do {
            out = new ArrayList<>();
            for (var e : new java.util.TreeMap<>(jobs).entrySet()) {
                Building b = e.getValue();
                synchronized (b) {
                    if (b.row.equals(row) && b.end >= 0) {
                        out.add(new Job(
                                e.getKey(),
                                b.end - b.start,
                                b.tasks,
                                b.deserialize,
                                b.runMax,
                                b.runSum,
                                b.gc,
                                b.delay,
                                b.resultBytes));
                    }
                }
            }
            if (out.size() >= expected) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < until);
        return out;
    }
}

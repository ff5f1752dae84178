package org.sparknlsq.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.FetchFailed;
import org.apache.spark.Success$;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts the infrastructure events Spark handles by itself (a lost executor, a failed or killed
 * task, a fetch failure, a resubmitted stage) while a fit runs, so the result can report them
 * apart from the numerical failures that fault tolerance handles. It sees every job of the
 * SparkContext between {@link #install} and {@link #close}, which for a fit means the load and
 * the passes.
 *
 * <p>Listener events arrive asynchronously; {@link #counts()} first waits (up to 10 s) for the
 * listener bus to drain, so the counts cover every event posted before the call.
 */
public final class InfrastructureListener extends SparkListener implements AutoCloseable {
    private final JavaSparkContext jsc;
    private final AtomicLong taskFailures = new AtomicLong();
    private final AtomicLong tasksKilled = new AtomicLong();
    private final AtomicLong executorLostTasks = new AtomicLong();
    private final AtomicLong fetchFailures = new AtomicLong();
    private final AtomicLong executorLosses = new AtomicLong();
    private final AtomicLong stageResubmissions = new AtomicLong();
    private final AtomicLong retriedTasks = new AtomicLong();

    private InfrastructureListener(JavaSparkContext jsc) {
        this.jsc = jsc;
    }

    /** Starts counting on {@code jsc}. */
    public static InfrastructureListener install(JavaSparkContext jsc) {
        InfrastructureListener l = new InfrastructureListener(jsc);
        jsc.sc().addSparkListener(l);
        return l;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        TaskEndReason r = e.reason();
        if (r instanceof Success$) {
            if (e.taskInfo().attemptNumber() > 0 || e.stageAttemptId() > 0) {
                retriedTasks.incrementAndGet();
            }
            return;
        }
        if (r instanceof TaskKilled) {
            tasksKilled.incrementAndGet();
            return;
        }
        taskFailures.incrementAndGet();
        if (r instanceof FetchFailed) {
            fetchFailures.incrementAndGet();
        } else if (r instanceof ExecutorLostFailure) {
            executorLostTasks.incrementAndGet();
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
        executorLosses.incrementAndGet();
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        if (e.stageInfo().attemptNumber() > 0) {
            stageResubmissions.incrementAndGet();
        }
    }

    /**
     * The counts so far, after the events already posted have been delivered: {@code
     * task_failures} (every failed task attempt, killed ones apart), {@code tasks_lost_with_executor},
     * {@code fetch_failures}, {@code tasks_killed}, {@code executor_losses} (executors removed,
     * for any reason), {@code stage_resubmissions}, and {@code recomputed_tasks} (tasks that
     * succeeded on a retry or in a resubmitted stage).
     */
    public Map<String, Long> counts() {
        try {
            jsc.sc().listenerBus().waitUntilEmpty(10_000);
        } catch (TimeoutException e) {
            // the counts are then those delivered so far; they are reported, never relied on
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("task_failures", taskFailures.get());
        m.put("tasks_lost_with_executor", executorLostTasks.get());
        m.put("fetch_failures", fetchFailures.get());
        m.put("tasks_killed", tasksKilled.get());
        m.put("executor_losses", executorLosses.get());
        m.put("stage_resubmissions", stageResubmissions.get());
        m.put("recomputed_tasks", retriedTasks.get());
        return m;
    }

    @Override
    public void close() {
        jsc.sc().removeSparkListener(this);
    }
}

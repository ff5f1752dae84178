package org.sparknlsq.robust;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchStatisticsTest {
    static BatchStatistics.Batch ok(int i, double loss) {
        return new BatchStatistics.Batch(i, 1, loss, 2 * loss, 0.5, true, 0, null);
    }

    @Test
    void theRingKeepsTheLastRecordsInOrderAndTheTotalsForever() {
        BatchStatistics s = new BatchStatistics(3);
        for (int i = 0; i < 5; i++) {
            s.record(ok(i, i));
        }
        s.record(new BatchStatistics.Batch(5, 2, Double.NaN, Double.NaN, 0.1, false, 1, "NonFiniteValue"));
        assertEquals(
                List.of(3, 4, 5),
                s.recent().stream().map(BatchStatistics.Batch::batchIndex).toList());
        assertEquals(6, s.attempted());
        assertEquals(5, s.succeeded());
        assertEquals(1, s.failed());
        assertEquals(5.0 / 6, s.successRate());
        s.skip(4);
        assertEquals(0.5, s.successRate());
        // aggregates over the successful records in the ring: losses 3 and 4
        assertEquals(3.5, s.aggregates().get("mean_loss"));
        assertEquals(Math.sqrt(0.5), s.aggregates().get("std_loss"), 1e-15);
        assertEquals(7.0, s.aggregates().get("mean_gradient_norm"));
        assertEquals(0.5, s.aggregates().get("mean_batch_time"));
        assertEquals(3.0, s.aggregates().get("min_loss"));
        assertEquals(4.0, s.aggregates().get("max_loss"));
    }

    @Test
    void batchesOfAFailedTrialAreRecordedButLeftOutOfTheRate() {
        BatchStatistics s = new BatchStatistics(4);
        s.record(ok(0, 1));
        s.record(ok(1, 1), false);
        s.record(new BatchStatistics.Batch(2, 1, Double.NaN, Double.NaN, 0, false, 0, "X"), false);
        assertEquals(1.0, s.successRate());
        assertEquals(3, s.attempted());
        assertEquals(1, s.failed());
        assertEquals(3, s.recent().size());
    }

    @Test
    void edgeCases() {
        BatchStatistics none = new BatchStatistics(2);
        assertTrue(Double.isNaN(none.successRate()), "no batches: no rate");
        assertTrue(Double.isNaN(none.aggregates().get("mean_loss")));
        assertEquals(List.of(), none.recent());
        BatchStatistics allFail = new BatchStatistics(2);
        allFail.record(new BatchStatistics.Batch(0, 1, Double.NaN, Double.NaN, 0, false, 0, "X"));
        assertEquals(0.0, allFail.successRate());
        assertTrue(Double.isNaN(allFail.aggregates().get("min_loss")));
        assertThrows(IllegalArgumentException.class, () -> new BatchStatistics(0));
    }

    @Test
    void recoveryStrategiesInTheSeedsOrder() {
        assertEquals(RecoveryAction.SHRINK_TRUST_RADIUS, RecoveryAction.forRetry(false, 1));
        assertEquals(RecoveryAction.TIGHTEN_BOUNDS, RecoveryAction.forRetry(false, 2));
        assertEquals(RecoveryAction.RESCALE, RecoveryAction.forRetry(false, 3));
        assertNull(RecoveryAction.forRetry(false, 4));
        assertEquals(RecoveryAction.PERTURB_PARAMETERS, RecoveryAction.forRetry(true, 1));
        assertEquals(RecoveryAction.INCREASE_ITERATIONS, RecoveryAction.forRetry(true, 2));
        assertEquals(RecoveryAction.RELAX_TOLERANCE, RecoveryAction.forRetry(true, 3));
        assertNull(RecoveryAction.forRetry(true, 0));
    }

    @Test
    void configurationIsValidated() {
        FaultTolerance bad = new FaultTolerance(true, true, 1.5, -1, 0, 0);
        assertEquals(3, bad.validate().size(), bad.validate().toString());
        assertEquals(List.of(), FaultTolerance.defaults().validate());
        assertFalse(FaultTolerance.fast().enabled());
    }
}

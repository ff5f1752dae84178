package org.sparknlsq.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.bench.ChaosSoak;

/**
 * The short chaos soak of CI: six fits through the command line on {@code local-cluster}, with
 * checkpoints on local disk, HDFS and S3, while every kind of fault strikes at least once (an
 * executor SIGKILLed and SIGSTOPped, the driver SIGKILLed and resumed, the DataNode stopped, the
 * S3 server killed). The long soak is {@link ChaosSoak}'s main (BENCHMARKS.md §10).
 */
class ChaosSoakIT {
    @TempDir
    Path work;

    @Test
    void everyFitUnderFireEndsBitIdenticalOrWithAnHonestFailure() throws Exception {
        ChaosSoak.Report r = ChaosSoak.run(new ChaosSoak.Settings(6, 13, 500_000, work));
        String report = new ObjectMapper().writeValueAsString(r);
        System.out.println(report);
        for (ChaosSoak.FitRecord f : r.records()) {
            assertTrue(
                    f.outcome() == ChaosSoak.Outcome.IDENTICAL || f.outcome() == ChaosSoak.Outcome.HONEST_FAILURE,
                    f.toString());
        }
        assertEquals(0, r.partialCheckpointsSeen(), report);
        assertEquals(0, r.resumesNotFromTheNewestValid(), report);
        assertEquals(0, r.consoleNoiseLines(), report);
        for (ChaosSoak.Fault kind : ChaosSoak.Fault.values()) {
            assertTrue(r.faults().get(kind) >= 1, kind + " struck: " + report);
        }
        assertTrue(r.resumes() >= 2, report);
        assertTrue(r.clean(), report);
    }
}

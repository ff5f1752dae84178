package org.sparknlsq.checkpoint;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.sparknlsq.robust.CheckpointException;

/**
 * Fuzzes the checkpoint reader: any bytes decode to a checkpoint or are refused with a {@link
 * CheckpointException} (exit 5 and its one line); nothing else escapes and nothing hangs.
 */
class CheckpointFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyBytesDecodeOrAreRefused(byte[] bytes) {
        try {
            CheckpointManager.decode(bytes, "fuzz.h5");
        } catch (CheckpointException refused) {
            // the documented outcome for a bad file
        }
    }
}

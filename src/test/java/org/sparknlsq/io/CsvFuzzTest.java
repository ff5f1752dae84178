package org.sparknlsq.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the CSV reader: any file is read or refused with a {@link DataException} (exit 3 and its
 * one line), under both bad-record policies; nothing else escapes and nothing hangs.
 */
class CsvFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyCsvIsReadOrRefused(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".csv");
        try {
            Files.write(file, bytes);
            for (BadRecordPolicy policy : BadRecordPolicy.values()) {
                try {
                    CsvReader.read(file, new CsvRequest(List.of("x"), "y", "s", policy));
                } catch (DataException refused) {
                    // the documented outcome for a bad file
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

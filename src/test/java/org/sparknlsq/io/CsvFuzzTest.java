package org.sparknlsq.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.sparknlsq.kernel.DataBlock;

/**
 * Fuzzes the CSV reader: any file is read or refused with a {@link DataException} (exit 3 and its
 * one line), under both bad-record policies; nothing else escapes and nothing hangs. A read cut
 * into ranges of a few bytes on three threads has the same outcome as a single pass: the same
 * points, drops and lines, or the same message.
 */
class CsvFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyCsvIsReadOrRefused(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".csv");
        try {
            Files.write(file, bytes);
            for (BadRecordPolicy policy : BadRecordPolicy.values()) {
                CsvRequest request = new CsvRequest(List.of("x"), "y", "s", policy, 3);
                assertEquals(
                        outcome(() -> CsvReader.read(file, request, Integer.MAX_VALUE, 1)),
                        outcome(() -> CsvReader.read(file, request, 16, 3)));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** What a read gave, as text: every point with its line, the drops; or the refusal's message. */
    private static String outcome(Supplier<CsvData> read) {
        CsvData d;
        try {
            d = read.get();
        } catch (DataException refused) {
            return refused.getMessage(); // the documented outcome for a bad file
        }
        StringBuilder b = new StringBuilder();
        b.append(d.points()).append(' ').append(d.droppedRecords()).append(' ').append(d.firstDropped());
        for (DataBlock block : d.blocks()) {
            b.append("\nblock ").append(block.firstIndex());
            for (int i = 0; i < block.size(); i++) {
                long r = block.firstIndex() + i;
                b.append(' ')
                        .append(Double.doubleToRawLongBits(block.x()[i]))
                        .append('/')
                        .append(Double.doubleToRawLongBits(block.y()[i]))
                        .append('/')
                        .append(Double.doubleToRawLongBits(block.sigma()[i]))
                        .append('@')
                        .append(d.lineOf(r));
            }
        }
        return b.toString();
    }
}

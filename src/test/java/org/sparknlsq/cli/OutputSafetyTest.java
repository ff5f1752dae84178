package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every place the fit writes (result, report, checkpoints, status file) is checked against the
 * inputs and against each other before any work, and an existing destination must be a regular
 * file; the status file, written whatever ends the command, only ever replaces a status file.
 */
class OutputSafetyTest {
    @TempDir
    Path dir;

    private Path data() throws IOException {
        return Cli.curve(dir, "d.csv", 50, 5, x -> 3 * Math.exp(-1.3 * x) + 0.5);
    }

    private Cli.Run fit(Path data, String... more) {
        return Cli.run(Cli.fitArgs(data, "a*exp(-b*x) + c", "a=1,b=1,c=0", more));
    }

    private static void assertRefused(Cli.Run r, String fragment) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    @Test
    void aStatusFileOnAnInputIsRefusedAndTheInputKept() throws IOException {
        Path data = data();
        String before = Files.readString(data);
        Cli.Run r = fit(data, "--status-file", data.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.errLines().get(0).contains("--status-file: " + data + " is, holds or lies inside an input"), r.err());
        assertTrue(r.err().contains("exists and is not a status file; it is left as it is"), r.err());
        assertEquals(before, Files.readString(data));
    }

    @Test
    void aStatusFileReplacesOnlyAStatusFileWhateverEndsTheCommand() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "precious\n");
        Cli.Run usage = Cli.run("fit", "--no-such-option", "--status-file", notes.toString());
        assertEquals(2, usage.code());
        assertEquals("precious\n", Files.readString(notes));
        assertTrue(usage.err().contains("--status-file: " + notes + " exists and is not a status file"), usage.err());

        Path status = dir.resolve("status.json");
        assertEquals(
                0, fit(data(), "--quiet", "--status-file", status.toString()).code());
        assertEquals("{\"exit_code\": 0}\n", Files.readString(status));
        assertEquals(
                2,
                Cli.run("fit", "--no-such-option", "--status-file", status.toString())
                        .code());
        assertEquals("{\"exit_code\": 2}\n", Files.readString(status), "a status file is replaced");
    }

    @Test
    void outputsThatCollideAreRefusedBeforeTheFit() throws IOException {
        Path data = data();
        Path out = dir.resolve("o.json");
        assertRefused(
                fit(data, "--output", out.toString(), "--status-file", out.toString()),
                "--output " + out + " and --status-file " + out + " are, hold or lie inside each other");
        Path report = dir.resolve("rep");
        assertRefused(
                fit(
                        data,
                        "--report",
                        report.toString(),
                        "--output",
                        report.resolve("fit-report.html").toString()),
                "give each output its own place");
        Path ck = dir.resolve("ck");
        assertRefused(
                fit(
                        data,
                        "--checkpoint-dir",
                        ck.toString(),
                        "--output",
                        ck.resolve("r.json").toString()),
                "--checkpoint-dir " + ck + " and --output " + ck.resolve("r.json"));
        // the status file still says how the command ended; no result was written there
        assertEquals("{\"exit_code\": 2}\n", Files.readString(out));
        assertFalse(Files.exists(report.resolve("fit-report.html")));
    }

    @Test
    void aDestinationThatIsNoRegularFileIsRefusedAndKept() throws Exception {
        Path fifo = dir.resolve("o.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mk.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, mk.exitValue());
        Path data = data();
        assertRefused(fit(data, "--output", fifo.toString()), "exists and is not a regular file (a device, FIFO");
        Cli.Run status = fit(data, "--status-file", fifo.toString());
        assertEquals(2, status.code(), status.err());
        assertTrue(status.errLines().get(0).contains("--status-file: " + fifo + " exists and is not a regular file"));
        assertTrue(status.errLines().get(1).contains("is not a status file; it is left as it is"), status.err());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertRefused(fit(data, "--output", empty.toString()), "exists and is not a regular file (a directory)");
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the FIFO is still a FIFO");
    }
}

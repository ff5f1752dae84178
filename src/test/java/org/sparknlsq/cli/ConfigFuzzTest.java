package org.sparknlsq.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Fuzzes the YAML config reader: any file either expands to arguments or is refused with a
 * {@link CliException} (exit 2 and its one line); nothing else escapes and nothing hangs.
 */
class ConfigFuzzTest {
    private static final CommandLine.Model.CommandSpec FIT =
            new CommandLine(new Main()).getSubcommands().get("fit").getCommandSpec();

    @FuzzTest(maxDuration = "10s")
    void anyYamlExpandsOrIsRefused(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".yaml");
        try {
            Files.write(file, bytes);
            ConfigFile.expand(FIT, new String[] {"--config", file.toString()});
        } catch (CliException refused) {
            // the documented outcome for a bad file
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

package org.sparknlsq.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The README's option reference lists every long option of {@code fit}, and only those. */
class ReadmeReferenceTest {
    @Test
    void everyFitOptionIsInTheReference() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("### `fit` options");
        int end = readme.indexOf("### The result JSON");
        assertTrue(start > 0 && end > start, "the reference section is there");
        String table = readme.substring(start, end);
        CommandLine fit = new CommandLine(new Main()).getSubcommands().get("fit");
        List<String> missing = new ArrayList<>();
        for (OptionSpec o : fit.getCommandSpec().options()) {
            String name = o.longestName();
            if (name.startsWith("--")
                    && !List.of("--help", "--version").contains(name)
                    && !table.contains("`" + name)) {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "options missing from the README's reference");
    }
}

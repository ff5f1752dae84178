package org.sparknlsq.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where an option's value came from: a line of {@code file}, or {@code --set} ({@code line}
 * {@link ConfigProblems#FROM_SET}); the lines of a mapping's entries by their names. Recorded by
 * {@link ConfigFile} when it expands a config, so that a later problem with the value names its
 * line.
 */
record ConfigOrigin(String file, int line, String key, Map<String, Integer> entryLines) {
    /**
     * The problems as one message. A problem with a value from the config file names the file and
     * the line: of the entry the message quotes, for a mapping such as {@code bounds}, else of the
     * key. The file's come first, by line, as {@link ConfigProblems} orders them.
     */
    static String locate(Map<String, ConfigOrigin> origins, List<OptionProblem> problems) {
        List<Map.Entry<Integer, String>> said = new ArrayList<>();
        for (OptionProblem p : problems) {
            ConfigOrigin o = origins.get(p.option());
            int line = o == null || o.line() == ConfigProblems.FROM_SET ? Integer.MAX_VALUE : o.lineOf(p.message());
            said.add(Map.entry(line, o == null ? p.toString() : o.describe(p.message())));
        }
        return String.join(
                "; ",
                said.stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(Map.Entry::getValue)
                        .toList());
    }

    /** The line of the entry {@code message} quotes, else of the key. */
    int lineOf(String message) {
        for (Map.Entry<String, Integer> e : entryLines.entrySet()) {
            if (message.contains("'" + e.getKey() + "'") || message.contains("'" + e.getKey() + "=")) {
                return e.getValue();
            }
        }
        return line;
    }

    String describe(String message) {
        return line == ConfigProblems.FROM_SET
                ? ConfigFile.SET + ": " + key + ": " + message
                : file + ": line " + lineOf(message) + ": " + key + ": " + message;
    }
}

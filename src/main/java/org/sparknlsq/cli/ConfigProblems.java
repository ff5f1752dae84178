package org.sparknlsq.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every problem found, so that one run reports them all: the file's first, by line, after the
 * file's name; then those of the command line, in order.
 */
final class ConfigProblems {
    /** Where a problem in a {@code --set} value is reported, in place of a line of the file. */
    static final int FROM_SET = -1;
    /** A problem with the file as a whole, such as a missing file. */
    static final int WHOLE_FILE = 0;

    /** Problems listed in one message; the rest are counted. */
    static final int MAX_LISTED = 10;

    private record InFile(int line, String where, String text) {}

    private final List<InFile> inFile = new ArrayList<>();
    private final List<String> commandLine = new ArrayList<>();
    private String file;

    void file(String name) {
        file = name;
    }

    int count() {
        return inFile.size() + commandLine.size();
    }

    /** A problem at a line of the file, with the file as a whole, or in a {@code --set}. */
    void add(int line, String text) {
        add(line, 0, text);
    }

    void add(int line, int column, String text) {
        if (line == FROM_SET) {
            commandLine.add(ConfigFile.SET + ": " + text);
        } else if (line == WHOLE_FILE) {
            inFile.add(new InFile(line, "", text));
        } else {
            inFile.add(new InFile(line, "line " + line + (column > 0 ? ", column " + column : "") + ": ", text));
        }
    }

    /** A malformed {@code --config} or {@code --set} argument. */
    void argument(String text) {
        commandLine.add(text);
    }

    void throwIfAny() {
        if (count() == 0) {
            return;
        }
        // the same problem on one line is said once, and at most MAX_LISTED problems are
        // listed, so that a hostile file (a YAML alias bomb, say) still gives a short line
        List<String> all = new ArrayList<>();
        inFile.stream()
                .sorted(Comparator.comparingInt(InFile::line))
                .map(p -> p.where() + p.text())
                .distinct()
                .forEach(all::add);
        all.addAll(commandLine.stream().distinct().toList());
        List<String> clauses = new ArrayList<>(all.subList(0, Math.min(all.size(), MAX_LISTED)));
        if (!inFile.isEmpty()) {
            clauses.set(0, file + ": " + clauses.get(0));
        }
        if (all.size() > MAX_LISTED) {
            clauses.add("and " + (all.size() - MAX_LISTED) + " more problem(s)");
        }
        throw new ConfigFile.ConfigException(clauses);
    }
}

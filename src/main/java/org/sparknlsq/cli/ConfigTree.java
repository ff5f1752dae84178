package org.sparknlsq.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A config file as a tree of YAML values with the lines they start on, read with every problem
 * recorded (syntax errors with line and column, duplicate keys, aliases, a top level that is not
 * a mapping, a file that cannot be read) rather than thrown.
 */
final class ConfigTree {
    private static final YAMLFactory YAML = new YAMLFactory();

    private ConfigTree() {}

    /** A key with its value, from the file (its line) or from {@code --set} ({@link ConfigProblems#FROM_SET}). */
    record Field(String key, int line, Node value) {}

    /** A YAML value and the line it starts on. */
    sealed interface Node permits Scalar, Sequence, Mapping {
        int line();
    }

    /** A scalar as written, with the token Jackson gave it (string, number, boolean or null). */
    record Scalar(String text, JsonToken token, int line) implements Node {}

    record Sequence(List<Node> items, int line) implements Node {}

    record Mapping(List<Field> fields, int line) implements Node {}

    /** The top-level fields of the file; problems are recorded, and a broken file gives none. */
    static List<Field> readFile(String file, ConfigProblems problems) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            problems.add(ConfigProblems.WHOLE_FILE, "not a valid path: " + e.getReason());
            return List.of();
        }
        if (Files.isDirectory(path)) {
            problems.add(ConfigProblems.WHOLE_FILE, "is a directory");
            return List.of();
        }
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
                JsonParser parser = YAML.createParser(reader)) {
            if (parser.nextToken() == null) {
                return List.of();
            }
            Node top = read(parser, problems);
            if (parser.nextToken() != null) {
                problems.add(
                        parser.currentTokenLocation().getLineNr(), "a second YAML document; a config is one mapping");
            }
            if (top instanceof Mapping mapping) {
                return mapping.fields();
            }
            problems.add(top.line(), "the top level must be a mapping of option names to values, got " + describe(top));
        } catch (JsonProcessingException e) {
            IOException io = ioCause(e);
            if (io == null) {
                syntaxError(e, problems);
            } else {
                problems.add(ConfigProblems.WHOLE_FILE, reason(io));
            }
        } catch (IOException e) {
            problems.add(ConfigProblems.WHOLE_FILE, reason(e));
        }
        return List.of();
    }

    /** Reads the value that starts at the current token, recording duplicate keys and aliases. */
    private static Node read(JsonParser parser, ConfigProblems problems) throws IOException {
        int line = parser.currentTokenLocation().getLineNr();
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            problems.add(line, "YAML aliases (*" + parser.getText() + ") are not supported; repeat the value");
        }
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                List<Field> fields = new ArrayList<>();
                Map<String, Integer> firstLines = new HashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.getText();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    parser.nextToken();
                    Node value = read(parser, problems);
                    Integer first = firstLines.putIfAbsent(key, keyLine);
                    if (first == null) {
                        fields.add(new Field(key, keyLine, value));
                    } else {
                        problems.add(keyLine, "duplicate key '" + key + "' (first on line " + first + ")");
                    }
                }
                return new Mapping(fields, line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser, problems));
                }
                return new Sequence(items, line);
            }
            default -> {
                return new Scalar(parser.getText(), parser.currentToken(), line);
            }
        }
    }

    static String describe(Node value) {
        if (value instanceof Sequence s) {
            return "a list of " + s.items().size();
        }
        return value instanceof Scalar s ? "'" + s.text() + "'" : "a mapping";
    }

    private static void syntaxError(JsonProcessingException e, ConfigProblems problems) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            String context = m.getContext() == null ? "" : m.getContext() + ": ";
            problems.add(
                    m.getProblemMark().getLine() + 1,
                    m.getProblemMark().getColumn() + 1,
                    "YAML syntax error: " + context + Main.oneLine(m.getProblem()));
            return;
        }
        JsonLocation at = e.getLocation();
        problems.add(
                at == null ? ConfigProblems.WHOLE_FILE : at.getLineNr(),
                at == null ? 0 : at.getColumnNr(),
                "YAML syntax error: " + Main.oneLine(e.getOriginalMessage()));
    }

    /** The I/O failure Jackson wrapped (SnakeYAML reads the file lazily), or null for bad YAML. */
    static IOException ioCause(Throwable t) {
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        } else if (e instanceof AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof CharacterCodingException) {
            return "cannot read: not UTF-8 text";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            return "cannot read: " + f.getReason();
        }
        return "cannot read: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}

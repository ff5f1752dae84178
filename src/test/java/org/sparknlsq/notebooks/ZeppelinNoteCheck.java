package org.sparknlsq.notebooks;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Parses a Zeppelin note with Zeppelin's own parser ({@code Note.fromJson} of zeppelin-zengine),
 * in a JVM that has zengine and not Spark: by reflection, so this class compiles without zengine.
 * Prints the paragraphs' interpreters; exits 1 with the reason if the note does not parse or lacks
 * a {@code %spark} and a {@code %spark.pyspark} paragraph.
 *
 * <pre>java -cp TEST_CLASSES:ZENGINE_CLASSPATH org.sparknlsq.notebooks.ZeppelinNoteCheck NOTE.zpln</pre>
 */
public final class ZeppelinNoteCheck {
    private ZeppelinNoteCheck() {}

    public static void main(String[] args) throws Exception {
        String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        Class<?> note = Class.forName("org.apache.zeppelin.notebook.Note");
        Method fromJson = note.getMethod("fromJson", String.class, String.class);
        Object parsed = fromJson.invoke(null, "check", json);
        List<?> paragraphs = (List<?>) note.getMethod("getParagraphs").invoke(parsed);
        boolean scala = false;
        boolean pyspark = false;
        for (Object p : paragraphs) {
            String text = (String) p.getClass().getMethod("getText").invoke(p);
            String first = text.lines().findFirst().orElse("").strip();
            System.out.println(first);
            scala |= first.equals("%spark");
            pyspark |= first.equals("%spark.pyspark");
        }
        System.out.println(note.getMethod("getName").invoke(parsed) + ": " + paragraphs.size() + " paragraphs");
        if (!scala || !pyspark) {
            System.out.println("missing a %spark or a %spark.pyspark paragraph");
            System.exit(1);
        }
    }
}

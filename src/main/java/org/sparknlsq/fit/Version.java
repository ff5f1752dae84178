package org.sparknlsq.fit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The spark-nlsq version, for {@code --version} and the result JSON. Looked up, in order: the
 * system property {@value #PROPERTY} (set by the launcher, which runs from {@code target/classes}
 * where no manifest exists), the jar manifest's {@code Implementation-Version}, the {@code
 * pom.properties} Maven puts into the jar; {@code "unknown"} otherwise.
 */
public final class Version {
    /** The system property the launcher sets from {@code pom.xml}. */
    public static final String PROPERTY = "sparknlsq.version";

    private Version() {}

    private static final String POM_PROPERTIES = "/META-INF/maven/org.sparknlsq/spark-nlsq/pom.properties";

    /** The version string, never null. */
    public static String current() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            v = Version.class.getPackage().getImplementationVersion();
        }
        if (v == null || v.isBlank()) {
            v = fromPomProperties();
        }
        return v == null || v.isBlank() ? "unknown" : v.strip();
    }

    private static String fromPomProperties() {
        try (InputStream in = Version.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }
}

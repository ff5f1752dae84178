package org.sparknlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which jar a fit started outside spark-submit ships to a cluster's executors. */
class ApplicationJarTest {

    @TempDir
    Path target;

    @Test
    void theAppJarBesideTheClassesDirectoryIsShipped() throws Exception {
        Path classes = Files.createDirectories(target.resolve("classes"));
        Files.writeString(target.resolve("spark-nlsq-0.1.0.jar"), "thin");
        Path app = Files.writeString(target.resolve("spark-nlsq-0.1.0-app.jar"), "fat");
        assertEquals(app.toString(), SparkSessions.applicationJar("spark://h:7077", classes));
    }

    @Test
    void aJarWithNoAppJarBesideItShipsItself() throws Exception {
        Path jar = Files.writeString(target.resolve("spark-nlsq-0.1.0-app.renamed.jar"), "fat");
        assertEquals(jar.toString(), SparkSessions.applicationJar("yarn", jar));
    }

    @Test
    void classesWithNoAppJarSayHowToBuildIt() throws Exception {
        Path classes = Files.createDirectories(target.resolve("classes"));
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> SparkSessions.applicationJar("spark://h:7077", classes));
        assertEquals(
                "the executors on spark://h:7077 need the application jar, and there is no spark-nlsq-*-app.jar in "
                        + target + " (build it: mvn -B package -DskipTests)",
                e.getMessage());
    }
}

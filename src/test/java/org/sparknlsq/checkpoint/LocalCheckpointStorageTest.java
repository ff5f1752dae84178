package org.sparknlsq.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on local disk. The outage is "permission denied": the tests run as root,
 * which ignores file modes, so the directory is made immutable with {@code chattr +i} (creating,
 * renaming and deleting in it then fail with EPERM, for root too). Where the file system has no
 * such attribute, the directory is moved away and a plain file takes its name ("not a
 * directory") instead.
 */
class LocalCheckpointStorageTest extends CheckpointStorageContract {
    @TempDir
    Path root;

    private Path current;
    private boolean immutable;

    @Override
    String directory(String name) {
        current = root.resolve(name);
        return current.toString();
    }

    @Override
    Configuration conf() {
        return null;
    }

    private static boolean chattr(String flag, Path dir) throws Exception {
        try {
            Process p = new ProcessBuilder("chattr", flag, dir.toString())
                    .redirectErrorStream(true)
                    .start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException noChattr) {
            return false;
        }
    }

    @Override
    void outage() throws Exception {
        immutable = chattr("+i", current);
        if (immutable) {
            try {
                Files.delete(Files.createFile(current.resolve("probe")));
                // still writable: the attribute has no effect here
                chattr("-i", current);
                immutable = false;
            } catch (IOException denied) {
                return;
            }
        }
        Files.move(current, root.resolve("away"));
        Files.writeString(current, "not a directory");
    }

    @Override
    void recover() throws Exception {
        if (immutable) {
            chattr("-i", current);
            immutable = false;
            return;
        }
        Files.delete(current);
        Files.move(root.resolve("away"), current);
    }
}

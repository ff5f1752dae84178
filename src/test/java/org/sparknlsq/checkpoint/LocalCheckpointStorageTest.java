package org.sparknlsq.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage contract on local disk. The outage: the checkpoint directory is moved away and a
 * plain file takes its name (the tests run as root here, so permissions cannot make a write fail;
 * "not a directory" does).
 */
class LocalCheckpointStorageTest extends CheckpointStorageContract {
    @TempDir
    Path root;

    private Path current;

    @Override
    String directory(String name) {
        current = root.resolve(name);
        return current.toString();
    }

    @Override
    Configuration conf() {
        return null;
    }

    @Override
    void outage() throws Exception {
        Files.move(current, root.resolve("away"));
        Files.writeString(current, "not a directory");
    }

    @Override
    void recover() throws Exception {
        Files.delete(current);
        Files.move(root.resolve("away"), current);
    }
}

package org.sparknlsq.checkpoint;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.testing.S3ProxyServer;

/**
 * The storage contract on a real S3 API (S3Proxy in a child JVM); the outage SIGKILLs the server
 * before the object's single PUT at close, and the recovery starts it again on the same store.
 */
class S3CheckpointStorageTest extends CheckpointStorageContract {
    @TempDir
    static Path dir;

    private static S3ProxyServer server;
    private static Configuration conf;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(dir, "ckpt");
        conf = server.configure(new Configuration());
        // every test gets its own file system instance: a killed server leaves stale connections
        conf.setBoolean("fs.s3a.impl.disable.cache", true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    String directory(String name) {
        return server.bucketUri() + "/checkpoints/" + name;
    }

    @Override
    Configuration conf() {
        return conf;
    }

    @Override
    void outage() throws Exception {
        server.kill();
    }

    @Override
    void recover() throws Exception {
        server.restart();
    }
}

package org.sparknlsq.checkpoint;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.sparknlsq.testing.MiniHdfs;

/** The storage contract on a real HDFS (MiniDFSCluster); the outage stops the only DataNode. */
class HdfsCheckpointStorageTest extends CheckpointStorageContract {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void start() throws Exception {
        hdfs = MiniHdfs.start();
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Override
    String directory(String name) {
        return hdfs.root() + "/checkpoints/" + name;
    }

    @Override
    Configuration conf() {
        return hdfs.conf();
    }

    @Override
    void outage() {
        hdfs.stopDataNode();
    }

    @Override
    void recover() throws Exception {
        hdfs.restartDataNode();
    }
}

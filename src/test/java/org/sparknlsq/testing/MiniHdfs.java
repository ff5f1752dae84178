package org.sparknlsq.testing;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS for tests: a MiniDFSCluster (a NameNode and one DataNode in this JVM) under the
 * build directory, replication 1, failing fast. Its DataNode can be stopped and restarted, which is
 * how tests make an HDFS outage.
 */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private MiniDFSCluster.DataNodeProperties stopped;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    public static MiniHdfs start() throws Exception {
        Configuration conf = new Configuration();
        Path base = Path.of(
                System.getProperty("project.build.directory", "target"),
                "minidfs-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toAbsolutePath().toString());
        conf.setInt("dfs.replication", 1);
        conf.setInt("ipc.client.connect.max.retries", 1);
        // a write whose DataNode is gone fails at once instead of waiting for a replacement
        conf.set("dfs.client.block.write.replace-datanode-on-failure.enable", "false");
        MiniDFSCluster c = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        c.waitActive();
        return new MiniHdfs(c);
    }

    public MiniDFSCluster cluster() {
        return cluster;
    }

    /** {@code hdfs://127.0.0.1:PORT} */
    public String root() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    public Configuration conf() {
        return cluster.getConfiguration(0);
    }

    /** Stops the only DataNode: every write fails until {@link #restartDataNode()}. */
    public void stopDataNode() {
        stopped = cluster.stopDataNode(0);
    }

    public void restartDataNode() throws Exception {
        cluster.restartDataNode(stopped, true);
        cluster.waitActive();
        stopped = null;
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}

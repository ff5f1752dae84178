package org.sparknlsq.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.sparknlsq.checkpoint.CheckpointManager;
import org.sparknlsq.checkpoint.CheckpointState;
import org.sparknlsq.optim.Snapshot;
import org.sparknlsq.testing.MiniHdfs;
import org.sparknlsq.testing.S3ProxyServer;

/**
 * Checkpoint save time with 100 parameters: {@link CheckpointManager#save} (encode to HDF5 with
 * the digest, atomic write, retention) on local disk, on HDFS (MiniDFSCluster in this JVM) and on
 * S3 (S3Proxy in a child JVM), the three interleaved save by save, after warm-up saves. Prints
 * JSON: median, 90th percentile and fastest per store, in milliseconds. The state holds what a
 * TRF snapshot of a 100-parameter fit holds (current, best, scale, bounds, counters, a ledger).
 *
 * <pre>java -cp CP org.sparknlsq.bench.CheckpointSaveBenchmark [--saves 40]</pre>
 */
public final class CheckpointSaveBenchmark {
    private CheckpointSaveBenchmark() {}

    static CheckpointState state(int p, int iteration) {
        Random r = new Random(iteration);
        double[] x = new double[p];
        double[] scale = new double[p];
        double[] lower = new double[p];
        double[] upper = new double[p];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            x[i] = r.nextGaussian();
            scale[i] = Math.abs(r.nextGaussian());
            lower[i] = Double.NEGATIVE_INFINITY;
            upper[i] = Double.POSITIVE_INFINITY;
            names.add("p" + i);
        }
        TreeMap<String, Object> st = new TreeMap<>();
        st.put("trust_radius", 0.5);
        st.put("alpha", 1e-3);
        st.put("scale", scale);
        st.put("lower", lower);
        st.put("upper", upper);
        st.put("evaluations", 40L);
        st.put("accumulator_kind", "NORMAL");
        st.put("ft_counts", new long[] {40, 0, 400, 0, 0, 400, 0});
        return new CheckpointState(
                CheckpointState.VERSION,
                "bench",
                System.currentTimeMillis(),
                "config",
                "data",
                names,
                new Snapshot(
                        "trf",
                        x,
                        x,
                        1.5,
                        iteration,
                        0,
                        st,
                        new long[0],
                        new TreeMap<>(),
                        new TreeMap<>(),
                        new long[0]));
    }

    public static void main(String[] args) throws Exception {
        int saves = args.length > 1 && args[0].equals("--saves") ? Integer.parseInt(args[1]) : 40;
        int warm = 5;
        Path tmp = Files.createTempDirectory("ckpt-bench");
        try (MiniHdfs hdfs = MiniHdfs.start();
                S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3"), "bench")) {
            Configuration s3conf = s3.configure(new Configuration());
            CheckpointManager.Options o = CheckpointManager.Options.defaults();
            CheckpointManager[] stores = {
                new CheckpointManager(tmp.resolve("local").toString(), null, o),
                new CheckpointManager(hdfs.root() + "/bench", hdfs.conf(), o),
                new CheckpointManager(s3.bucketUri() + "/bench", s3conf, o)
            };
            String[] names = {"local", "hdfs", "s3"};
            double[][] ms = new double[3][saves];
            for (int i = -warm; i < saves; i++) {
                for (int k = 0; k < 3; k++) {
                    CheckpointState st = state(100, i + warm + 1);
                    long t0 = System.nanoTime();
                    if (stores[k].save(st).isEmpty()) {
                        throw new IllegalStateException(names[k] + ": save failed " + stores[k].diagnostics());
                    }
                    if (i >= 0) {
                        ms[k][i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            byte[] one = CheckpointManager.encode(state(100, 1));
            StringBuilder b = new StringBuilder("{\"parameters\": 100, \"file_bytes\": " + one.length + ", \"saves\": "
                    + saves + ", \"stores\": {");
            for (int k = 0; k < 3; k++) {
                double[] v = ms[k].clone();
                Arrays.sort(v);
                b.append(String.format(
                        Locale.ROOT,
                        "%s\"%s\": {\"median_ms\": %.2f, \"p90_ms\": %.2f, \"min_ms\": %.2f}",
                        k == 0 ? "" : ", ",
                        names[k],
                        v[v.length / 2],
                        v[(int) Math.floor(0.9 * (v.length - 1))],
                        v[0]));
            }
            System.out.println(b.append("}}"));
        }
    }
}

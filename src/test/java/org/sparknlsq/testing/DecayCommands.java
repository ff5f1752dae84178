package org.sparknlsq.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command lines the process-level tests share: {@code generate} a decay data set
 * (3·exp(−1.3x) + 0.5, noise 0.02, x on [0, 5), seed 7) and {@code fit} it from (1, 1, 0); and
 * signals to processes.
 */
public final class DecayCommands {
    private DecayCommands() {}

    /** {@code generate} of {@code points} decay points into {@code files} Parquet files at {@code out}. */
    public static List<String> generate(int points, int files, String out) {
        return new ArrayList<>(List.of(
                "generate",
                "--model",
                "a*exp(-b*x)+c",
                "--params",
                "a=3,b=1.3,c=0.5",
                "--x-range",
                "0:5",
                "--n",
                Integer.toString(points),
                "--noise",
                "0.02",
                "--partitions",
                Integer.toString(files),
                "--seed",
                "7",
                "--out",
                out));
    }

    /** {@link #fit} on Spark's cached path: {@code --strategy large --partitions 4}, then {@code more}. */
    public static List<String> largeFit(String data, String... more) {
        List<String> a = fit(data, "--strategy", "large", "--partitions", "4");
        a.addAll(List.of(more));
        return a;
    }

    /** {@code fit} of the decay model to columns x, y and sigma of {@code data}, then {@code more}. */
    public static List<String> fit(String data, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "fit",
                "--data",
                data,
                "--x",
                "x",
                "--y",
                "y",
                "--sigma",
                "sigma",
                "--model",
                "a*exp(-b*x)+c",
                "--params",
                "a=1,b=1,c=0"));
        a.addAll(List.of(more));
        return a;
    }

    /** Sends {@code kill -SIG pid} (STOP, CONT, ...) and waits for kill to return. */
    public static void signal(long pid, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.sparknlsq.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.sparknlsq.optim.ProgressListener;

/**
 * One progress line on a terminal, rewritten in place ({@code \r}) at most every {@value
 * #INTERVAL_MS} ms, like Spark's console progress bar: a long fit shows that it is alive without
 * flooding a log. The first update waits the same interval, so a fit that ends quickly prints
 * nothing. {@link #finish()} clears the line.
 */
final class ConsoleProgress implements ProgressListener {
    static final long INTERVAL_MS = 300;

    private final PrintStream out;
    private final long started = System.nanoTime();
    private long lastPrint = System.nanoTime();
    private int width;

    ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void onProgress(String unit, long step, long total, Map<String, Object> metrics) {
        long now = System.nanoTime();
        if (now - lastPrint < INTERVAL_MS * 1_000_000L) {
            return;
        }
        lastPrint = now;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "[%6.1f s] %s %d", (now - started) / 1e9, unit, step));
        if (unit.equals("partition")) {
            b.append('/').append(total);
        }
        Object cost = metrics.get("cost");
        if (cost instanceof Double c) {
            b.append(String.format(Locale.ROOT, "  cost %.6e", c));
        }
        Object g = metrics.get("gradient_norm");
        if (g instanceof Double d) {
            b.append(String.format(Locale.ROOT, "  |g| %.2e", d));
        }
        String line = b.toString();
        out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        out.flush();
        width = line.length();
    }

    /** Clears the line if anything was printed. */
    synchronized void finish() {
        if (width > 0) {
            out.print("\r" + " ".repeat(width) + "\r");
            out.flush();
            width = 0;
        }
    }
}

package org.sparknlsq.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.sparknlsq.io.AtomicFile;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.optim.IterationRecord;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.FaultReport;

/**
 * A fit report people can look at: {@code fit-report.png} with four panels (the data and the
 * fitted curve, the normalized residuals, the convergence history, the partitions' status) and
 * {@code fit-report.html} with the image and the numbers. The data panels show a sample of at most
 * {@link #MAX_POINTS} points, evenly spaced along the data; both files are written atomically.
 * Charts: XChart, rendered headless.
 */
public final class FitReport {
    /** Points drawn in the data panels; the rest of a large data set is left out. */
    public static final int MAX_POINTS = 5_000;

    private static final int W = 640;
    private static final int H = 460;

    private FitReport() {}

    /**
     * Writes the PNG and the HTML page into {@code dir} (created if missing).
     *
     * @param sample the points to draw (any number; thinned to {@link #MAX_POINTS})
     * @return the PNG's path
     */
    public static Path write(Path dir, FitProblem problem, FitResult r, DataBlock sample) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        DataBlock d = thin(sample, MAX_POINTS);
        BufferedImage[] panels = {
            BitmapEncoder.getBufferedImage(dataChart(problem.model(), r, d)),
            BitmapEncoder.getBufferedImage(residualChart(problem.model(), r, d)),
            BitmapEncoder.getBufferedImage(historyChart(r)),
            BitmapEncoder.getBufferedImage(partitionChart(r.faults()))
        };
        BufferedImage all = new BufferedImage(2 * W, 2 * H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 2 * W, 2 * H);
        for (int i = 0; i < 4; i++) {
            g.drawImage(panels[i], (i % 2) * W, (i / 2) * H, null);
        }
        g.dispose();
        Path png = dir.resolve("fit-report.png");
        AtomicFile.write(png, out -> ImageIO.write(all, "png", out));
        byte[] html = html(problem, r).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(dir.resolve("fit-report.html"), (OutputStream out) -> out.write(html));
        return png;
    }

    /** Every k-th point so that at most {@code max} remain, in data order. */
    public static DataBlock thin(DataBlock b, int max) {
        return thin(List.of(b), max);
    }

    /**
     * {@link #thin(DataBlock, int)} of consecutive blocks as if joined, taking the points block by
     * block, so data of any size is never copied whole for a report.
     */
    public static DataBlock thin(List<DataBlock> blocks, int max) {
        DataBlock b0 = blocks.get(0);
        long n = 0;
        for (DataBlock b : blocks) {
            n += b.size();
        }
        if (n <= max) {
            return blocks.size() == 1
                    ? b0
                    : DataBlock.concat(blocks, b0.variables(), b0.sigma() != null, b0.firstIndex());
        }
        int k = b0.variables();
        double[] x = new double[max * k];
        double[] y = new double[max];
        double[] s = b0.sigma() == null ? null : new double[max];
        int block = 0;
        long blockStart = 0;
        for (int j = 0; j < max; j++) {
            long i = (long) j * n / max;
            while (i >= blockStart + blocks.get(block).size()) {
                blockStart += blocks.get(block++).size();
            }
            DataBlock b = blocks.get(block);
            int at = (int) (i - blockStart);
            System.arraycopy(b.x(), at * k, x, j * k, k);
            y[j] = b.y()[at];
            if (s != null) {
                s[j] = b.sigma()[at];
            }
        }
        return new DataBlock(x, y, s, k, b0.firstIndex());
    }

    private static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder()
                .width(W)
                .height(H)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendVisible(true);
        c.getStyler().setMarkerSize(3);
        return c;
    }

    private static double[] fitted(CurveModel m, double[] p, DataBlock d) {
        double[] f = new double[d.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = m.value(p, d.x(), i * d.variables(), null, 0);
        }
        return f;
    }

    private static XYChart dataChart(CurveModel m, FitResult r, DataBlock d) {
        if (m.variableCount() == 1 && d.size() > 0) {
            XYChart c = xy("Data and fit", m.variableNames().get(0), "y");
            c.addSeries("data", d.x(), d.y()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : d.x()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            int n = 400;
            double[] gx = new double[n];
            for (int i = 0; i < n; i++) {
                gx[i] = lo + (hi - lo) * i / (n - 1);
            }
            double[] gy = fitted(m, r.parameters(), new DataBlock(gx, new double[n], null, 1, 0));
            XYSeries s = c.addSeries("fit", gx, gy);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.RED);
            return c;
        }
        // several variables: fitted against measured
        XYChart c = xy("Measured against fitted", "fitted", "measured");
        if (d.size() > 0) {
            c.addSeries("points", fitted(m, r.parameters(), d), d.y())
                    .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        } else {
            c.addSeries("no data", new double[] {0}, new double[] {0});
        }
        return c;
    }

    private static XYChart residualChart(CurveModel m, FitResult r, DataBlock d) {
        boolean oneVar = m.variableCount() == 1;
        XYChart c = xy(
                "Normalized residuals (y - f)/sigma", oneVar ? m.variableNames().get(0) : "point", "residual");
        if (d.size() == 0) {
            c.addSeries("no data", new double[] {0}, new double[] {0});
            return c;
        }
        double[] f = fitted(m, r.parameters(), d);
        List<Double> xs = new ArrayList<>();
        List<Double> rs = new ArrayList<>();
        for (int i = 0; i < f.length; i++) {
            double res = (d.y()[i] - f[i]) / (d.sigma() == null ? 1.0 : d.sigma()[i]);
            if (Double.isFinite(res)) {
                xs.add(oneVar ? d.x()[i] : i);
                rs.add(res);
            }
        }
        if (xs.isEmpty()) {
            xs.add(0.0);
            rs.add(0.0);
        }
        c.addSeries("residuals", xs, rs).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        return c;
    }

    private static XYChart historyChart(FitResult r) {
        XYChart c = xy("Convergence", "iteration", "cost");
        List<Double> it = new ArrayList<>();
        List<Double> cost = new ArrayList<>();
        it.add(0.0);
        cost.add(r.initialCost());
        for (IterationRecord h : r.history()) {
            it.add((double) h.iteration());
            cost.add(h.cost());
        }
        boolean positive = cost.stream().allMatch(v -> v > 0 && Double.isFinite(v));
        c.getStyler().setYAxisLogarithmic(positive);
        if (!positive) {
            cost.replaceAll(v -> Double.isFinite(v) ? v : 0.0);
        }
        c.addSeries("cost", it, cost);
        return c;
    }

    private static CategoryChart partitionChart(FaultReport f) {
        CategoryChart c = new CategoryChartBuilder()
                .width(W)
                .height(H)
                .title(f == null ? "Partitions (fault tolerance off)" : "Partitions")
                .xAxisTitle("partition")
                .yAxisTitle("")
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setStacked(true);
        c.getStyler().setYAxisTicksVisible(false);
        int n = f == null ? 1 : Math.max(1, f.partitions());
        List<Integer> ids = new ArrayList<>();
        List<Integer> ok = new ArrayList<>();
        List<Integer> retried = new ArrayList<>();
        List<Integer> excluded = new ArrayList<>();
        java.util.Set<Integer> ex = new java.util.HashSet<>();
        if (f != null) {
            f.excludedPartitions().forEach(e -> ex.add(e.partition()));
        }
        for (int i = 0; i < n; i++) {
            ids.add(i);
            boolean isExcluded = ex.contains(i);
            boolean failed = f != null && f.failedBatches().contains(i);
            excluded.add(isExcluded ? 1 : 0);
            retried.add(!isExcluded && failed ? 1 : 0);
            ok.add(!isExcluded && !failed ? 1 : 0);
        }
        c.addSeries("succeeded", ids, ok).setFillColor(new Color(0x2e, 0x8b, 0x57));
        c.addSeries("failed, kept", ids, retried).setFillColor(new Color(0xff, 0xa5, 0x00));
        c.addSeries("excluded", ids, excluded).setFillColor(new Color(0xc0, 0x39, 0x2b));
        return c;
    }

    private static String html(FitProblem problem, FitResult r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>spark-nlsq fit report</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 12px;text-align:left}")
                .append("</style></head><body>\n<h1>Fit report</h1>\n<p>")
                .append(escape(problem.model().describe()))
                .append("</p>\n<p><b>")
                .append(r.success() ? "success" : "not a success")
                .append("</b>: ")
                .append(escape(r.message()))
                .append("</p>\n<table><tr><th>parameter</th><th>value</th><th>uncertainty</th></tr>\n");
        for (int i = 0; i < r.parameters().length; i++) {
            b.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%s</td><td>%.12g</td><td>%.4g</td></tr>%n",
                    escape(r.parameterNames().get(i)),
                    r.parameters()[i],
                    r.uncertainties()[i]));
        }
        b.append(String.format(
                Locale.ROOT,
                "</table>%n<p>%d points, %d iterations, %d data passes, strategy %s, reduced chi-squared %.6g",
                r.points(),
                r.iterations(),
                r.dataPasses(),
                escape(r.strategy()),
                r.reducedChiSquared()));
        if (r.faults() != null) {
            b.append(String.format(
                    Locale.ROOT,
                    "; batch success rate %.3f, %d of %d partitions excluded",
                    r.faults().batchSuccessRate(),
                    r.faults().excludedPartitions().size(),
                    r.faults().partitions()));
        }
        b.append(".</p>\n<img src=\"fit-report.png\" alt=\"data and fit, residuals, convergence, partitions\">\n")
                .append("</body></html>\n");
        return b.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** For callers without checked exceptions (notebooks). */
    public static Path writeUnchecked(Path dir, FitProblem problem, FitResult r, DataBlock sample) {
        try {
            return write(dir, problem, r, sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.sparknlsq.report;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.expr.ExpressionModel;
import org.sparknlsq.optim.CurveFitter;
import org.sparknlsq.optim.FitMonitor;
import org.sparknlsq.optim.FitOptions;
import org.sparknlsq.optim.FitResult;
import org.sparknlsq.problem.FitProblem;

/** The report of a fit with two excluded partitions: a PNG that decodes and shows what it should. */
class FitReportTest {
    @TempDir
    Path dir;

    @Test
    void thePngDecodesAndShowsTheFitAndTheExcludedPartitions() throws Exception {
        CurveModel m = ExpressionModel.compile("a*exp(-b*x) + c*sqrt(x-2)", List.of("x"), List.of("a", "b", "c"));
        Random r = new Random(4);
        List<DataBlock> blocks = new ArrayList<>();
        int per = 2_000;
        for (int b = 0; b < 10; b++) {
            double[] x = new double[per];
            double[] y = new double[per];
            for (int i = 0; i < per; i++) {
                x[i] = 10.0 * (b * per + i) / (10 * per);
                y[i] = 3 * Math.exp(-0.5 * x[i])
                        + (x[i] >= 2 ? 0.7 * Math.sqrt(x[i] - 2) : 0)
                        + 0.02 * r.nextGaussian();
            }
            blocks.add(new DataBlock(x, y, null, 1, (long) b * per));
        }
        FitProblem problem = FitProblem.of(m, 2.0, 0.3, 1.0);
        FitResult fit = CurveFitter.fit(
                problem,
                new LocalSource(new BlockKernel(m, problem.loss(), problem.fScale()), blocks, 16_384, null),
                FitOptions.defaults(),
                FitMonitor.NONE,
                "STANDARD");
        assertEquals(2, fit.faults().excludedPartitions().size());
        DataBlock all = DataBlock.concat(blocks, 1, false, 0);
        Path png = FitReport.write(dir, problem, fit, all);

        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "a PNG that decodes");
        assertEquals(1280, img.getWidth());
        assertEquals(920, img.getHeight());
        Set<Integer> colors = new HashSet<>();
        int red = 0;
        int excludedBars = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                red += rgb == 0xff0000 ? 1 : 0;
                excludedBars += rgb == 0xc0392b ? 1 : 0;
            }
        }
        assertTrue(colors.size() > 20, "content, not a blank image: " + colors.size() + " colors");
        assertTrue(red > 50, "the fitted curve is drawn in red: " + red);
        assertTrue(excludedBars > 50, "the excluded partitions' bars are drawn: " + excludedBars);
        String html = Files.readString(dir.resolve("fit-report.html"));
        assertTrue(html.contains("<img src=\"fit-report.png\""), html);
        assertTrue(html.contains("2 of 10 partitions excluded"), html);
        assertEquals(
                FitReport.MAX_POINTS, FitReport.thin(all, FitReport.MAX_POINTS).size());
        // thinning the blocks picks the very points thinning them joined does
        for (int max : new int[] {FitReport.MAX_POINTS, 7, all.size(), all.size() + 1}) {
            DataBlock joined = FitReport.thin(all, max);
            DataBlock byBlock = FitReport.thin(blocks, max);
            assertArrayEquals(joined.x(), byBlock.x(), 0.0);
            assertArrayEquals(joined.y(), byBlock.y(), 0.0);
            assertEquals(joined.firstIndex(), byBlock.firstIndex());
        }
    }
}

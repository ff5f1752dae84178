package org.sparknlsq.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sparknlsq.kernel.BlockKernel;
import org.sparknlsq.kernel.DataBlock;
import org.sparknlsq.kernel.LocalSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.expr.ExpressionModel;
import org.sparknlsq.optim.streaming.LocalBatchedSource;
import org.sparknlsq.optim.streaming.StreamingFitter;
import org.sparknlsq.optim.streaming.StreamingOptions;
import org.sparknlsq.problem.FitProblem;
import org.sparknlsq.robust.ConvergenceException;
import org.sparknlsq.robust.FaultReport;
import org.sparknlsq.robust.FaultTolerance;
import org.sparknlsq.robust.FitException;

/** Failing partitions on the local source: exclusion, success rate, retries and recovery actions. */
class FaultToleranceTest {
    static final int PARTITIONS = 10;
    static final int PER = 2_000;

    /** x sorted in [0, 10), 10 equal partitions; y = 3e^(−0.5x) + 0.7√(x−2) + noise where x ≥ 2. */
    static List<DataBlock> blocks() {
        return blocks(true);
    }

    /** As {@link #blocks()}; without the square-root term, y = 3e^(−0.5x) + 0.7 + noise everywhere. */
    static List<DataBlock> blocks(boolean sqrtTerm) {
        java.util.Random r = new java.util.Random(7);
        List<DataBlock> out = new ArrayList<>();
        for (int b = 0; b < PARTITIONS; b++) {
            double[] x = new double[PER];
            double[] y = new double[PER];
            for (int i = 0; i < PER; i++) {
                x[i] = 10.0 * (b * PER + i) / (PARTITIONS * PER);
                double extra = sqrtTerm ? (x[i] >= 2 ? 0.7 * Math.sqrt(x[i] - 2) : 0) : 0.7;
                y[i] = 3 * Math.exp(-0.5 * x[i]) + extra + 0.01 * r.nextGaussian();
            }
            out.add(new DataBlock(x, y, null, 1, (long) b * PER));
        }
        return out;
    }

    static final CurveModel SQRT_MODEL =
            ExpressionModel.compile("a*exp(-b*x) + c*sqrt(x-2)", List.of("x"), List.of("a", "b", "c"));

    static FitResult fit(CurveModel model, List<DataBlock> blocks, FitOptions o) {
        FitProblem problem = FitProblem.of(model, 2.0, 0.3, 1.0);
        BlockKernel k = new BlockKernel(model, problem.loss(), problem.fScale());
        return CurveFitter.fit(
                problem, new LocalSource(k, blocks, LocalSource.DEFAULT_CHUNK_SIZE, null), o, FitMonitor.NONE, "TEST");
    }

    @Test
    void poisonedPartitionsAreExcludedAndTheAnswerIsThatOfTheValidRowsAlone() {
        // x < 2 makes sqrt(x-2) NaN: partitions 0 and 1 (20% of the rows)
        FitResult r = fit(SQRT_MODEL, blocks(), FitOptions.defaults());
        FitResult valid = fit(SQRT_MODEL, blocks().subList(2, PARTITIONS), FitOptions.defaults());
        assertTrue(r.success(), r.message());
        assertArrayEquals(valid.parameters(), r.parameters(), "same sums in the same order: the same bits");
        FaultReport f = r.faults();
        assertEquals(List.of(0, 1), f.failedBatches());
        assertEquals(2, f.excludedPartitions().size());
        assertEquals(2L * PER, f.excludedPoints());
        assertEquals(0.2, f.excludedFraction(), 1e-15);
        assertEquals("NonFiniteValue", f.excludedPartitions().get(0).errorType());
        assertTrue(f.excludedPartitions().get(0).message().contains("first at data row 0"), f.toString());
        // two retries in place each, then excluded
        assertEquals(2, f.retryCounts().get(0));
        assertEquals(4, f.totalRetries());
        assertEquals(6L, f.errorTypes().get("NonFiniteValue"));
        assertTrue(f.batchSuccessRate() > 0.5 && f.batchSuccessRate() < 0.8, "rate " + f.batchSuccessRate());
        assertEquals(r.points(), 8L * PER);
        assertEquals(2L * PER, r.invalidPoints());
    }

    @Test
    void mostlyPoisonedDataIsNotASuccessButKeepsFiniteBestParameters() {
        List<DataBlock> blocks = blocks();
        // shift x so that 80% of it lies below 2
        List<DataBlock> shifted = new ArrayList<>();
        for (DataBlock b : blocks) {
            double[] x = b.x().clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = x[i] * 0.25;
            }
            shifted.add(new DataBlock(x, b.y(), null, 1, b.firstIndex()));
        }
        FitResult r = fit(SQRT_MODEL, shifted, FitOptions.defaults());
        assertFalse(r.success());
        assertTrue(r.termination().converged(), "the rest of the data converged: " + r.termination());
        for (double v : r.parameters()) {
            assertTrue(Double.isFinite(v));
        }
        assertEquals(8, r.faults().excludedPartitions().size());
        assertTrue(r.faults().batchSuccessRate() < 0.5);
        assertTrue(r.message().startsWith("only "), r.message());
        assertTrue(r.message().contains("8 of 10 partitions excluded, 80.0% of the points"), r.message());
    }

    /** Parameters a, b, c of one variable x. */
    interface AbcModel extends CurveModel {
        @Override
        default List<String> parameterNames() {
            return List.of("a", "b", "c");
        }

        @Override
        default List<String> variableNames() {
            return List.of("x");
        }
    }

    /** Throws in the listed partitions (by the data row's partition), everywhere. */
    record Throwing(int[] bad, boolean convergence) implements AbcModel {
        @Override
        public double value(double[] p, double[] x, int off, double[] jac, int jo) {
            int part = (int) (x[off] / 10.0 * PARTITIONS);
            for (int b : bad) {
                if (b == part) {
                    if (convergence) {
                        throw new ConvergenceException("inner solve did not converge", java.util.Map.of());
                    }
                    throw new ArithmeticException("poisoned partition " + part);
                }
            }
            return expDecay(p, x[off], jac, jo);
        }
    }

    static double expDecay(double[] p, double x, double[] jac, int jo) {
        double e = Math.exp(-p[1] * x);
        if (jac != null) {
            jac[jo] = e;
            jac[jo + 1] = -p[0] * x * e;
            jac[jo + 2] = 1;
        }
        return p[0] * e + p[2];
    }

    static int[] first(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Test
    void failureRatesOfTenFiftyAndNinetyPercent() {
        FitResult ten = fit(new Throwing(first(1), false), blocks(false), FitOptions.defaults());
        FitResult fifty = fit(new Throwing(first(5), false), blocks(false), FitOptions.defaults());
        FitResult ninety = fit(new Throwing(first(9), false), blocks(false), FitOptions.defaults());
        assertTrue(ten.success(), ten.message());
        assertEquals(1, ten.faults().excludedPartitions().size());
        assertEquals(
                "ArithmeticException", ten.faults().excludedPartitions().get(0).errorType());
        assertEquals(
                "poisoned partition 0", ten.faults().excludedPartitions().get(0).message());
        // 50%: the retries at the start are failed batches too, so the rate is just below 0.5
        assertTrue(fifty.faults().batchSuccessRate() < 0.5);
        assertFalse(fifty.success());
        assertTrue(fifty.termination().converged());
        assertFalse(ninety.success());
        assertTrue(
                ninety.faults().batchSuccessRate() < 0.15,
                "rate " + ninety.faults().batchSuccessRate());
        assertEquals(9, ninety.faults().excludedPartitions().size());
        for (double v : ninety.parameters()) {
            assertTrue(Double.isFinite(v));
        }
        assertTrue(ninety.message().contains("9 of 10 partitions excluded"), ninety.message());
    }

    @Test
    void everyPartitionFailingIsAClearError() {
        FitException e = assertThrows(
                FitException.class,
                () -> fit(new Throwing(first(PARTITIONS), false), blocks(false), FitOptions.defaults()));
        assertTrue(
                e.getMessage().startsWith("every partition failed; the first, partition 0: ArithmeticException"),
                e.getMessage());
    }

    /** Fails once in partition 3 (its first evaluation), then works: a transient fault. */
    static final class Flaky implements AbcModel {
        final AtomicBoolean failed = new AtomicBoolean();

        @Override
        public double value(double[] p, double[] x, int off, double[] jac, int jo) {
            if ((int) (x[off] / 10.0 * PARTITIONS) == 3 && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("transient");
            }
            return expDecay(p, x[off], jac, jo);
        }
    }

    @Test
    void aTransientFailureIsRetriedInPlaceAndChangesNothing() {
        FitResult flaky = fit(new Flaky(), blocks(false), FitOptions.defaults());
        FitResult clean = fit(new Throwing(new int[0], false), blocks(false), FitOptions.defaults());
        assertTrue(flaky.success());
        assertArrayEquals(clean.parameters(), flaky.parameters());
        FaultReport f = flaky.faults();
        assertEquals(List.of(), f.excludedPartitions());
        assertEquals(List.of(3), f.failedBatches());
        assertEquals(1, f.totalRetries());
        assertEquals("retry_in_place", f.recoveryActions().get(0).action());
        assertEquals(List.of(3), f.recoveryActions().get(0).partitions());
        assertEquals(1L, f.errorTypes().get("IllegalStateException"));
    }

    /**
     * Fine at the start parameters; partition 5 fails at the first trial point and from then on
     * everywhere (a partition that broke during the fit).
     */
    static final class BreaksAfterStart implements AbcModel {
        final double[] start;
        final boolean convergence;
        final AtomicBoolean broken = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();

        BreaksAfterStart(double[] start, boolean convergence) {
            this.start = start;
            this.convergence = convergence;
        }

        @Override
        public double value(double[] p, double[] x, int off, double[] jac, int jo) {
            if ((int) (x[off] / 10.0 * PARTITIONS) == 5 && (broken.get() || !java.util.Arrays.equals(p, start))) {
                broken.set(true);
                if (convergence) {
                    throw new ConvergenceException("no convergence", java.util.Map.of());
                }
                return Double.NaN;
            }
            return expDecay(p, x[off], jac, jo);
        }
    }

    @Test
    void numericalRecoveryShrinksTheRadiusThenTightensTheBoundsThenExcludes() {
        double[] start = {2.0, 0.3, 1.0};
        FitResult r = fit(new BreaksAfterStart(start, false), blocks(false), FitOptions.defaults());
        List<FaultReport.Recovery> actions = r.faults().recoveryActions();
        assertEquals(
                List.of("shrink_trust_radius", "tighten_bounds", "check_at_current"),
                actions.stream().map(FaultReport.Recovery::action).toList());
        // the radius halves exactly
        String[] radius = actions.get(0).detail().replace("trust radius ", "").split(" -> ");
        assertEquals(Double.parseDouble(radius[0]) / 2, Double.parseDouble(radius[1]));
        // unbounded parameters: x ± 0.9·max(|x|, 1) around the start
        StringBuilder expected = new StringBuilder("bounds ");
        for (int i = 0; i < 3; i++) {
            double half = 0.5 * 0.9 * (2 * Math.max(Math.abs(start[i]), 1));
            expected.append(i == 0 ? "" : ", ")
                    .append('[')
                    .append(start[i] - half)
                    .append(", ")
                    .append(start[i] + half)
                    .append(']');
        }
        assertEquals(expected.toString(), actions.get(1).detail());
        assertEquals(
                "bounds [0.19999999999999996, 3.8], [-0.6000000000000001, 1.2], [0.09999999999999998, 1.9]",
                expected.toString(),
                "x ± 0.9·max(|x|, 1) for (2, 0.3, 1)");
        assertEquals(List.of(5), actions.get(0).partitions());
        assertEquals(
                List.of(5),
                r.faults().excludedPartitions().stream()
                        .map(FaultReport.Excluded::partition)
                        .toList());
        assertTrue(r.success(), r.message());
        // without partition 5 the fit still finds the generating parameters of the exponential part
        List<DataBlock> without = new ArrayList<>(blocks(false));
        without.remove(5);
        FitResult ref = fit(new Throwing(new int[0], false), without, FitOptions.defaults());
        for (int i = 0; i < 3; i++) {
            assertEquals(ref.parameters()[i], r.parameters()[i], 1e-8 * Math.abs(ref.parameters()[i]));
        }
    }

    @Test
    void aThirdRetryRescalesFromTheColumnNorms() {
        double[] start = {2.0, 0.3, 1.0};
        FitOptions o = FitOptions.defaults()
                .withFaultTolerance(FaultTolerance.defaults().withMaxRetriesPerBatch(3));
        FitResult r = fit(new BreaksAfterStart(start, false), blocks(false), o);
        List<FaultReport.Recovery> actions = r.faults().recoveryActions();
        assertEquals(
                List.of("shrink_trust_radius", "tighten_bounds", "rescale", "check_at_current"),
                actions.stream().map(FaultReport.Recovery::action).toList());
        assertTrue(
                actions.get(2).detail().startsWith("scale from column norms ["),
                actions.get(2).detail());
        assertEquals(3, r.faults().retryCounts().get(5) - 1, "three recovery retries and the check");
        assertTrue(r.success(), r.message());
    }

    @Test
    void convergenceRecoveryPerturbsThenRaisesTheLimits() {
        double[] start = {2.0, 0.3, 1.0};
        FitResult r = fit(new BreaksAfterStart(start, true), blocks(false), FitOptions.defaults());
        List<FaultReport.Recovery> actions = r.faults().recoveryActions();
        assertEquals(
                List.of("perturb_parameters", "increase_iterations", "check_at_current"),
                actions.stream().map(FaultReport.Recovery::action).toList());
        assertEquals("ConvergenceException", actions.get(0).errorType());
        assertEquals(
                "max iterations 1000 -> 1500, max evaluations 800 -> 1200",
                actions.get(1).detail());
        assertTrue(r.success(), r.message());
    }

    @Test
    void perturbationsAreSeededAndDifferOnEachRetry() {
        double[] start = {2.0, 0.3, 1.0};
        FitOptions o = FitOptions.defaults()
                .withFaultTolerance(FaultTolerance.defaults().withMaxRetriesPerBatch(3));
        FitResult a = fit(new BreaksAfterStart(start, true), blocks(false), o);
        FitResult b = fit(new BreaksAfterStart(start, true), blocks(false), o);
        String first = a.faults().recoveryActions().get(0).detail();
        assertEquals(first, b.faults().recoveryActions().get(0).detail(), "same seed, same direction");
        FitResult c = fit(
                new BreaksAfterStart(start, true),
                blocks(false),
                o.withFaultTolerance(o.faultTolerance().withSeed(9)));
        assertNotEquals(first, c.faults().recoveryActions().get(0).detail(), "another seed, another direction");
        assertEquals("relax_tolerance", a.faults().recoveryActions().get(2).action());
        assertEquals(
                "ftol 1.0e-15 -> 1.0e-14, xtol 1.0e-15 -> 1.0e-14, gtol 1.0e-15 -> 1.0e-14",
                a.faults().recoveryActions().get(2).detail());
    }

    @Test
    void fastModeKeepsTheOldBehaviour() {
        FitOptions fast = FitOptions.defaults().withFaultTolerance(FaultTolerance.fast());
        FitResult clean = fit(new Throwing(new int[0], false), blocks(false), fast);
        assertNull(clean.faults());
        assertTrue(clean.success());
        assertThrows(ArithmeticException.class, () -> fit(new Throwing(first(1), false), blocks(false), fast));
        FitResult ft = fit(new Throwing(new int[0], false), blocks(false), FitOptions.defaults());
        assertArrayEquals(clean.parameters(), ft.parameters(), 1e-13);
    }

    static FitResult stream(CurveModel model, List<DataBlock> blocks) {
        FitProblem problem = FitProblem.of(model, 2.0, 0.3, 1.0);
        BlockKernel k = new BlockKernel(model, problem.loss(), problem.fScale());
        return StreamingFitter.fit(
                        problem,
                        LocalBatchedSource.ofBlocks(k, blocks),
                        FitOptions.defaults(),
                        StreamingOptions.defaults(),
                        FitMonitor.NONE)
                .fit();
    }

    @Test
    void streamingExcludesPoisonedBatchesAndReachesTheValidRowsOptimum() {
        FitResult r = stream(SQRT_MODEL, blocks());
        FitResult valid = fit(SQRT_MODEL, blocks().subList(2, PARTITIONS), FitOptions.defaults());
        assertTrue(r.success(), r.message());
        assertEquals("STREAMING", r.strategy());
        assertEquals(
                List.of(0, 1),
                r.faults().excludedPartitions().stream()
                        .map(FaultReport.Excluded::partition)
                        .toList());
        for (int i = 0; i < 3; i++) {
            assertEquals(valid.parameters()[i], r.parameters()[i], 1e-8 * Math.abs(valid.parameters()[i]));
        }
        // skipped batches count against the rate in the streaming phase too
        assertTrue(r.faults().batchesSkipped() > 0);
        assertTrue(r.faults().batchSuccessRate() < 0.85, "rate " + r.faults().batchSuccessRate());
    }

    @Test
    void streamingSkipsABatchThatBreaksMidFitAndTheExactPhaseExcludesIt() {
        double[] start = {2.0, 0.3, 1.0};
        FitResult r = stream(new BreaksAfterStart(start, false), blocks(false));
        assertTrue(r.success(), r.message());
        assertEquals(
                List.of(5),
                r.faults().excludedPartitions().stream()
                        .map(FaultReport.Excluded::partition)
                        .toList());
        List<DataBlock> without = new ArrayList<>(blocks(false));
        without.remove(5);
        FitResult ref = fit(new Throwing(new int[0], false), without, FitOptions.defaults());
        for (int i = 0; i < 3; i++) {
            assertEquals(ref.parameters()[i], r.parameters()[i], 1e-8 * Math.abs(ref.parameters()[i]));
        }
    }
}

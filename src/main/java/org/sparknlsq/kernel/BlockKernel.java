package org.sparknlsq.kernel;

import java.io.Serializable;
import java.util.Iterator;
import java.util.function.Supplier;
import org.sparknlsq.kernel.PartitionOutcome.Category;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.problem.Loss;
import org.sparknlsq.robust.ConvergenceException;
import org.sparknlsq.robust.NumericalException;

/**
 * The per-point hot loop: model value and Jacobian row, weighting by 1/σ, robust-loss rescaling,
 * and the accumulator update. Runs on primitive arrays only and allocates once per block.
 *
 * <p>Residual convention (scipy {@code curve_fit}): {@code r = (f(x; p) − y) / σ}.
 */
public final class BlockKernel implements Serializable {
    /** Below this the robust Jacobian scale is clipped (scipy uses machine epsilon). */
    private static final double EPS = Math.ulp(1.0);

    /** Points per blocked update of the normal equations: the columns stay in L1 (q·64·8 bytes). */
    static final int BATCH = 64;

    private final CurveModel model;
    private final Loss loss;
    private final double fScale;

    public BlockKernel(CurveModel model, Loss loss, double fScale) {
        this.model = model;
        this.loss = loss;
        this.fScale = fScale;
    }

    public CurveModel model() {
        return model;
    }

    /**
     * Adds rows [from, to) of {@code block} at parameters {@code p} to {@code acc} (Modified).
     * Points whose value, derivative or weight is not finite are recorded as invalid and skipped.
     */
    public void accumulate(double[] p, DataBlock block, int from, int to, Accumulator acc) {
        int np = model.parameterCount();
        int k = block.variables();
        double[] x = block.x();
        double[] y = block.y();
        double[] sigma = block.sigma();
        double[] row = new double[np + 1];
        double[] rho = new double[3];
        boolean withJac = acc.kind() != Accumulator.Kind.COST;
        // NORMAL: rows are gathered column-wise, BATCH points at a time, for the blocked update
        boolean batched = acc.kind() == Accumulator.Kind.NORMAL;
        double[] cols = batched ? new double[BATCH * (np + 1)] : null;
        double[] costs = batched ? new double[BATCH] : null;
        int held = 0;
        boolean linear = loss == Loss.LINEAR;
        double c2 = fScale * fScale;
        for (int i = from; i < to; i++) {
            double f = model.value(p, x, i * k, withJac ? row : null, 0);
            double w = sigma == null ? 1.0 : 1.0 / sigma[i];
            double r = (f - y[i]) * w;
            boolean finite = Double.isFinite(r);
            if (withJac) {
                for (int j = 0; j < np; j++) {
                    double d = row[j] * w;
                    row[j] = d;
                    finite &= Double.isFinite(d);
                }
            }
            if (!finite) {
                acc.addInvalid(block.firstIndex() + i);
                continue;
            }
            double pointCost;
            if (linear) {
                pointCost = 0.5 * r * r;
            } else {
                // scipy scale_for_robust_loss_function: J *= sqrt(ρ' + 2ρ''z), r *= ρ'/that
                double z = (r * r) / c2;
                loss.evaluate(z, rho);
                pointCost = 0.5 * c2 * rho[0];
                if (withJac) {
                    double js = rho[1] + 2.0 * rho[2] * z;
                    js = Math.sqrt(js < EPS ? EPS : js);
                    r *= rho[1] / js;
                    for (int j = 0; j < np; j++) {
                        row[j] *= js;
                    }
                }
            }
            row[np] = r;
            if (batched) {
                for (int j = 0; j <= np; j++) {
                    cols[j * BATCH + held] = row[j];
                }
                costs[held] = pointCost;
                if (++held == BATCH) {
                    acc.addBatch(cols, BATCH, held, costs);
                    held = 0;
                }
            } else {
                acc.add(row, pointCost);
            }
        }
        if (held > 0) {
            acc.addBatch(cols, BATCH, held, costs);
        }
    }

    /**
     * Accumulates a whole block on the calling thread in chunks of {@code chunkSize} points, each
     * into its own accumulator, merged in chunk order: the sequential form of {@link LocalSource}'s
     * pass, used for one Spark partition. Summing a million points into one accumulator would lose
     * more to rounding than summing sixteen thousand and then adding the partial sums.
     */
    public Accumulator accumulate(double[] p, DataBlock block, Accumulator.Kind kind, int chunkSize) {
        return accumulate(p, block, kind, chunkSize, () -> {});
    }

    /**
     * As {@link #accumulate(double[], DataBlock, Accumulator.Kind, int)}, running {@code
     * beforeChunk} before every chunk: a Spark task passes its kill check there, so a cancelled
     * pass frees the core within one chunk (~0.4 ms) instead of at the end of the partition.
     */
    public Accumulator accumulate(
            double[] p, DataBlock block, Accumulator.Kind kind, int chunkSize, Runnable beforeChunk) {
        int np = model.parameterCount();
        Accumulator total = new Accumulator(kind, np);
        for (int from = 0; from < block.size(); from += chunkSize) {
            beforeChunk.run();
            int to = Math.min(block.size(), from + chunkSize);
            Accumulator a = new Accumulator(kind, np);
            accumulate(p, block, from, to, a);
            total.merge(a);
        }
        return total;
    }

    /**
     * One partition's pass with its failures caught: the sums of all its blocks, or, if the model
     * threw or gave a non-finite value anywhere in the partition, the reason. The partition is
     * all or nothing, so a failed one contributes no point. Exceptions thrown by {@code
     * beforeChunk} (a task kill) and by the block iterator (reading the data) are not the model's:
     * they propagate, and Spark retries the task.
     */
    public PartitionOutcome accumulatePartition(
            int partition,
            double[] p,
            Iterator<DataBlock> blocks,
            Accumulator.Kind kind,
            int chunkSize,
            Runnable beforeChunk) {
        Runnable guardedCheck = () -> {
            try {
                beforeChunk.run();
            } catch (RuntimeException e) {
                throw new Passthrough(e);
            }
        };
        return guarded(partition, () -> {
            Accumulator total = new Accumulator(kind, model.parameterCount());
            while (true) {
                DataBlock b;
                try {
                    if (!blocks.hasNext()) {
                        return total;
                    }
                    b = blocks.next();
                } catch (RuntimeException e) {
                    throw new Passthrough(e);
                }
                total.merge(accumulate(p, b, kind, chunkSize, guardedCheck));
            }
        });
    }

    /**
     * Runs {@code work} (the accumulation of partition {@code partition}, or of a piece of it) and
     * turns what the model does wrong into a failed outcome: an exception thrown by the model or
     * the loss, or sums with a non-finite point or an overflow.
     */
    public static PartitionOutcome guarded(int partition, Supplier<Accumulator> work) {
        long t0 = System.nanoTime();
        Accumulator a;
        try {
            a = work.get();
        } catch (Passthrough e) {
            throw e.signal();
        } catch (RuntimeException | StackOverflowError e) {
            // a runaway recursion in a user's model is the model's failure, not the JVM's
            Category c = e instanceof ArithmeticException || e instanceof NumericalException
                    ? Category.NUMERICAL
                    : e instanceof ConvergenceException ? Category.CONVERGENCE : Category.OTHER;
            String msg = e.getMessage() == null
                    ? ""
                    : e.getMessage().lines().findFirst().orElse("");
            return new PartitionOutcome(
                    partition, null, e.getClass().getSimpleName(), c, msg, -1, 0, System.nanoTime() - t0);
        }
        long nanos = System.nanoTime() - t0;
        if (a.invalidCount() > 0) {
            return new PartitionOutcome(
                    partition,
                    null,
                    PartitionOutcome.NON_FINITE,
                    Category.NUMERICAL,
                    "model value or derivative not finite for " + a.invalidCount() + " point(s), first at data row "
                            + a.firstInvalidIndex(),
                    a.firstInvalidIndex(),
                    a.invalidCount(),
                    nanos);
        }
        if (!a.finite()) {
            return new PartitionOutcome(
                    partition,
                    null,
                    PartitionOutcome.NON_FINITE,
                    Category.NUMERICAL,
                    "the partition's sums overflowed",
                    -1,
                    0,
                    nanos);
        }
        return new PartitionOutcome(partition, a, null, null, null, -1, 0, nanos);
    }

    /** Carries an exception that is not the model's (a task kill, a read error) past the catch. */
    private static final class Passthrough extends RuntimeException {
        Passthrough(RuntimeException signal) {
            super(signal);
        }

        RuntimeException signal() {
            return (RuntimeException) getCause();
        }
    }
}

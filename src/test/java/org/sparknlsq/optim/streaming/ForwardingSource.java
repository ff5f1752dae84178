package org.sparknlsq.optim.streaming;

import org.sparknlsq.kernel.Accumulator;

/** A {@link BatchedSource} that forwards to another; tests override one method to observe or cut in. */
class ForwardingSource implements BatchedSource {
    private final BatchedSource inner;

    ForwardingSource(BatchedSource inner) {
        this.inner = inner;
    }

    @Override
    public int batchCount() {
        return inner.batchCount();
    }

    @Override
    public long batchPointCount(int b) {
        return inner.batchPointCount(b);
    }

    @Override
    public Accumulator evaluateBatch(int b, double[] p, Accumulator.Kind kind) {
        return inner.evaluateBatch(b, p, kind);
    }

    @Override
    public int[] batchPartitions(int b) {
        return inner.batchPartitions(b);
    }

    @Override
    public int parameterCount() {
        return inner.parameterCount();
    }

    @Override
    public long pointCount() {
        return inner.pointCount();
    }

    @Override
    public Accumulator evaluate(double[] p, Accumulator.Kind kind) {
        return inner.evaluate(p, kind);
    }

    @Override
    public long dataPasses() {
        return inner.dataPasses();
    }
}

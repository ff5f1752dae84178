package org.sparknlsq.model.expr;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.sparknlsq.model.CurveModel;

/**
 * Value plus Jacobian over 10^6 points: compiled expressions against the same models written in
 * Java. The requirement is at most 1.25x the handwritten time. Scores are ns per point.
 *
 * <p>Each benchmark runs in its own fork, so the model call site in {@link #sweep} sees one class,
 * as a fit's inner loop does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class ExpressionModelBenchmark {

    private static final int POINTS = 1_000_000;

    private final double[] expDecayParams = {2.5, 1.3, 0.5};
    private final double[] gaussianParams = {2.5, 0.4, 0.2, 0.1};
    private double[] x;
    private double[] jac;
    private CurveModel expDecayExpression;
    private CurveModel gaussianExpression;
    private CurveModel expDecayJava;
    private CurveModel gaussianJava;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        x = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            x[i] = random.nextDouble();
        }
        jac = new double[POINTS * 4];
        expDecayExpression = ExpressionModel.compile("a*exp(-b*x)+c", List.of("x"), List.of("a", "b", "c"));
        gaussianExpression =
                ExpressionModel.compile("a*exp(-((x-mu)/s)^2/2) + c", List.of("x"), List.of("a", "mu", "s", "c"));
        expDecayJava = new ExpDecay();
        gaussianJava = new Gaussian();
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public double expDecayExpression() {
        return sweep(expDecayExpression, expDecayParams);
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public double expDecayHandwritten() {
        return sweep(expDecayJava, expDecayParams);
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public double gaussianExpression() {
        return sweep(gaussianExpression, gaussianParams);
    }

    @Benchmark
    @OperationsPerInvocation(POINTS)
    public double gaussianHandwritten() {
        return sweep(gaussianJava, gaussianParams);
    }

    private double sweep(CurveModel model, double[] p) {
        int n = model.parameterCount();
        double sum = 0;
        for (int i = 0; i < POINTS; i++) {
            sum += model.value(p, x, i, jac, i * n);
        }
        return sum;
    }

    /** {@code a*exp(-b*x)+c} as one would write it by hand. */
    static final class ExpDecay implements CurveModel {
        @Override
        public List<String> parameterNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public List<String> variableNames() {
            return List.of("x");
        }

        @Override
        public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
            double t = x[xOff];
            double e = Math.exp(-p[1] * t);
            if (jac != null) {
                jac[jacOff] = e;
                jac[jacOff + 1] = -p[0] * t * e;
                jac[jacOff + 2] = 1;
            }
            return p[0] * e + p[2];
        }
    }

    /** {@code a*exp(-((x-mu)/s)^2/2) + c} as one would write it by hand. */
    static final class Gaussian implements CurveModel {
        @Override
        public List<String> parameterNames() {
            return List.of("a", "mu", "s", "c");
        }

        @Override
        public List<String> variableNames() {
            return List.of("x");
        }

        @Override
        public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
            double u = (x[xOff] - p[1]) / p[2];
            double g = Math.exp(-u * u / 2);
            if (jac != null) {
                double ag = p[0] * g;
                jac[jacOff] = g;
                jac[jacOff + 1] = ag * u / p[2];
                jac[jacOff + 2] = ag * u * u / p[2];
                jac[jacOff + 3] = 1;
            }
            return p[0] * g + p[3];
        }
    }

    /** Runs all four benchmarks (about a minute) and prints expression/handwritten ratios. */
    public static void main(String[] args) throws RunnerException {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include(ExpressionModelBenchmark.class.getName() + "\\.")
                        .build())
                .run();
        Map<String, Double> score = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            score.put(
                    name.substring(name.lastIndexOf('.') + 1),
                    r.getPrimaryResult().getScore());
        }
        for (String model : List.of("expDecay", "gaussian")) {
            double expression = score.get(model + "Expression");
            double handwritten = score.get(model + "Handwritten");
            System.out.printf(
                    "%-9s expression %.2f ns/point, handwritten %.2f ns/point, ratio %.3f%n",
                    model, expression, handwritten, expression / handwritten);
        }
    }
}

package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Arbitrary text either compiles to a model that evaluates, or fails with an {@link
 * ExpressionException}: never another exception, never a hang, never a stack overflow.
 */
class ExpressionFuzzTest {

    private static final String ALPHABET = "b12x3.eE+-*/^(),_ pisqrtexplogminaw#;\"\n\u00e9";

    private static final List<String> TOKENS = List.of(
            "b1", "b2", "b3", "x", "y", "e", "pi", "0", "1", "2.5", ".5", "1e-3", "2.", "1e", "1e999", "exp", "log",
            "log10", "sqrt", "pow", "min", "max", "arctan", "abs", "tanh", "(", "(", ")", ")", ",", "+", "-", "-", "*",
            "/", "^", "**", " ", "#", ".", "_");

    private static final List<String> VALID = List.of(
            "b1*(1-exp(-b2*x))",
            "a*exp(-((x-mu)/s)^2/2) + c",
            "b1*(b2+x)**(-1/b3)",
            "b1 / (1+exp(b2-b3*x))",
            "exp(-b1*x)/(b2+b3*x)",
            "b1 - b2*x - arctan(b3/(x-b4))/pi",
            "b1*cos(2*pi*x/12) + b2*sin(2*pi*x/12)",
            "(b1+b2*x+b3*x**2+b4*x**3) / (1+b5*x+b6*x**2+b7*x**3)",
            "b1*exp(-b2*x) + b3*exp(-(x-b4)**2 / b5**2)",
            "min(b1*x, b2) + max(abs(x - b3), pow(b1, 2)) + log10(sqrt(b2*x))");

    /** Parameters are whatever b1..b8, a, c, mu or s the text mentions, so many inputs compile. */
    private static final Pattern PARAMETER = Pattern.compile("(?<![A-Za-z0-9_.])(b[1-8]|a|c|mu|s)(?![A-Za-z0-9_])");

    @Property(tries = 400)
    void tokenSoup(@ForAll("tokenSoups") String expression) {
        compilesOrFailsCleanly(expression);
    }

    @Property(tries = 300)
    void characterSoup(@ForAll("characterSoups") String expression) {
        compilesOrFailsCleanly(expression);
    }

    @Property(tries = 500)
    void mutatedModels(@ForAll("mutatedModels") String expression) {
        compilesOrFailsCleanly(expression);
    }

    /**
     * Grammatical input always compiles, and each printed derivative re-compiles to the very
     * numbers the model's Jacobian holds, which checks printer, parser and simplifier against
     * each other on shapes nobody wrote by hand.
     */
    @Property(tries = 300)
    void wellFormedExpressions(@ForAll("wellFormed") String expression) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            List<String> params = declaredParameters(expression);
            ExpressionModel m = ExpressionModel.compile(expression, List.of("x"), params);
            double[] p = {0.75, -1.5};
            double[] point = {0.625, 0.75, -1.5};
            double[] jac = new double[params.size()];
            double v = m.value(p, point, 0, jac, 0);
            assertTrue(Double.compare(v, m.value(p, point, 0, null, 0)) == 0, expression);
            List<String> allNames = new ArrayList<>(List.of("x"));
            allNames.addAll(params);
            for (int j = 0; j < params.size(); j++) {
                String derivative = m.derivativeExpression(params.get(j));
                if (!derivative.contains("?")) {
                    double reparsed = ExpressionModel.compile(derivative, allNames, List.of())
                            .value(new double[0], point, 0, null, 0);
                    assertTrue(Double.compare(jac[j], reparsed) == 0, derivative + ": " + jac[j] + " vs " + reparsed);
                }
            }
        });
    }

    @Provide
    Arbitrary<String> wellFormed() {
        return expression(4);
    }

    private static Arbitrary<String> expression(int depth) {
        Arbitrary<String> leaf = Arbitraries.of("b1", "b2", "x", "2", "3", "0.5", "1e-3", "pi", "e", "0", "1");
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> expression(depth - 1));
        Arbitrary<String> binary = Combinators.combine(sub, Arbitraries.of("+", "-", "*", "/", "^", "**"), sub)
                .as((a, op, b) -> a + op + b);
        Arbitrary<String> unary = Combinators.combine(
                        Arbitraries.of(
                                "exp", "log", "log10", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "arctan",
                                "sinh", "cosh", "tanh", "abs", "signum"),
                        sub)
                .as((f, a) -> f + "(" + a + ")");
        Arbitrary<String> twoArgs = Combinators.combine(Arbitraries.of("pow", "min", "max"), sub, sub)
                .as((f, a, b) -> f + "(" + a + ", " + b + ")");
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(4, binary),
                Tuple.of(2, sub.map(a -> "(" + a + ")")),
                Tuple.of(1, sub.map(a -> "-" + a)),
                Tuple.of(2, unary),
                Tuple.of(1, twoArgs));
    }

    @Provide
    Arbitrary<String> tokenSoups() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(30).map(tokens -> String.join(" ", tokens));
    }

    @Provide
    Arbitrary<String> characterSoups() {
        return Arbitraries.strings().withChars(ALPHABET).ofMaxLength(40);
    }

    /** Edit operations that keep most of a valid model, so the parser gets deep before failing. */
    record Mutation(int kind, double where, char c) {
        String apply(String s) {
            int i = (int) (where * s.length());
            return switch (kind) {
                case 0 ->
                    s.isEmpty()
                            ? s
                            : s.substring(0, Math.min(i, s.length() - 1)) + s.substring(Math.min(i + 1, s.length()));
                case 1 -> s.substring(0, i) + c + s.substring(i);
                default ->
                    i + 1 >= s.length() ? s : s.substring(0, i) + s.charAt(i + 1) + s.charAt(i) + s.substring(i + 2);
            };
        }
    }

    @Provide
    Arbitrary<String> mutatedModels() {
        Arbitrary<Mutation> mutation = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.doubles().between(0, 1),
                        Arbitraries.chars().with(ALPHABET))
                .as(Mutation::new);
        return Combinators.combine(
                        Arbitraries.of(VALID), mutation.list().ofMinSize(1).ofMaxSize(3))
                .as((model, edits) -> {
                    String s = model;
                    for (Mutation m : edits) {
                        s = m.apply(s);
                    }
                    return s;
                });
    }

    @Example
    void pathologicalNestingFailsQuicklyOnASmallCallerStack() {
        String[] inputs = {
            "(".repeat(100_000) + "x" + ")".repeat(100_000),
            "(".repeat(4_990) + "x" + ")".repeat(4_990),
            "(".repeat(9_999),
            "-".repeat(9_999) + "x",
            "x" + "^x".repeat(4_999),
            "x" + "**-x".repeat(2_400),
            "exp(".repeat(1_999) + "x",
            "x" + "*x".repeat(4_999),
            "x" + "/(x".repeat(3_000),
        };
        for (String input : inputs) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            // 128 KiB is far less than the compiler needs; compilation must not run on this stack.
            Thread caller = new Thread(
                    null,
                    () -> {
                        try {
                            ExpressionModel.compile(input, List.of("x"), List.of());
                        } catch (Throwable t) {
                            thrown.set(t);
                        }
                    },
                    "small-stack",
                    128 * 1024);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                caller.start();
                caller.join();
            });
            assertTrue(thrown.get() instanceof ExpressionException, () -> input.substring(0, 20) + ": " + thrown.get());
        }
    }

    @Example
    void deepButLegalNestingCompilesOnASmallCallerStack() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(
                null,
                () -> {
                    try {
                        ExpressionModel m = ExpressionModel.compile(
                                "exp(".repeat(190) + "b*x" + ")".repeat(190), List.of("x"), List.of("b"));
                        m.derivativeExpression("b");
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                },
                "small-stack",
                128 * 1024);
        caller.start();
        caller.join();
        assertTrue(thrown.get() == null, () -> String.valueOf(thrown.get()));
    }

    @Example
    void nullArgumentsAreRejected() {
        assertThrows(NullPointerException.class, () -> ExpressionModel.compile("x", null, List.of()));
        assertThrows(NullPointerException.class, () -> ExpressionModel.compile("x", List.of("x"), null));
    }

    private static void compilesOrFailsCleanly(String expression) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            tryCompile(expression, declaredParameters(expression));
            tryCompile(expression, List.of("b1"));
        });
    }

    private static void tryCompile(String expression, List<String> parameters) {
        ExpressionModel m;
        try {
            m = ExpressionModel.compile(expression, List.of("x"), parameters);
        } catch (ExpressionException e) {
            assertTrue(e.position() >= 0 && e.position() <= expression.length(), e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
            return;
        }
        double[] p = new double[parameters.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = 0.5 + i;
        }
        double[] jac = new double[p.length];
        double v = m.value(p, new double[] {1.25}, 0, jac, 0);
        double valueOnly = m.value(p, new double[] {1.25}, 0, null, 0);
        assertTrue(Double.compare(v, valueOnly) == 0, expression);
        for (String name : parameters) {
            m.derivativeExpression(name);
        }
    }

    private static List<String> declaredParameters(String expression) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = PARAMETER.matcher(expression);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return new ArrayList<>(names);
    }
}

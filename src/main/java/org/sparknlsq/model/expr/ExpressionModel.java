package org.sparknlsq.model.expr;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.sparknlsq.model.CurveModel;

/**
 * A {@link CurveModel} typed as text, e.g. {@code b1*(1-exp(-b2*x))}, with exact symbolic
 * derivatives, compiled to JVM bytecode.
 *
 * <p>Language: numbers ({@code 2}, {@code 2.}, {@code .5}, {@code 1e-4}); names {@code
 * [A-Za-z_][A-Za-z0-9_]*}; {@code + - * /}; power as {@code ^} or {@code **} (right-associative
 * and binding tighter than unary minus, as in Python: {@code -x**2 = -(x**2)}, {@code 2**-1} is
 * allowed); unary {@code -} and {@code +}; parentheses; the functions {@code exp log log10 sqrt
 * sin cos tan asin acos atan sinh cosh tanh abs signum} and the two-argument {@code pow min max}
 * ({@code log} is natural; {@code arcsin arccos arctan} are aliases, as NIST StRD writes {@code
 * arctan}; {@code signum} is there because it is the derivative of {@code abs});
 * the constants {@code pi} and {@code e}. Whitespace is ignored.
 *
 * <p>Callers may rely on:
 *
 * <ul>
 *   <li>A declared parameter or variable named {@code e} or {@code pi} shadows the constant, so
 *       models written with a parameter {@code e} keep working; function names cannot be declared.
 *   <li>Every problem with the expression or the names is reported by {@link #compile} as an
 *       {@link ExpressionException} with its column; nothing else is thrown for any input text
 *       (arguments must not be null). Each parameter must appear in the expression; variables
 *       need not. Limits: 10,000 characters, 200 levels of nesting (parentheses, signs,
 *       exponents), 1,000 chained operations, and 5,000 distinct operations in the value and all
 *       derivatives together. Compilation runs on its own thread with a large stack, so it does
 *       not depend on the caller's stack size.
 *   <li>The value is evaluated in the order written: sums and products are not reassociated.
 *       Constant subtrees are folded; other rewrites are exact ({@code x*1}, {@code x+0}, {@code
 *       -(-x)}, {@code x/2} as {@code x*0.5}, signs moved through {@code *} and {@code /}), except that {@code x*0} and {@code
 *       0/x} become 0 even for infinite or NaN {@code x}. {@code x^2} and {@code x^3} are
 *       computed by multiplication, {@code x^-1} by division, {@code x^0.5} and {@code x^-0.5}
 *       with {@link Math#sqrt}, other powers with {@link Math#pow}.
 *   <li>Derivatives are exact symbolic ones, sharing subexpressions with the value: {@code
 *       abs'} is {@code signum}, {@code min}/{@code max} take the derivative of the active
 *       argument (the first on a tie), {@code a^c} with a numeric {@code c} uses {@code
 *       c*a^(c-1)*a'}, and any other {@code a^b} uses {@code a^b*(b'*log(a) + b*a'/a)} without
 *       the term whose derivative is zero.
 *   <li>{@link #value} is thread-safe and allocation-free. Instances are serializable across JVMs:
 *       only the expression and the names are written, and the code is recompiled on first use
 *       after deserialization. {@code equals} compares exactly those three things.
 * </ul>
 */
public final class ExpressionModel implements CurveModel {

    private static final long serialVersionUID = 1L;

    private final String expression;
    private final List<String> variableNames;
    private final List<String> parameterNames;
    /**
     * Not volatile: {@link #value} reads it once per point, and a volatile read there measurably
     * slows evaluation (it pins the load inside the caller's loop). Publication is still safe
     * because {@link Compilation} is immutable with only final fields, so a thread that sees the
     * reference sees it fully built; a thread that sees null compiles under the lock.
     */
    private transient Compilation compiled;

    private ExpressionModel(
            String expression, List<String> variableNames, List<String> parameterNames, Compilation compiled) {
        this.expression = expression;
        this.variableNames = variableNames;
        this.parameterNames = parameterNames;
        this.compiled = compiled;
    }

    /**
     * Compiles {@code expression} over the given variables and parameters.
     *
     * @param expression the model, e.g. {@code b1*(b2+x)**(-1/b3)}
     * @param variableNames the independent variables, in storage order within a point
     * @param parameterNames the parameters, in parameter-vector order
     * @throws ExpressionException if the expression or the names are invalid
     */
    public static ExpressionModel compile(String expression, List<String> variableNames, List<String> parameterNames) {
        Objects.requireNonNull(expression, "expression");
        List<String> vars = List.copyOf(variableNames);
        List<String> params = List.copyOf(parameterNames);
        return new ExpressionModel(expression, vars, params, Compilation.of(expression, vars, params));
    }

    /**
     * The names in {@code expression} that are not function calls, in order of first appearance
     * (variables and constants included): the parameter order a caller can use when the start
     * values come without one, as in a map. Text that does not tokenize yields an empty list;
     * {@link #compile} reports the fault.
     */
    public static List<String> namesInOrder(String expression) {
        List<String> out = new java.util.ArrayList<>();
        List<Lexer.Token> tokens;
        try {
            tokens = Lexer.tokenize(expression);
        } catch (IllegalArgumentException e) {
            return out;
        }
        for (int i = 0; i < tokens.size() - 1; i++) {
            Lexer.Token t = tokens.get(i);
            if (t.kind() == Lexer.Kind.NAME
                    && tokens.get(i + 1).kind() != Lexer.Kind.LPAREN
                    && !out.contains(t.text())) {
                out.add(t.text());
            }
        }
        return out;
    }

    @Override
    public List<String> parameterNames() {
        return parameterNames;
    }

    @Override
    public List<String> variableNames() {
        return variableNames;
    }

    @Override
    public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {
        return compiled().kernel().value(p, x, xOff, jac, jacOff);
    }

    /** The expression exactly as given to {@link #compile}. */
    @Override
    public String describe() {
        return expression;
    }

    /**
     * The simplified symbolic derivative with respect to {@code parameterName}, printed in the
     * expression language (it re-parses to the same function; {@code min}/{@code max} derivatives
     * print as {@code (a <= b ? x : y)}).
     *
     * @throws IllegalArgumentException if {@code parameterName} is not a parameter of this model
     * @throws IllegalStateException if the printed derivative would exceed 100,000 nodes (shared
     *     subexpressions print once per use)
     */
    public String derivativeExpression(String parameterName) {
        int i = parameterNames.indexOf(parameterName);
        if (i < 0) {
            throw new IllegalArgumentException("'" + parameterName + "' is not a parameter of " + expression);
        }
        Expr derivative = compiled().derivatives().get(i);
        return Compilation.onCompilerThread(() -> Printer.print(derivative));
    }

    /** The simplified value expression as printed back; for tests. */
    String simplifiedExpression() {
        Expr value = compiled().value();
        return Compilation.onCompilerThread(() -> Printer.print(value));
    }

    /** The generated Java class body; for tests. */
    String generatedSource() {
        return compiled().source();
    }

    private Compilation compiled() {
        Compilation c = compiled;
        return c != null ? c : compileOnce();
    }

    /**
     * Kept out of {@link #compiled()} so that the hot path stays small enough to inline. Locks
     * {@code this} rather than a lock field, which serializers that bypass constructors (Kryo)
     * would leave null.
     */
    private Compilation compileOnce() {
        synchronized (this) {
            if (compiled == null) {
                compiled = Compilation.of(expression, variableNames, parameterNames);
            }
            return compiled;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpressionModel m
                && expression.equals(m.expression)
                && variableNames.equals(m.variableNames)
                && parameterNames.equals(m.parameterNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, variableNames, parameterNames);
    }

    @Override
    public String toString() {
        return "ExpressionModel[" + expression + "; variables " + variableNames + "; parameters " + parameterNames
                + "]";
    }

    /** Serialization proxy: the compiled class is JVM-local, so only the text travels. */
    private Object writeReplace() {
        return new SerializedForm(
                expression, variableNames.toArray(String[]::new), parameterNames.toArray(String[]::new));
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ExpressionModel is deserialized through its serialized form");
    }

    private record SerializedForm(String expression, String[] variableNames, String[] parameterNames)
            implements Serializable {

        private static final long serialVersionUID = 1L;

        private Object readResolve() throws InvalidObjectException {
            if (expression == null || hasNull(variableNames) || hasNull(parameterNames)) {
                throw new InvalidObjectException("incomplete ExpressionModel");
            }
            return new ExpressionModel(expression, List.of(variableNames), List.of(parameterNames), null);
        }

        private static boolean hasNull(String[] names) {
            return names == null || Arrays.asList(names).contains(null);
        }
    }
}

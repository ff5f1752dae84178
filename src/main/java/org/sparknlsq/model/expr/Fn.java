package org.sparknlsq.model.expr;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Functions of the expression language. {@code pow(a, b)} is not listed: the parser turns it into
 * the {@code ^} operator so both spellings differentiate and compile the same way.
 */
enum Fn {
    EXP("exp", 1, "Math.exp"),
    LOG("log", 1, "Math.log"),
    LOG10("log10", 1, "Math.log10"),
    SQRT("sqrt", 1, "Math.sqrt"),
    SIN("sin", 1, "Math.sin"),
    COS("cos", 1, "Math.cos"),
    TAN("tan", 1, "Math.tan"),
    ASIN("asin", 1, "Math.asin"),
    ACOS("acos", 1, "Math.acos"),
    ATAN("atan", 1, "Math.atan"),
    SINH("sinh", 1, "Math.sinh"),
    COSH("cosh", 1, "Math.cosh"),
    TANH("tanh", 1, "Math.tanh"),
    ABS("abs", 1, "Math.abs"),
    MIN("min", 2, "Math.min"),
    MAX("max", 2, "Math.max"),
    /** The derivative of {@code abs}; callable so that printed derivatives re-parse. */
    SIGNUM("signum", 1, "Math.signum");

    /** Name of the two-argument power function, which the parser maps to {@link Expr.Op#POW}. */
    static final String POW_NAME = "pow";

    private static final Map<String, Fn> BY_NAME = new HashMap<>();

    static {
        for (Fn fn : values()) {
            BY_NAME.put(fn.name, fn);
        }
        // NIST StRD writes arctan; the other two keep the aliases symmetric.
        BY_NAME.put("arcsin", ASIN);
        BY_NAME.put("arccos", ACOS);
        BY_NAME.put("arctan", ATAN);
    }

    final String name;
    final int arity;
    final String javaMethod;

    Fn(String name, int arity, String javaMethod) {
        this.name = name;
        this.arity = arity;
        this.javaMethod = javaMethod;
    }

    /** The user-callable function spelled {@code name} (aliases included); never {@code pow}. */
    static Optional<Fn> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Whether {@code name} is reserved for a function, so it cannot name a parameter or variable. */
    static boolean isFunctionName(String name) {
        return BY_NAME.containsKey(name) || POW_NAME.equals(name);
    }

    /** Evaluates with exactly the {@link Math} method the generated code calls. */
    double apply(double a, double b) {
        return switch (this) {
            case EXP -> Math.exp(a);
            case LOG -> Math.log(a);
            case LOG10 -> Math.log10(a);
            case SQRT -> Math.sqrt(a);
            case SIN -> Math.sin(a);
            case COS -> Math.cos(a);
            case TAN -> Math.tan(a);
            case ASIN -> Math.asin(a);
            case ACOS -> Math.acos(a);
            case ATAN -> Math.atan(a);
            case SINH -> Math.sinh(a);
            case COSH -> Math.cosh(a);
            case TANH -> Math.tanh(a);
            case ABS -> Math.abs(a);
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
            case SIGNUM -> Math.signum(a);
        };
    }
}

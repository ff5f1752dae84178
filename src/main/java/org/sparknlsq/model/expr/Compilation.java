package org.sparknlsq.model.expr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.commons.compiler.InternalCompilerException;
import org.codehaus.janino.ClassBodyEvaluator;
import org.sparknlsq.model.expr.Lexer.Kind;
import org.sparknlsq.model.expr.Lexer.Token;

/**
 * The whole pipeline for one expression: check the names, lex, parse, simplify, differentiate,
 * generate Java and compile it with Janino.
 */
record Compilation(Expr value, List<Expr> derivatives, String source, CompiledExpression kernel) {

    /** Longer texts are rejected before any parsing, bounding every later pass. */
    static final int MAX_LENGTH = 10_000;

    /**
     * Distinct operations over the value and all derivatives. Derivatives of long products or
     * nested quotients grow quadratically; this keeps the generated method well inside the JVM's
     * 64 KB code limit (about 8 bytes of bytecode per operation).
     */
    static final int MAX_OPERATIONS = 5_000;

    /**
     * Every pass recurses over the tree. The limits keep that recursion a few thousand frames
     * deep, which a caller's thread (an executor's, or one with a small -Xss) may not have room
     * for, so compilation runs on its own thread with this much stack, reserved but committed
     * only as used.
     */
    private static final long COMPILER_STACK_BYTES = 64L << 20;

    /** Compiles on a thread with a known, large stack; see {@link #COMPILER_STACK_BYTES}. */
    static Compilation of(String expression, List<String> variableNames, List<String> parameterNames) {
        return onCompilerThread(() -> compile(expression, variableNames, parameterNames));
    }

    /** Runs {@code task} on a fresh thread with {@link #COMPILER_STACK_BYTES} of stack. */
    static <T> T onCompilerThread(Supplier<T> task) {
        FutureTask<T> future = new FutureTask<>(task::get);
        Thread thread = new Thread(null, future, "expression-compiler", COMPILER_STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    // Compilation is bounded and short; finish it rather than leak a half-built model.
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Compilation compile(String expression, List<String> variableNames, List<String> parameterNames) {
        if (expression.length() > MAX_LENGTH) {
            throw ExpressionException.at(
                    "expression longer than " + MAX_LENGTH + " characters", MAX_LENGTH, expression);
        }
        List<Token> tokens = Lexer.tokenize(expression);
        Map<String, Integer> params = index(expression, tokens, parameterNames, "parameter");
        Map<String, Integer> vars = index(expression, tokens, variableNames, "variable");
        for (String name : parameterNames) {
            if (vars.containsKey(name)) {
                throw ExpressionException.at(
                        "'" + name + "' is declared both as a parameter and as a variable",
                        firstUse(tokens, name),
                        expression);
            }
        }
        Parser.Result parsed = Parser.parse(expression, tokens, params, vars);
        for (int i = 0; i < parameterNames.size(); i++) {
            if (!parsed.usedParams().get(i)) {
                throw ExpressionException.unlocated(
                        "parameter '" + parameterNames.get(i) + "' is not used in the expression", expression);
            }
        }
        Simplifier s = new Simplifier();
        Expr value = s.simplify(parsed.tree());
        List<Expr> derivatives = new ArrayList<>(parameterNames.size());
        for (int i = 0; i < parameterNames.size(); i++) {
            derivatives.add(Differentiator.derive(s, value, i));
        }
        List<Expr> roots = new ArrayList<>(derivatives);
        roots.add(value);
        if (countOperations(roots) > MAX_OPERATIONS) {
            throw ExpressionException.unlocated(
                    "expression too large: value and derivatives need more than " + MAX_OPERATIONS + " operations",
                    expression);
        }
        String source = CodeGenerator.generate(value, derivatives);
        return new Compilation(value, List.copyOf(derivatives), source, load(source, expression));
    }

    private static Map<String, Integer> index(String expression, List<Token> tokens, List<String> names, String kind) {
        Map<String, Integer> index = new HashMap<>();
        for (String name : names) {
            if (name == null || name.isEmpty() || !isIdentifier(name)) {
                throw ExpressionException.unlocated(
                        "invalid " + kind + " name '" + name + "' (expected [A-Za-z_][A-Za-z0-9_]*)", expression);
            }
            if (Fn.isFunctionName(name)) {
                throw ExpressionException.unlocated(
                        "invalid " + kind + " name '" + name + "' (reserved for a function)", expression);
            }
            if (index.putIfAbsent(name, index.size()) != null) {
                throw ExpressionException.at(
                        "duplicate " + kind + " name '" + name + "'", firstUse(tokens, name), expression);
            }
        }
        return index;
    }

    private static int countOperations(List<Expr> roots) {
        Set<Expr> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Expr> pending = new ArrayDeque<>(roots);
        while (!pending.isEmpty() && seen.size() <= MAX_OPERATIONS) {
            Expr e = pending.pop();
            if (seen.add(e)) {
                pending.addAll(e.children());
            }
        }
        return seen.size();
    }

    private static boolean isIdentifier(String name) {
        if (!Lexer.isNameStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Lexer.isNamePart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int firstUse(List<Token> tokens, String name) {
        for (Token t : tokens) {
            if (t.kind() == Kind.NAME && t.text().equals(name)) {
                return t.pos();
            }
        }
        return 0;
    }

    private static CompiledExpression load(String source, String expression) {
        ClassBodyEvaluator janino = new ClassBodyEvaluator();
        janino.setClassName(Compilation.class.getPackageName() + ".Generated");
        janino.setImplementedInterfaces(new Class<?>[] {CompiledExpression.class});
        janino.setParentClassLoader(CompiledExpression.class.getClassLoader());
        try {
            janino.cook(source);
            return (CompiledExpression)
                    janino.getClazz().getDeclaredConstructor().newInstance();
        } catch (InternalCompilerException e) {
            // Janino's class-file limits (64 KB of code, 64 Ki locals); MAX_OPERATIONS normally
            // stops such expressions first.
            throw ExpressionException.unlocated("expression too large to compile (" + rootMessage(e) + ")", expression);
        } catch (CompileException | ReflectiveOperationException e) {
            throw new IllegalStateException("generated code is invalid:\n" + source, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}

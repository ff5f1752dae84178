package org.sparknlsq.model.expr;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.sparknlsq.model.expr.Expr.Bin;
import org.sparknlsq.model.expr.Expr.Call;
import org.sparknlsq.model.expr.Expr.Cond;
import org.sparknlsq.model.expr.Expr.Neg;
import org.sparknlsq.model.expr.Expr.Num;
import org.sparknlsq.model.expr.Expr.Op;
import org.sparknlsq.model.expr.Expr.Param;
import org.sparknlsq.model.expr.Expr.Var;

/**
 * Generates the Java class body of a {@link CompiledExpression} from the value tree and one
 * derivative tree per parameter.
 *
 * <p>The source is built from the trees alone: parameters become {@code p[i]}, variables {@code
 * x[xOff + k]} and numbers exact {@link Double#toString} literals, so no text the user typed ever
 * reaches the compiler. Every node used more than once becomes a local computed once; nodes the
 * value needs are computed before the {@code jac == null} exit, the rest after it. The code only
 * reads its arguments and writes {@code jac}, and allocates nothing.
 */
final class CodeGenerator {

    /** Deeper operands are spilled to locals, keeping Janino's recursive compiler shallow. */
    private static final int MAX_INLINE_DEPTH = 32;

    private record Code(String text, int depth) {}

    private final Map<Expr, Integer> uses = new IdentityHashMap<>();
    private final Map<Expr, String> locals = new IdentityHashMap<>();
    private final StringBuilder body = new StringBuilder();
    private int temps;

    private CodeGenerator() {}

    static String generate(Expr value, List<Expr> derivatives) {
        CodeGenerator g = new CodeGenerator();
        g.countUses(value);
        derivatives.forEach(g::countUses);
        g.body.append("public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff) {\n");
        g.line("final double v = " + g.emit(value).text() + ";");
        g.line("if (jac == null) {");
        g.line("    return v;");
        g.line("}");
        for (int j = 0; j < derivatives.size(); j++) {
            g.line("jac[jacOff + " + j + "] = " + g.emit(derivatives.get(j)).text() + ";");
        }
        g.line("return v;");
        return g.body.append("}\n").toString();
    }

    /** Counts parents per node (each distinct parent once), plus one per root. */
    private void countUses(Expr root) {
        if (uses.merge(root, 1, Integer::sum) > 1) {
            return;
        }
        for (Expr child : root.children()) {
            countUses(child);
        }
        if (root instanceof Bin b && squareOrCube(b) && !isLeaf(b.left())) {
            // x*x needs x twice, so the base must be a local even when used once.
            uses.merge(b.left(), 1, Integer::sum);
        }
    }

    private Code emit(Expr e) {
        String local = locals.get(e);
        if (local != null) {
            return new Code(local, 0);
        }
        if (e instanceof Num n) {
            return new Code(literal(n.value()), 0);
        }
        // Array elements are read where used rather than copied to locals up front: the copies
        // measured about 5% slower on a*exp(-b*x)+c, and HotSpot reuses loads no store separates.
        if (e instanceof Param p) {
            return new Code("p[" + p.index() + "]", 0);
        }
        if (e instanceof Var v) {
            return new Code("x[xOff + " + v.index() + "]", 0);
        }
        Code code = compose(e);
        if (uses.get(e) > 1 || code.depth() > MAX_INLINE_DEPTH) {
            return new Code(declare(e, "t" + temps++, code.text()), 0);
        }
        return code;
    }

    private Code compose(Expr e) {
        if (e instanceof Neg n) {
            Code a = emit(n.arg());
            return new Code("(-" + a.text() + ")", a.depth() + 1);
        }
        if (e instanceof Bin b) {
            return bin(b);
        }
        if (e instanceof Call c) {
            StringBuilder sb = new StringBuilder(c.fn().javaMethod).append('(');
            int depth = 0;
            for (int i = 0; i < c.args().size(); i++) {
                Code a = emit(c.args().get(i));
                sb.append(i == 0 ? "" : ", ").append(a.text());
                depth = Math.max(depth, a.depth());
            }
            return new Code(sb.append(')').toString(), depth + 1);
        }
        Cond c = (Cond) e;
        Code l = emit(c.left());
        Code r = emit(c.right());
        Code t = emit(c.ifLessOrEqual());
        Code f = emit(c.otherwise());
        int depth = Math.max(Math.max(l.depth(), r.depth()), Math.max(t.depth(), f.depth()));
        return new Code("(" + l.text() + " <= " + r.text() + " ? " + t.text() + " : " + f.text() + ")", depth + 1);
    }

    /** Powers mirror {@link Simplifier#pow(double, double)} so folded and run-time values agree. */
    private Code bin(Bin b) {
        Code a = emit(b.left());
        if (b.op() == Op.POW && b.right() instanceof Num n) {
            double c = n.value();
            String t = a.text();
            int depth = a.depth() + 1;
            if (c == 2) {
                return new Code("(" + t + " * " + t + ")", depth);
            }
            if (c == 3) {
                return new Code("(" + t + " * " + t + " * " + t + ")", depth);
            }
            if (c == -1) {
                return new Code("(1.0 / " + t + ")", depth);
            }
            if (c == 0.5) {
                return new Code("Math.sqrt(" + t + ")", depth);
            }
            if (c == -0.5) {
                return new Code("(1.0 / Math.sqrt(" + t + "))", depth);
            }
        }
        Code r = emit(b.right());
        int depth = Math.max(a.depth(), r.depth()) + 1;
        if (b.op() == Op.POW) {
            return new Code("Math.pow(" + a.text() + ", " + r.text() + ")", depth);
        }
        return new Code("(" + a.text() + " " + b.op().symbol + " " + r.text() + ")", depth);
    }

    private String declare(Expr e, String name, String init) {
        line("final double " + name + " = " + init + ";");
        locals.put(e, name);
        return name;
    }

    private void line(String statement) {
        body.append("    ").append(statement).append('\n');
    }

    private static boolean squareOrCube(Bin b) {
        return b.op() == Op.POW && (Simplifier.isConst(b.right(), 2) || Simplifier.isConst(b.right(), 3));
    }

    private static boolean isLeaf(Expr e) {
        return e.children().isEmpty();
    }

    private static String literal(double v) {
        if (Double.isNaN(v)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        String digits = Double.toString(Math.abs(v));
        return (Double.doubleToRawLongBits(v) < 0) ? "(-" + digits + ")" : digits;
    }
}

package org.sparknlsq.model.expr;

import java.util.IdentityHashMap;
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
 * Prints a tree back in the expression language with the fewest parentheses that keep its
 * structure, so the text re-parses to the same tree (except {@code min}/{@code max} derivatives,
 * printed as {@code (a <= b ? x : y)}). Numbers print exactly: integers without a fraction,
 * others with {@link Double#toString}.
 */
final class Printer {

    /** Shared subtrees print once per use; beyond this many printed nodes the text is useless. */
    static final long MAX_NODES = 100_000;

    private static final int SUM = 1;
    private static final int PRODUCT = 2;
    private static final int UNARY = 3;
    private static final int POWER = 4;
    private static final int ATOM = 5;

    private final StringBuilder out = new StringBuilder();

    private Printer() {}

    static String print(Expr e) {
        long size = printedSize(e, new IdentityHashMap<>());
        if (size > MAX_NODES) {
            throw new IllegalStateException("expression too large to print (more than " + MAX_NODES + " nodes)");
        }
        Printer p = new Printer();
        p.emit(e);
        return p.out.toString();
    }

    private static long printedSize(Expr e, Map<Expr, Long> memo) {
        Long known = memo.get(e);
        if (known != null) {
            return known;
        }
        long size = 1;
        for (Expr child : e.children()) {
            size = Math.min(size + printedSize(child, memo), MAX_NODES + 1);
        }
        memo.put(e, size);
        return size;
    }

    private void emit(Expr e) {
        if (e instanceof Num n) {
            out.append(number(n.value()));
        } else if (e instanceof Param p) {
            out.append(p.name());
        } else if (e instanceof Var v) {
            out.append(v.name());
        } else if (e instanceof Neg n) {
            out.append('-');
            emit(n.arg(), precedence(n.arg()) <= UNARY);
        } else if (e instanceof Bin b) {
            bin(b);
        } else if (e instanceof Call c) {
            out.append(c.fn().name).append('(');
            for (int i = 0; i < c.args().size(); i++) {
                out.append(i == 0 ? "" : ", ");
                emit(c.args().get(i));
            }
            out.append(')');
        } else {
            Cond c = (Cond) e;
            out.append('(');
            emit(c.left());
            out.append(" <= ");
            emit(c.right());
            out.append(" ? ");
            emit(c.ifLessOrEqual());
            out.append(" : ");
            emit(c.otherwise());
            out.append(')');
        }
    }

    private void bin(Bin b) {
        int prec = precedence(b);
        int left = precedence(b.left());
        int right = precedence(b.right());
        if (b.op() == Op.POW) {
            emit(b.left(), left <= POWER);
            out.append('^');
            emit(b.right(), right < ATOM);
            return;
        }
        emit(b.left(), left < prec);
        out.append(b.op() == Op.ADD || b.op() == Op.SUB ? " " + b.op().symbol + " " : b.op().symbol);
        // Operations do not reassociate, so an equal-precedence right operand keeps its
        // parentheses; a signed one keeps them for readability ("a*(-b)", not "a*-b").
        emit(b.right(), right <= prec || right == UNARY);
    }

    private void emit(Expr e, boolean parenthesize) {
        if (parenthesize) {
            out.append('(');
            emit(e);
            out.append(')');
        } else {
            emit(e);
        }
    }

    private static int precedence(Expr e) {
        if (e instanceof Num n) {
            return n.value() < 0 || isNegativeZero(n.value()) ? UNARY : ATOM;
        }
        if (e instanceof Neg) {
            return UNARY;
        }
        if (e instanceof Bin b) {
            return switch (b.op()) {
                case ADD, SUB -> SUM;
                case MUL, DIV -> PRODUCT;
                case POW -> POWER;
            };
        }
        return ATOM;
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "(0/0)";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "(1/0)" : "(-1/0)";
        }
        if (isNegativeZero(v)) {
            return "-0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static boolean isNegativeZero(double v) {
        return Double.doubleToRawLongBits(v) == Long.MIN_VALUE;
    }
}

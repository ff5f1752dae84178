package org.sparknlsq.model.expr;

import java.util.HashMap;
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
 * Simplifying, hash-consing node factory: every node is built through it, so equal subtrees are
 * one instance (common-subexpression elimination comes for free) and rewrites apply as nodes are
 * created.
 *
 * <p>Rewrites never change a non-constant value's rounding: constant subtrees are folded with the
 * very {@link Math} calls the generated code would make; {@code x+0, x-0, x*1, x/1, x^1} drop the
 * neutral operand; {@code x^0} is 1; signs move through {@code * /} and cancel ({@code -(-x)},
 * {@code a+(-b) = a-b}, {@code (-a)*b = -(a*b)}), which IEEE rounding makes exact. Only {@code
 * x*0 = 0} and {@code 0/x = 0} differ, and only when {@code x} is infinite or NaN. Division by a
 * power of two becomes multiplication by its reciprocal, which rounds identically. Sums and
 * products are never reassociated.
 */
final class Simplifier {

    private static final int NUM = 0;
    private static final int PARAM = 1;
    private static final int VAR = 2;
    private static final int NEG = 3;
    private static final int COND = 4;
    private static final int BIN = 10;
    private static final int CALL = 20;

    /** Children are identified by intern id, so keys compare in O(1) however deep the subtrees. */
    private record Key(int kind, long bits, int a, int b, int c, int d) {}

    private final Map<Key, Expr> table = new HashMap<>();
    private final Map<Expr, Integer> ids = new IdentityHashMap<>();
    private final Map<Expr, Expr> simplified = new IdentityHashMap<>();

    /** Rebuilds a parsed tree through this factory. */
    Expr simplify(Expr raw) {
        Expr done = simplified.get(raw);
        if (done != null) {
            return done;
        }
        Expr result;
        if (raw instanceof Num n) {
            result = num(n.value());
        } else if (raw instanceof Param p) {
            result = param(p.index(), p.name());
        } else if (raw instanceof Var v) {
            result = var(v.index(), v.name());
        } else if (raw instanceof Neg n) {
            result = neg(simplify(n.arg()));
        } else if (raw instanceof Bin b) {
            result = bin(b.op(), simplify(b.left()), simplify(b.right()));
        } else if (raw instanceof Call c) {
            List<Expr> args = c.args();
            result = c.fn().arity == 1
                    ? call(c.fn(), simplify(args.get(0)))
                    : call(c.fn(), simplify(args.get(0)), simplify(args.get(1)));
        } else {
            Cond c = (Cond) raw;
            result =
                    cond(simplify(c.left()), simplify(c.right()), simplify(c.ifLessOrEqual()), simplify(c.otherwise()));
        }
        simplified.put(raw, result);
        return result;
    }

    Expr num(double value) {
        return intern(new Num(value), new Key(NUM, Double.doubleToLongBits(value), 0, 0, 0, 0));
    }

    Expr param(int index, String name) {
        return intern(new Param(index, name), new Key(PARAM, index, 0, 0, 0, 0));
    }

    Expr var(int index, String name) {
        return intern(new Var(index, name), new Key(VAR, index, 0, 0, 0, 0));
    }

    Expr neg(Expr a) {
        if (a instanceof Num n) {
            return num(-n.value());
        }
        if (a instanceof Neg n) {
            return n.arg();
        }
        return intern(new Neg(a), new Key(NEG, 0, id(a), 0, 0, 0));
    }

    Expr bin(Op op, Expr a, Expr b) {
        return switch (op) {
            case ADD -> add(a, b);
            case SUB -> sub(a, b);
            case MUL -> mul(a, b);
            case DIV -> div(a, b);
            case POW -> pow(a, b);
        };
    }

    Expr add(Expr a, Expr b) {
        if (a instanceof Num x && b instanceof Num y) {
            return num(x.value() + y.value());
        }
        if (isZero(a)) {
            return b;
        }
        if (isZero(b)) {
            return a;
        }
        if (b instanceof Neg n) {
            return sub(a, n.arg());
        }
        if (isNegativeNum(b)) {
            return sub(a, num(-((Num) b).value()));
        }
        if (a instanceof Neg n) {
            return sub(b, n.arg());
        }
        return make(Op.ADD, a, b);
    }

    Expr sub(Expr a, Expr b) {
        if (a instanceof Num x && b instanceof Num y) {
            return num(x.value() - y.value());
        }
        if (isZero(b)) {
            return a;
        }
        if (isZero(a)) {
            return neg(b);
        }
        if (b instanceof Neg n) {
            return add(a, n.arg());
        }
        if (isNegativeNum(b)) {
            return add(a, num(-((Num) b).value()));
        }
        return make(Op.SUB, a, b);
    }

    Expr mul(Expr a, Expr b) {
        if (a instanceof Num x && b instanceof Num y) {
            return num(x.value() * y.value());
        }
        if (isZero(a) || isZero(b)) {
            return num(0);
        }
        if (isConst(a, 1)) {
            return b;
        }
        if (isConst(b, 1)) {
            return a;
        }
        if (isConst(a, -1)) {
            return neg(b);
        }
        if (isConst(b, -1)) {
            return neg(a);
        }
        if (a instanceof Num x && b instanceof Neg n) {
            return mul(num(-x.value()), n.arg());
        }
        if (a instanceof Neg n) {
            return neg(mul(n.arg(), b));
        }
        if (b instanceof Neg n) {
            return neg(mul(a, n.arg()));
        }
        return make(Op.MUL, a, b);
    }

    Expr div(Expr a, Expr b) {
        if (a instanceof Num x && b instanceof Num y) {
            return num(x.value() / y.value());
        }
        if (isZero(a)) {
            return num(0);
        }
        if (isConst(b, 1)) {
            return a;
        }
        if (isConst(b, -1)) {
            return neg(a);
        }
        if (b instanceof Num y && hasExactReciprocal(y.value())) {
            // Multiplying is several times faster than dividing, and for a power of two exact.
            return mul(a, num(1 / y.value()));
        }
        if (a instanceof Neg n) {
            return neg(div(n.arg(), b));
        }
        if (b instanceof Neg n) {
            return neg(div(a, n.arg()));
        }
        return make(Op.DIV, a, b);
    }

    Expr pow(Expr a, Expr b) {
        if (a instanceof Num x && b instanceof Num y) {
            return num(pow(x.value(), y.value()));
        }
        if (isZero(b)) {
            return num(1);
        }
        if (isConst(b, 1)) {
            return a;
        }
        return make(Op.POW, a, b);
    }

    Expr call(Fn fn, Expr a) {
        if (a instanceof Num x) {
            return num(fn.apply(x.value(), Double.NaN));
        }
        return intern(new Call(fn, List.of(a)), new Key(CALL + fn.ordinal(), 0, id(a), 0, 0, 0));
    }

    Expr call(Fn fn, Expr a, Expr b) {
        if (a instanceof Num x && b instanceof Num y) {
            return num(fn.apply(x.value(), y.value()));
        }
        return intern(new Call(fn, List.of(a, b)), new Key(CALL + fn.ordinal(), 0, id(a), id(b), 0, 0));
    }

    /** {@code left <= right ? ifLessOrEqual : otherwise}. */
    Expr cond(Expr left, Expr right, Expr ifLessOrEqual, Expr otherwise) {
        if (ifLessOrEqual == otherwise) {
            return otherwise;
        }
        if (left instanceof Num x && right instanceof Num y) {
            return x.value() <= y.value() ? ifLessOrEqual : otherwise;
        }
        return intern(
                new Cond(left, right, ifLessOrEqual, otherwise),
                new Key(COND, 0, id(left), id(right), id(ifLessOrEqual), id(otherwise)));
    }

    /**
     * {@code a^b} exactly as {@link CodeGenerator} evaluates it: small integer and half-integer
     * exponents become multiplications, divisions and square roots, everything else {@link
     * Math#pow}.
     */
    static double pow(double a, double b) {
        if (b == 2) {
            return a * a;
        }
        if (b == 3) {
            return a * a * a;
        }
        if (b == -1) {
            return 1 / a;
        }
        if (b == 0.5) {
            return Math.sqrt(a);
        }
        if (b == -0.5) {
            return 1 / Math.sqrt(a);
        }
        return Math.pow(a, b);
    }

    private static boolean isZero(Expr e) {
        return e instanceof Num n && n.value() == 0;
    }

    static boolean isConst(Expr e, double value) {
        return e instanceof Num n && n.value() == value;
    }

    /** Powers of two whose reciprocal is a double too, so {@code x/c == x*(1/c)} for every x. */
    private static boolean hasExactReciprocal(double c) {
        double r = 1 / c;
        return c != 0
                && Double.isFinite(r)
                && Math.abs(c) == Math.scalb(1.0, Math.getExponent(c))
                && Math.abs(r) == Math.scalb(1.0, Math.getExponent(r));
    }

    private static boolean isNegativeNum(Expr e) {
        return e instanceof Num n && n.value() < 0;
    }

    private Expr make(Op op, Expr a, Expr b) {
        return intern(new Bin(op, a, b), new Key(BIN + op.ordinal(), 0, id(a), id(b), 0, 0));
    }

    private Expr intern(Expr fresh, Key key) {
        Expr existing = table.get(key);
        if (existing != null) {
            return existing;
        }
        table.put(key, fresh);
        ids.put(fresh, ids.size());
        return fresh;
    }

    private int id(Expr e) {
        Integer id = ids.get(e);
        if (id == null) {
            throw new IllegalStateException(
                    "node not built by this factory: " + e.getClass().getSimpleName());
        }
        return id;
    }
}

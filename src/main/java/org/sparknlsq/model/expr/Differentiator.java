package org.sparknlsq.model.expr;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.sparknlsq.model.expr.Expr.Bin;
import org.sparknlsq.model.expr.Expr.Call;
import org.sparknlsq.model.expr.Expr.Cond;
import org.sparknlsq.model.expr.Expr.Neg;
import org.sparknlsq.model.expr.Expr.Num;
import org.sparknlsq.model.expr.Expr.Param;
import org.sparknlsq.model.expr.Expr.Var;

/**
 * Symbolic partial derivative with respect to one parameter. Rules reuse the differentiated node
 * where the calculus allows ({@code exp(u)' = exp(u)*u'}, {@code (a/b)' = (a' - (a/b)*b')/b}), so
 * after hash-consing the Jacobian shares the value's expensive calls instead of repeating them.
 */
final class Differentiator {

    private static final double LN10 = Math.log(10);

    private final Simplifier s;
    private final int param;
    private final Map<Expr, Expr> memo = new IdentityHashMap<>();

    private Differentiator(Simplifier s, int param) {
        this.s = s;
        this.param = param;
    }

    /** {@code d(e)/d(p[param])}, built through (and simplified by) {@code s}, which built {@code e}. */
    static Expr derive(Simplifier s, Expr e, int param) {
        return new Differentiator(s, param).d(e);
    }

    private Expr d(Expr e) {
        Expr done = memo.get(e);
        if (done != null) {
            return done;
        }
        Expr result;
        if (e instanceof Num || e instanceof Var) {
            result = s.num(0);
        } else if (e instanceof Param p) {
            result = s.num(p.index() == param ? 1 : 0);
        } else if (e instanceof Neg n) {
            result = s.neg(d(n.arg()));
        } else if (e instanceof Bin b) {
            result = bin(b);
        } else if (e instanceof Call c) {
            result = call(c);
        } else {
            Cond c = (Cond) e;
            result = s.cond(c.left(), c.right(), d(c.ifLessOrEqual()), d(c.otherwise()));
        }
        memo.put(e, result);
        return result;
    }

    private Expr bin(Bin e) {
        Expr a = e.left();
        Expr b = e.right();
        Expr da = d(a);
        Expr db = d(b);
        return switch (e.op()) {
            case ADD -> s.add(da, db);
            case SUB -> s.sub(da, db);
            case MUL -> s.add(s.mul(da, b), s.mul(a, db));
            // (a/b)' = (a' - (a/b)*b') / b: reuses a/b and avoids squaring b, which can overflow.
            case DIV -> s.div(s.sub(da, s.mul(e, db)), b);
            case POW -> pow(e, a, b, da, db);
        };
    }

    /**
     * A numeric exponent uses {@code c*a^(c-1)*a'}, which stays finite at {@code a = 0} for {@code
     * c >= 1}; any other exponent uses {@code a^b*(b'*log(a) + b*a'/a)}, dropping the term whose
     * derivative is zero, so it needs {@code a > 0} only where the exponent really varies.
     */
    private Expr pow(Bin e, Expr a, Expr b, Expr da, Expr db) {
        if (b instanceof Num c) {
            return s.mul(s.mul(c, s.pow(a, s.num(c.value() - 1))), da);
        }
        Expr viaExponent = s.mul(db, s.call(Fn.LOG, a));
        Expr viaBase = s.div(s.mul(b, da), a);
        return s.mul(e, s.add(viaExponent, viaBase));
    }

    /** Rules are written so that a zero {@code a'} simplifies the whole result to 0. */
    private Expr call(Call e) {
        List<Expr> args = e.args();
        Expr a = args.get(0);
        Expr da = d(a);
        return switch (e.fn()) {
            case EXP -> s.mul(e, da);
            case LOG -> s.div(da, a);
            case LOG10 -> s.div(da, s.mul(a, s.num(LN10)));
            case SQRT -> s.div(da, s.mul(s.num(2), e));
            case SIN -> s.mul(s.call(Fn.COS, a), da);
            case COS -> s.mul(s.neg(s.call(Fn.SIN, a)), da);
            case TAN -> s.mul(s.add(s.num(1), s.pow(e, s.num(2))), da);
            case ASIN -> s.div(da, s.call(Fn.SQRT, s.sub(s.num(1), s.pow(a, s.num(2)))));
            case ACOS -> s.div(s.neg(da), s.call(Fn.SQRT, s.sub(s.num(1), s.pow(a, s.num(2)))));
            case ATAN -> s.div(da, s.add(s.num(1), s.pow(a, s.num(2))));
            case SINH -> s.mul(s.call(Fn.COSH, a), da);
            case COSH -> s.mul(s.call(Fn.SINH, a), da);
            case TANH -> s.mul(s.sub(s.num(1), s.pow(e, s.num(2))), da);
            case ABS -> s.mul(s.call(Fn.SIGNUM, a), da);
            case SIGNUM -> s.num(0);
            // At a tie (the kink) the first argument's derivative is used.
            case MIN -> s.cond(a, args.get(1), da, d(args.get(1)));
            case MAX -> s.cond(args.get(1), a, da, d(args.get(1)));
        };
    }
}

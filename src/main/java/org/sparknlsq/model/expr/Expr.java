package org.sparknlsq.model.expr;

import java.util.List;

/**
 * Immutable expression tree node.
 *
 * <p>Trees built by {@link Simplifier} are hash-consed DAGs: equal subtrees are one instance, so
 * every pass compares nodes with {@code ==} and memoizes in identity maps. The records' own
 * structural {@code equals}/{@code hashCode} walk the whole tree without sharing, which is
 * exponential on derivative DAGs, so passes never use them.
 */
sealed interface Expr {

    /** Direct operands, in evaluation order. */
    List<Expr> children();

    /** A numeric literal, a named constant or a folded constant subtree. */
    record Num(double value) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of();
        }
    }

    /** Parameter {@code index} of the parameter vector; the name is kept for printing only. */
    record Param(int index, String name) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of();
        }
    }

    /** Independent variable {@code index} of a point; the name is kept for printing only. */
    record Var(int index, String name) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of();
        }
    }

    record Neg(Expr arg) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(arg);
        }
    }

    record Bin(Op op, Expr left, Expr right) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(left, right);
        }
    }

    record Call(Fn fn, List<Expr> args) implements Expr {
        @Override
        public List<Expr> children() {
            return args;
        }
    }

    /**
     * {@code left <= right ? ifLessOrEqual : otherwise}; only produced by differentiating {@code
     * min} and {@code max}, so users never write it.
     */
    record Cond(Expr left, Expr right, Expr ifLessOrEqual, Expr otherwise) implements Expr {
        @Override
        public List<Expr> children() {
            return List.of(left, right, ifLessOrEqual, otherwise);
        }
    }

    enum Op {
        ADD("+"),
        SUB("-"),
        MUL("*"),
        DIV("/"),
        POW("^");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }
}

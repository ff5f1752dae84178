package org.sparknlsq.model.expr;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.sparknlsq.model.expr.Expr.Bin;
import org.sparknlsq.model.expr.Expr.Call;
import org.sparknlsq.model.expr.Expr.Neg;
import org.sparknlsq.model.expr.Expr.Num;
import org.sparknlsq.model.expr.Expr.Op;
import org.sparknlsq.model.expr.Expr.Param;
import org.sparknlsq.model.expr.Expr.Var;
import org.sparknlsq.model.expr.Lexer.Kind;
import org.sparknlsq.model.expr.Lexer.Token;

/**
 * Recursive-descent parser producing a plain tree (no simplification), with Python precedence:
 *
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/') unary)*
 * unary   := ('-' | '+') unary | power
 * power   := primary (('^' | '**') unary)?        right-associative; -x^2 = -(x^2); 2^-1 ok
 * primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 * </pre>
 */
final class Parser {

    /** Recursion limit: parentheses, function arguments, unary signs and exponents each add a level. */
    static final int MAX_NESTING = 200;

    /**
     * Tree-height limit. Long operator chains do not recurse in the parser but make tall trees,
     * and every later pass recurses over the height; this keeps those passes far from the stack
     * limit of an executor thread.
     */
    static final int MAX_HEIGHT = 1000;

    private final String src;
    private final List<Token> tokens;
    private final Map<String, Integer> params;
    private final Map<String, Integer> vars;
    private final BitSet usedParams = new BitSet();
    private final Map<Expr, Integer> heights = new IdentityHashMap<>();
    private int next;
    private int nesting;

    private Parser(String src, List<Token> tokens, Map<String, Integer> params, Map<String, Integer> vars) {
        this.src = src;
        this.tokens = tokens;
        this.params = params;
        this.vars = vars;
    }

    /** The parsed tree and which parameters it mentions. */
    record Result(Expr tree, BitSet usedParams) {}

    /**
     * Parses {@code tokens} of {@code src}. Declared names shadow the constants {@code pi} and
     * {@code e}; function names are only recognised before '('.
     */
    static Result parse(String src, List<Token> tokens, Map<String, Integer> params, Map<String, Integer> vars) {
        Parser p = new Parser(src, tokens, params, vars);
        if (p.peek().kind() == Kind.END) {
            throw ExpressionException.at("empty expression", 0, src);
        }
        Expr tree = p.expr();
        Token t = p.peek();
        if (t.kind() == Kind.RPAREN) {
            throw p.error("unbalanced parenthesis: ')' without matching '('", t);
        }
        if (t.kind() != Kind.END) {
            throw p.error("unexpected '" + t.text() + "' after a complete expression (missing operator?)", t);
        }
        return new Result(tree, p.usedParams);
    }

    private Expr expr() {
        Expr left = term();
        while (peek().kind() == Kind.PLUS || peek().kind() == Kind.MINUS) {
            Token op = advance();
            Expr right = term();
            left = node(new Bin(op.kind() == Kind.PLUS ? Op.ADD : Op.SUB, left, right), op);
        }
        return left;
    }

    private Expr term() {
        Expr left = unary();
        while (peek().kind() == Kind.STAR || peek().kind() == Kind.SLASH) {
            Token op = advance();
            Expr right = unary();
            left = node(new Bin(op.kind() == Kind.STAR ? Op.MUL : Op.DIV, left, right), op);
        }
        return left;
    }

    private Expr unary() {
        Token t = peek();
        if (++nesting > MAX_NESTING) {
            throw error("expression nested too deeply (more than " + MAX_NESTING + " levels)", t);
        }
        Expr result;
        if (t.kind() == Kind.MINUS) {
            advance();
            result = node(new Neg(unary()), t);
        } else if (t.kind() == Kind.PLUS) {
            advance();
            result = unary();
        } else {
            result = power();
        }
        nesting--;
        return result;
    }

    private Expr power() {
        Expr base = primary();
        if (peek().kind() == Kind.POWER) {
            Token op = advance();
            return node(new Bin(Op.POW, base, unary()), op);
        }
        return base;
    }

    private Expr primary() {
        Token t = advance();
        switch (t.kind()) {
            case NUMBER:
                return node(new Num(t.number()), t);
            case NAME:
                return peek().kind() == Kind.LPAREN ? call(t) : name(t);
            case LPAREN:
                Expr inner = expr();
                expectClose(t);
                return inner;
            case END:
                throw error("unexpected end of expression, expected a number, a name or '('", t);
            default:
                throw error("unexpected '" + t.text() + "', expected a number, a name or '('", t);
        }
    }

    private Expr name(Token t) {
        String name = t.text();
        Integer p = params.get(name);
        if (p != null) {
            usedParams.set(p);
            return node(new Param(p, name), t);
        }
        Integer v = vars.get(name);
        if (v != null) {
            return node(new Var(v, name), t);
        }
        if (name.equals("pi")) {
            return node(new Num(Math.PI), t);
        }
        if (name.equals("e")) {
            return node(new Num(Math.E), t);
        }
        if (Fn.isFunctionName(name)) {
            throw error("function '" + name + "' must be followed by '('", t);
        }
        throw error("unknown name '" + name + "' (not a parameter, variable or constant)", t);
    }

    private Expr call(Token name) {
        Token open = advance();
        boolean isPow = name.text().equals(Fn.POW_NAME);
        Fn fn = isPow ? null : Fn.byName(name.text()).orElse(null);
        if (fn == null && !isPow) {
            boolean declared = params.containsKey(name.text()) || vars.containsKey(name.text());
            throw error(
                    "unknown function '" + name.text() + "'" + (declared ? " (a declared name; missing '*'?)" : ""),
                    name);
        }
        List<Expr> args = new ArrayList<>();
        if (peek().kind() != Kind.RPAREN) {
            args.add(expr());
            while (peek().kind() == Kind.COMMA) {
                advance();
                args.add(expr());
            }
        }
        expectClose(open);
        int arity = isPow ? 2 : fn.arity;
        if (args.size() != arity) {
            throw error(
                    "function '" + name.text() + "' takes " + arity + (arity == 1 ? " argument" : " arguments")
                            + " but got " + args.size(),
                    name);
        }
        return node(isPow ? new Bin(Op.POW, args.get(0), args.get(1)) : new Call(fn, args), name);
    }

    private void expectClose(Token open) {
        Token t = peek();
        if (t.kind() == Kind.RPAREN) {
            String expected = open.text().equals("[") ? "]" : ")";
            if (!t.text().equals(expected)) {
                throw error("mismatched bracket: '" + open.text() + "' closed by '" + t.text() + "'", t);
            }
            advance();
            return;
        }
        if (t.kind() == Kind.END) {
            throw error("unbalanced parenthesis: '" + open.text() + "' is never closed", open);
        }
        throw error("unexpected '" + t.text() + "', expected ')' or an operator", t);
    }

    private Expr node(Expr e, Token at) {
        int height = 0;
        for (Expr child : e.children()) {
            height = Math.max(height, heights.get(child));
        }
        if (++height > MAX_HEIGHT) {
            throw error("expression too deep (more than " + MAX_HEIGHT + " chained operations)", at);
        }
        heights.put(e, height);
        return e;
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token advance() {
        Token t = tokens.get(next);
        if (t.kind() != Kind.END) {
            next++;
        }
        return t;
    }

    private ExpressionException error(String problem, Token at) {
        return ExpressionException.at(problem, at.pos(), src);
    }
}

package org.sparknlsq.model.expr;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens; ends with one {@link Kind#END} token at the text's length. */
final class Lexer {

    enum Kind {
        NUMBER,
        NAME,
        PLUS,
        MINUS,
        STAR,
        SLASH,
        POWER,
        LPAREN,
        RPAREN,
        COMMA,
        END
    }

    /** {@code number} is set for NUMBER tokens only; {@code pos} is the 0-based start column. */
    record Token(Kind kind, int pos, String text, double number) {}

    private final String src;
    private int i;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new Lexer(src).run();
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
                i++;
            }
            if (i >= src.length()) {
                tokens.add(new Token(Kind.END, src.length(), "", 0));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private Token next() {
        int start = i;
        char c = src.charAt(i);
        if (isDigit(c) || c == '.') {
            return number(start);
        }
        if (isNameStart(c)) {
            while (i < src.length() && isNamePart(src.charAt(i))) {
                i++;
            }
            return new Token(Kind.NAME, start, src.substring(start, i), 0);
        }
        i++;
        Kind kind =
                switch (c) {
                    case '+' -> Kind.PLUS;
                    case '-' -> Kind.MINUS;
                    case '/' -> Kind.SLASH;
                    case '^' -> Kind.POWER;
                    // NIST StRD writes exp[-b1*x]: square brackets group like parentheses
                    case '(', '[' -> Kind.LPAREN;
                    case ')', ']' -> Kind.RPAREN;
                    case ',' -> Kind.COMMA;
                    case '*' -> {
                        if (i < src.length() && src.charAt(i) == '*') {
                            i++;
                            yield Kind.POWER;
                        }
                        yield Kind.STAR;
                    }
                    default ->
                        throw ExpressionException.at(
                                "unexpected character '" + describe(src.codePointAt(start)) + "'", start, src);
                };
        return new Token(kind, start, src.substring(start, i), 0);
    }

    /** {@code digits [. digits] [e [+-] digits]} with a digit somewhere in the mantissa. */
    private Token number(int start) {
        int mantissaDigits = digits();
        if (i < src.length() && src.charAt(i) == '.') {
            i++;
            mantissaDigits += digits();
        }
        boolean ok = mantissaDigits > 0;
        if (ok && i < src.length() && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
            i++;
            if (i < src.length() && (src.charAt(i) == '+' || src.charAt(i) == '-')) {
                i++;
            }
            ok = digits() > 0;
        }
        // "2x", "1.2.3" and "1e5e" are typos, not a number followed by something else.
        boolean glued = i < src.length() && (isNamePart(src.charAt(i)) || src.charAt(i) == '.');
        while (i < src.length() && (isNamePart(src.charAt(i)) || src.charAt(i) == '.')) {
            i++;
        }
        String text = src.substring(start, i);
        if (!ok || glued) {
            throw ExpressionException.at("malformed number '" + text + "'", start, src);
        }
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value) || (value == 0 && hasNonZeroDigit(text))) {
            throw ExpressionException.at("number '" + text + "' is out of the range of a double", start, src);
        }
        return new Token(Kind.NUMBER, start, text, value);
    }

    private int digits() {
        int from = i;
        while (i < src.length() && isDigit(src.charAt(i))) {
            i++;
        }
        return i - from;
    }

    private static boolean hasNonZeroDigit(String number) {
        for (int k = 0; k < number.length(); k++) {
            char c = number.charAt(k);
            if (c == 'e' || c == 'E') {
                return false;
            }
            if (c >= '1' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private static String describe(int codePoint) {
        return Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)
                ? String.format("\\u%04x", codePoint)
                : new String(Character.toChars(codePoint));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }
}

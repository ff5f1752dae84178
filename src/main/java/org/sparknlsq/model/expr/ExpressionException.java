package org.sparknlsq.model.expr;

/**
 * A model expression, or the names declared with it, cannot be compiled.
 *
 * <p>Callers may rely on:
 *
 * <ul>
 *   <li>{@link #position()} is the 0-based column in the expression text where the problem was
 *       found, always within {@code [0, expression.length()]}. It is 0 when the problem is not
 *       tied to a column (an unused parameter, invalid or duplicate names), or the column of the
 *       name's first occurrence when there is one.
 *   <li>{@link #getMessage()} is one line: {@code model expression: <problem> at column <n>:
 *       <expression>}, where {@code n = position() + 1} (1-based, as editors count). Line breaks
 *       and other control characters in the echoed expression are shown as spaces so columns
 *       still line up; expressions longer than 120 characters are shown as a window around the
 *       column. Problems not tied to a column omit the {@code at column} part.
 * </ul>
 */
public final class ExpressionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private static final int SHOWN_CHARS = 120;

    private final int position;

    private ExpressionException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** The problem at a 0-based column of {@code expression}. */
    static ExpressionException at(String problem, int position, String expression) {
        int clamped = Math.max(0, Math.min(position, expression.length()));
        return new ExpressionException(
                "model expression: " + problem + " at column " + (clamped + 1) + ": " + shown(expression, clamped),
                clamped);
    }

    /** A problem with no column of its own; {@link #position()} is 0. */
    static ExpressionException unlocated(String problem, String expression) {
        return new ExpressionException("model expression: " + problem + ": " + shown(expression, 0), 0);
    }

    /** 0-based column of the problem in the expression text. */
    public int position() {
        return position;
    }

    private static String shown(String expression, int position) {
        String text = expression;
        String prefix = "";
        String suffix = "";
        if (text.length() > SHOWN_CHARS) {
            int from = Math.max(0, Math.min(position - SHOWN_CHARS / 2, text.length() - SHOWN_CHARS));
            prefix = from > 0 ? "..." : "";
            suffix = from + SHOWN_CHARS < text.length() ? "..." : "";
            text = text.substring(from, from + SHOWN_CHARS);
        }
        StringBuilder sb = new StringBuilder(prefix.length() + text.length() + suffix.length());
        sb.append(prefix);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(printable(c) ? c : ' ');
        }
        return sb.append(suffix).toString();
    }

    private static boolean printable(char c) {
        int type = Character.getType(c);
        return !Character.isISOControl(c)
                && !Character.isSurrogate(c)
                && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR;
    }
}

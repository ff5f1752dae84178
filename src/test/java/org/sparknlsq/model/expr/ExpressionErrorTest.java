package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparknlsq.model.expr.ExpressionTestSupport.model;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input gives one ExpressionException with the right column and message. */
class ExpressionErrorTest {

    private static ExpressionException fails(String expression, String variables, String parameters) {
        return assertThrows(ExpressionException.class, () -> model(expression, variables, parameters));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                // unknown function / name
                "b1*expp(-b2*x)      | x     | b1,b2 | 3 | unknown function 'expp'",
                "b1(x+1)             | x     | b1    | 0 | unknown function 'b1' (a declared name; missing '*'?)",
                "b1*y                | x     | b1    | 3 | unknown name 'y' (not a parameter, variable or constant)",
                "exp*b1              | x     | b1    | 0 | function 'exp' must be followed by '('",
                // unbalanced parentheses, both ways
                "b1*(1-exp(-b2*x)    | x     | b1,b2 | 3 | unbalanced parenthesis: '(' is never closed",
                "exp(b1*x            | x     | b1    | 3 | unbalanced parenthesis: '(' is never closed",
                "b1*x)               | x     | b1    | 4 | unbalanced parenthesis: ')' without matching '('",
                "(b1*x))+1           | x     | b1    | 6 | unbalanced parenthesis: ')' without matching '('",
                // NIST's square brackets group like parentheses but must match their own kind
                "b1*exp[-b2*x)       | x     | b1,b2 | 12 | mismatched bracket: '[' closed by ')'",
                "b1*exp(-b2*x]       | x     | b1,b2 | 12 | mismatched bracket: '(' closed by ']'",
                "b1*exp[-b2*x        | x     | b1,b2 | 6 | unbalanced parenthesis: '[' is never closed",
                // declarations
                "b1*x                | x     | b1,b2 | 0 | parameter 'b2' is not used in the expression",
                "b1*x                | x     | b1,x  | 3 | 'x' is declared both as a parameter and as a variable",
                "x*b1                | x     | b1,b1 | 2 | duplicate parameter name 'b1'",
                "b*x1                | x1,x1 | b     | 2 | duplicate variable name 'x1'",
                // empty, trailing garbage, premature end, misplaced tokens
                "\"\"                | x     | b1    | 0 | empty expression",
                "\"   \"             | x     | b1    | 0 | empty expression",
                "b1*x 3              | x     | b1    | 5 | unexpected '3' after a complete expression (missing operator?)",
                "b1*x b1             | x     | b1    | 5 | unexpected 'b1' after a complete expression",
                "b1*                 | x     | b1    | 3 | unexpected end of expression, expected a number, a name or '('",
                "b1**/x              | x     | b1    | 4 | unexpected '/', expected a number, a name or '('",
                "b1*(x b1)           | x     | b1    | 6 | unexpected 'b1', expected ')' or an operator",
                "b1*(,x)             | x     | b1    | 4 | unexpected ','",
                "b1*()               | x     | b1    | 4 | unexpected ')'",
                // wrong number of arguments
                "pow(b1)             | x     | b1    | 0 | function 'pow' takes 2 arguments but got 1",
                "b1*exp(x, 2)        | x     | b1    | 3 | function 'exp' takes 1 argument but got 2",
                "b1*exp()            | x     | b1    | 3 | function 'exp' takes 1 argument but got 0",
                "min(b1, x, 2)       | x     | b1    | 0 | function 'min' takes 2 arguments but got 3",
                // malformed numbers and characters
                "1.2.3*b1            | x     | b1    | 0 | malformed number '1.2.3'",
                "b1*2x               | x     | b1    | 3 | malformed number '2x'",
                "b1*1e               | x     | b1    | 3 | malformed number '1e'",
                "b1*1e+              | x     | b1    | 3 | malformed number '1e+'",
                "b1*1e5e             | x     | b1    | 3 | malformed number '1e5e'",
                "b1 + .              | x     | b1    | 5 | malformed number '.'",
                "b1*1e999            | x     | b1    | 3 | number '1e999' is out of the range of a double",
                "b1*1e-999           | x     | b1    | 3 | number '1e-999' is out of the range of a double",
                "b1*#x               | x     | b1    | 3 | unexpected character '#'",
                "b1*x;               | x     | b1    | 4 | unexpected character ';'",
            })
    void reportsTheProblemAndItsColumn(
            String expression, String variables, String parameters, int position, String problem) {
        ExpressionException e = fails(expression, variables, parameters);
        assertEquals(position, e.position(), e.getMessage());
        assertTrue(e.getMessage().startsWith("model expression: " + problem), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void messageShowsTheOneBasedColumnAndTheExpression() {
        ExpressionException e = fails("b1*expp(-b2*x)", "x", "b1,b2");
        assertEquals("model expression: unknown function 'expp' at column 4: b1*expp(-b2*x)", e.getMessage());
        assertTrue(e instanceof IllegalArgumentException);
    }

    @Test
    void messageStaysOneLineWhenTheExpressionHasLineBreaks() {
        ExpressionException e = fails("b1*\nexpp(x)\r\n", "x", "b1");
        assertEquals(4, e.position());
        assertEquals("model expression: unknown function 'expp' at column 5: b1* expp(x)  ", e.getMessage());
    }

    @Test
    void longExpressionsAreShownAsAWindowAroundTheColumn() {
        String expression = "b1*x" + "+x".repeat(300) + "+y" + "+x".repeat(300);
        ExpressionException e = fails(expression, "x", "b1");
        assertEquals(4 + 600 + 1, e.position());
        assertTrue(e.getMessage().length() < 250, e.getMessage());
        assertTrue(e.getMessage().contains("x+x+y+x+x"), e.getMessage());
        assertTrue(e.getMessage().contains(": ...") && e.getMessage().endsWith("..."), e.getMessage());
    }

    @Test
    void invalidNamesAreRejected() {
        assertTrue(fails("b1", "", "1b").getMessage().contains("invalid parameter name '1b'"));
        assertTrue(fails("b1", "", "b-1").getMessage().contains("invalid parameter name 'b-1'"));
        assertTrue(fails("exp", "", "exp").getMessage().contains("invalid parameter name 'exp' (reserved"));
        assertTrue(fails("b", "pow", "b").getMessage().contains("invalid variable name 'pow' (reserved"));
        assertTrue(fails("b", "", "b,\u00e9").getMessage().contains("invalid parameter name"));
        assertThrows(ExpressionException.class, () -> ExpressionModel.compile("b", List.of(""), List.of("b")));
    }

    @Test
    void nestingDepthIsLimited() {
        ExpressionException parens = fails("(".repeat(300) + "b1" + ")".repeat(300), "", "b1");
        assertEquals(Parser.MAX_NESTING, parens.position());
        assertTrue(parens.getMessage().contains("nested too deeply (more than 200 levels)"), parens.getMessage());
        assertEquals(Parser.MAX_NESTING, fails("-".repeat(300) + "b1", "", "b1").position());
        assertTrue(fails("exp(".repeat(250) + "b1" + ")".repeat(250), "", "b1")
                .getMessage()
                .contains("nested too deeply"));
        assertTrue(fails("b1" + "^b1".repeat(250), "", "b1").getMessage().contains("nested too deeply"));
        model("(".repeat(199) + "b1" + ")".repeat(199), "", "b1");
    }

    @Test
    void operatorChainsAreLimited() {
        ExpressionException e = fails("b1" + "+x".repeat(Parser.MAX_HEIGHT), "x", "b1");
        assertEquals(2 + 2 * (Parser.MAX_HEIGHT - 1), e.position());
        assertTrue(e.getMessage().contains("too deep (more than 1000 chained operations)"), e.getMessage());
        model("b1" + "+x".repeat(Parser.MAX_HEIGHT - 1), "x", "b1");
    }

    @Test
    void lengthIsLimited() {
        ExpressionException e = fails("b1" + "+x".repeat(Compilation.MAX_LENGTH), "x", "b1");
        assertEquals(Compilation.MAX_LENGTH, e.position());
        assertTrue(e.getMessage().contains("expression longer than 10000 characters"), e.getMessage());
    }

    @Test
    void derivativeBlowUpIsLimited() {
        // The derivative of a product of n parameters by each of them is a product of n - 1 others.
        StringBuilder product = new StringBuilder("b0");
        StringBuilder names = new StringBuilder("b0");
        for (int i = 1; i < 150; i++) {
            product.append("*b").append(i);
            names.append(",b").append(i);
        }
        ExpressionException e = fails(product.toString(), "", names.toString());
        assertTrue(e.getMessage().contains("more than 5000 operations"), e.getMessage());
    }

    @Test
    void squareBracketsGroupLikeParenthesesAsNistWritesThem() {
        ExpressionModel nist = ExpressionModel.compile("b1*(1-exp[-b2*x])", List.of("x"), List.of("b1", "b2"));
        ExpressionModel plain = ExpressionModel.compile("b1*(1-exp(-b2*x))", List.of("x"), List.of("b1", "b2"));
        double[] p = {238.9, 5.5e-4};
        double[] x = {300.0};
        double[] j1 = new double[2];
        double[] j2 = new double[2];
        assertEquals(plain.value(p, x, 0, j2, 0), nist.value(p, x, 0, j1, 0));
        assertArrayEquals(j2, j1);
    }
}

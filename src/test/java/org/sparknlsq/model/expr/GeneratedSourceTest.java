package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated Java is built from the tree: user text never reaches the compiler. */
class GeneratedSourceTest {

    private static final List<String> HOSTILE_PARAMETERS =
            List.of("System", "exit", "java", "__x", "Runtime", "getRuntime", "exec", "Class", "forName");
    private static final List<String> HOSTILE_VARIABLES = List.of("Thread", "sleep", "_", "return", "class");

    @Test
    void identifiersNeverAppearInTheSource() {
        String expression = "System*exp(-exit*Thread) + java*__x/(1 + Runtime^2) + getRuntime*exec*sleep"
                + " + Class*_ + forName*return - class";
        ExpressionModel m = ExpressionModel.compile(expression, HOSTILE_VARIABLES, HOSTILE_PARAMETERS);
        String source = m.generatedSource();
        for (String name : HOSTILE_PARAMETERS) {
            assertFalse(source.contains(name), () -> name + " in\n" + source);
        }
        for (String name : List.of("Thread", "sleep", "__x")) {
            assertFalse(source.contains(name), () -> name + " in\n" + source);
        }
        double[] p = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] x = {0.5, 0.25, 2, 3, 4};
        double[] jac = new double[p.length];
        double v = m.value(p, x, 0, jac, 0);
        double expected = 1 * Math.exp(-2 * 0.5) + 3 * 4 / (1 + 5.0 * 5) + 6 * 7 * 0.25 + 8 * 2 + 9 * 3 - 4;
        assertEquals(expected, v, 1e-14 * Math.abs(expected));
        assertEquals(Math.exp(-2 * 0.5), jac[0], 1e-15);
    }

    @Test
    void numbersAreEmittedFromTheirParsedValue() {
        String source =
                ExpressionTestSupport.model("1e-4*b + 000.50*x", "x", "b").generatedSource();
        assertTrue(source.contains("1.0E-4"), source);
        assertTrue(source.contains("0.5"), source);
        assertFalse(source.contains("1e-4"), source);
        assertFalse(source.contains("000.50"), source);
    }

    /** Java syntax in the expression is a lexing error long before any code generation. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "b; System.exit(1)",
                "b/*x*/",
                "b // x",
                "\"b\"",
                "b + 'x'",
                "b{}",
                "b[0]",
                "b\\u0029",
                "b + System.exit(1)",
                "new Object()",
            })
    void javaSyntaxIsRejected(String expression) {
        assertThrows(ExpressionException.class, () -> ExpressionModel.compile(expression, List.of(), List.of("b")));
    }

    @Test
    void sourceIsAStraightLineMethodWithoutAllocation() {
        String source = ExpressionTestSupport.model("b1*(b2+x)**(-1/b3)", "x", "b1,b2,b3")
                .generatedSource();
        assertFalse(source.contains("new "), source);
        assertFalse(source.contains("for"), source);
        assertTrue(
                source.startsWith("public double value(double[] p, double[] x, int xOff, double[] jac, int jacOff)"));
    }
}

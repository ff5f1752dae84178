package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzzes the expression parser and compiler: any text either compiles or is refused with an
 * {@link ExpressionException}; nothing else escapes, nothing hangs, and the generated code holds
 * no text of the user's (neither the names given nor any string literal).
 */
class ExpressionFuzzTest {
    private static final List<String> VARIABLES = List.of("xvarname");
    private static final List<String> PARAMETERS = List.of("alphaparam", "betaparam");

    @FuzzTest(maxDuration = "10s")
    void anyTextCompilesOrIsRefused(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        ExpressionModel m;
        try {
            m = ExpressionModel.compile(text, VARIABLES, PARAMETERS);
        } catch (ExpressionException refused) {
            return;
        } catch (IllegalStateException tooLarge) {
            // a derivative past the documented size limit
            return;
        }
        String source = m.generatedSource();
        assertFalse(source.contains("\""), "no string literal in generated code: " + source);
        for (String name : List.of("xvarname", "alphaparam", "betaparam")) {
            assertFalse(source.contains(name), "a user's name in generated code: " + source);
        }
        double[] jac = new double[2];
        m.value(new double[] {1.5, -0.5}, new double[] {0.25}, 0, jac, 0);
    }
}

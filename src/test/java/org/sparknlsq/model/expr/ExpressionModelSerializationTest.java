package org.sparknlsq.model.expr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparknlsq.model.expr.ExpressionTestSupport.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.sparknlsq.model.CurveModel;

/** Java serialization, as Spark uses it to ship models to executors. */
class ExpressionModelSerializationTest {

    static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void roundTripEvaluatesIdentically() throws Exception {
        ExpressionModel original = model("b1*exp(-b2*x) + b3*exp(-(x-b4)**2 / b5**2)", "x", "b1,b2,b3,b4,b5");
        CurveModel copy = (CurveModel) deserialize(serialize(original));
        assertNotSame(original, copy);
        assertEquals(original, copy);
        assertEquals(original.describe(), copy.describe());
        assertEquals(original.parameterNames(), copy.parameterNames());
        assertEquals(original.variableNames(), copy.variableNames());
        double[] p = {98.8, 0.0105, 100.5, 67.5, 23.1};
        for (double x = 1; x < 250; x += 7.3) {
            double[] jacA = new double[5];
            double[] jacB = new double[5];
            double a = original.value(p, new double[] {x}, 0, jacA, 0);
            double b = copy.value(p, new double[] {x}, 0, jacB, 0);
            assertEquals(a, b, 0.0);
            assertArrayEquals(jacA, jacB, 0.0);
        }
        assertEquals(original.derivativeExpression("b4"), ((ExpressionModel) copy).derivativeExpression("b4"));
    }

    /** Only text travels: no JVM-local generated class, which another JVM could not load. */
    @Test
    void serializedFormHoldsOnlyTheTextAndTheNames() throws Exception {
        byte[] bytes = serialize(model("b1*(1-exp(-b2*x))", "x", "b1,b2"));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("b1*(1-exp(-b2*x))"));
        assertFalse(text.contains("Generated"), text);
        assertFalse(text.contains("janino"), text);
        assertFalse(text.contains("Compilation"), text);
        assertTrue(bytes.length < 600, "serialized size " + bytes.length);
    }

    @Test
    void copiesRecompileIndependently() throws Exception {
        byte[] bytes = serialize(model("a*x + b", "x", "a,b"));
        ExpressionModel first = (ExpressionModel) deserialize(bytes);
        ExpressionModel second = (ExpressionModel) deserialize(bytes);
        assertEquals(7.0, first.value(new double[] {2, 1}, new double[] {3}, 0, null, 0), 0.0);
        assertEquals(first.generatedSource(), second.generatedSource());
    }
}

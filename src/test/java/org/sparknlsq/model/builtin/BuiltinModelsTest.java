package org.sparknlsq.model.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparknlsq.model.CurveModel;
import org.sparknlsq.model.CurveModelContract;

class BuiltinModelsTest {

    private static final Map<String, CurveModel> BY_FACTORY = Map.ofEntries(
            Map.entry("linear", BuiltinModels.linear()),
            Map.entry("exponential_decay", BuiltinModels.exponentialDecay()),
            Map.entry("double_exponential", BuiltinModels.doubleExponential()),
            Map.entry("stretched_exponential", BuiltinModels.stretchedExponential()),
            Map.entry("gaussian", BuiltinModels.gaussian()),
            Map.entry("lorentzian", BuiltinModels.lorentzian()),
            Map.entry("pseudo_voigt", BuiltinModels.pseudoVoigt()),
            Map.entry("power_law", BuiltinModels.powerLaw()),
            Map.entry("logistic", BuiltinModels.logistic()),
            Map.entry("damped_sine", BuiltinModels.dampedSine()),
            Map.entry("xpcs_g2", BuiltinModels.xpcsG2()));

    @Test
    void namesAreStableAndInDocumentationOrder() {
        assertEquals(
                List.of(
                        "linear",
                        "polynomial:<n>",
                        "exponential_decay",
                        "double_exponential",
                        "stretched_exponential",
                        "gaussian",
                        "lorentzian",
                        "pseudo_voigt",
                        "power_law",
                        "logistic",
                        "damped_sine",
                        "xpcs_g2"),
                BuiltinModels.names());
        assertThrows(
                UnsupportedOperationException.class, () -> BuiltinModels.names().add("x"));
    }

    @Test
    void everyFixedNameResolvesToItsFactoryModel() {
        for (String name : BuiltinModels.names()) {
            if (!name.startsWith("polynomial")) {
                assertSame(BY_FACTORY.get(name), BuiltinModels.byName(name), name);
            }
        }
        assertEquals(BuiltinModels.names().size() - 1, BY_FACTORY.size());
    }

    @Test
    void aliasesCaseAndBlanks() {
        assertSame(BuiltinModels.pseudoVoigt(), BuiltinModels.byName("voigt"));
        assertSame(BuiltinModels.logistic(), BuiltinModels.byName("sigmoid"));
        assertSame(BuiltinModels.gaussian(), BuiltinModels.byName("  Gaussian\t"));
        assertSame(BuiltinModels.xpcsG2(), BuiltinModels.byName("XPCS_G2"));
    }

    @Test
    void polynomialSpellings() {
        assertEquals(BuiltinModels.polynomial(3), BuiltinModels.byName("polynomial:3"));
        assertEquals(BuiltinModels.polynomial(3), BuiltinModels.byName("poly3"));
        assertEquals(BuiltinModels.polynomial(0), BuiltinModels.byName("POLY0"));
        assertEquals(
                BuiltinModels.polynomial(Polynomial.MAX_DEGREE),
                BuiltinModels.byName("polynomial:" + Polynomial.MAX_DEGREE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"polynomial:65", "poly99999999999999999999", "poly100"})
    void polynomialDegreeOutOfRangeIsRejected(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BuiltinModels.byName(spec));
        assertTrue(e.getMessage().contains("[0, " + Polynomial.MAX_DEGREE + "]"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gauss", "polynomial", "polynomial:<n>", "poly-1", "poly:3", "line\nar"})
    void unknownNamesListTheValidOnesOnOneLine(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BuiltinModels.byName(spec));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        for (String name : BuiltinModels.names()) {
            assertTrue(message.contains(name), message);
        }
        assertTrue(message.contains("poly<n>") && message.contains("voigt") && message.contains("sigmoid"), message);
    }

    @Test
    void nullNameIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> BuiltinModels.byName(null));
    }

    @Test
    void builtinsAreEqualAfterSerializationAndPrintTheirFormula() throws IOException, ClassNotFoundException {
        for (CurveModel model : BY_FACTORY.values()) {
            CurveModel copy = CurveModelContract.roundTrip(model);
            assertEquals(model, copy);
            assertEquals(model.hashCode(), copy.hashCode());
            assertEquals(model.describe(), model.toString());
        }
        assertEquals(BuiltinModels.polynomial(5), CurveModelContract.roundTrip(BuiltinModels.polynomial(5)));
        assertFalse(BuiltinModels.gaussian().equals(BuiltinModels.lorentzian()));
    }
}

package org.sparknlsq.optim.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingOptionsTest {

    @Test
    void defaultsAreValid() {
        StreamingOptions o = StreamingOptions.defaults();
        assertEquals(List.of(), o.validate());
        assertEquals(10, o.maxEpochs());
        assertEquals(1.0, o.forgettingFactor());
    }

    @Test
    void everyViolationIsListedAtOnce() {
        StreamingOptions o = new StreamingOptions(0, 1.5, -1, 0);
        List<String> errors = o.validate();
        assertEquals(4, errors.size(), errors.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::requireValid);
        for (String s : List.of(
                "maxEpochs must be >= 1, got 0",
                "forgettingFactor must be in (0, 1], got 1.5",
                "costTolerance must be a finite number >= 0, got -1.0",
                "initialDamping must be positive and finite, got 0.0")) {
            assertTrue(e.getMessage().contains(s), s + " missing from: " + e.getMessage());
        }
    }

    @Test
    void nonFiniteValuesAreViolations() {
        StreamingOptions o = new StreamingOptions(1, Double.NaN, Double.POSITIVE_INFINITY, Double.NaN);
        assertEquals(3, o.validate().size(), o.validate().toString());
        assertEquals(1, new StreamingOptions(1, 0, 0, 1).validate().size());
    }

    @Test
    void withersChangeOneField() {
        StreamingOptions o = StreamingOptions.defaults()
                .withMaxEpochs(3)
                .withForgettingFactor(0.9)
                .withCostTolerance(1e-4)
                .withInitialDamping(0.5);
        assertEquals(new StreamingOptions(3, 0.9, 1e-4, 0.5), o);
    }
}

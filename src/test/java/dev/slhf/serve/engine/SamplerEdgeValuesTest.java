package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Extreme sampling values: clamped or refused where they would overflow, never an invalid token. */
class SamplerEdgeValuesTest {

    private static SamplingParams params(double temperature, double topP, int topK, double minP, double penalty) {
        return new SamplingParams(temperature, topP, topK, minP, penalty, 7L, 4, List.of(), false);
    }

    @Test
    void subnormalTemperaturesSampleAtTheClampedTemperature() {
        for (double t : new double[] {Double.MIN_VALUE, 1e-308, 5.6e-309, 1e-5}) {
            SamplingParams p = params(t, 1, 0, 0, 1);
            assertEquals(SamplingParams.MIN_TEMPERATURE, p.temperature(), "temperature " + t);
            // 1/T for the raw value is infinite; the clamped one picks the clear winner
            float[] logits = {1f, 30f, 2f, -5f};
            assertEquals(1, new Sampler(p).sample(logits, 0, 4));
        }
    }

    @Test
    void repetitionPenaltiesThatWouldOverflowAFloatAreRefused() {
        for (double r : new double[] {1e-38, Double.MIN_VALUE, 1e-3, 1e3, 1e300}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> params(1, 1, 0, 0, r));
            assertEquals("repetition_penalty", e.param());
        }
        Sampler lowest = new Sampler(params(1, 1, 0, 0, SamplingParams.MIN_REPETITION_PENALTY));
        lowest.observe(0);
        float[] logits = {3e4f, 1f, 0f};
        int token = lowest.sample(logits, 0, 3);
        assertTrue(Float.isFinite(logits[0]), "the penalised logit stays finite");
        assertEquals(0, token);
    }

    @Test
    void extremeTopPMinPAndTopKStillDrawAValidToken() {
        float[] base = {0.5f, 2f, 1f, -1f, 0f};
        SamplingParams[] cases = {params(1, Double.MIN_VALUE, 0, 0, 1), params(1, 1, Integer.MAX_VALUE, 0, 1),
            params(1, 1, 0, 1, 1), params(1, 1, 1, 1, 1), params(1e308, 1, 0, 0, 1), params(1, 1e-300, 1, 1, 100)};
        for (SamplingParams p : cases) {
            int token = new Sampler(p).sample(base.clone(), 0, base.length);
            assertTrue(token >= 0 && token < base.length, p + " gave " + token);
        }
        // top_p tiny, min_p 1 and top_k 1 keep only the most likely token
        assertEquals(1, new Sampler(cases[0]).sample(base.clone(), 0, base.length));
        assertEquals(1, new Sampler(cases[2]).sample(base.clone(), 0, base.length));
    }

    @Test
    void nonFiniteLogitsFallBackToTheArgmax() {
        float[] logits = {Float.NaN, Float.POSITIVE_INFINITY, 1f};
        int token = new Sampler(params(1, 1, 0, 0, 1)).sample(logits, 0, 3);
        assertTrue(token >= 0 && token < 3);
    }
}

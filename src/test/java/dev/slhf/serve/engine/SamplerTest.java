package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static SamplingParams params(double t, double topP, int topK, double minP, double rep, Long seed) {
        return new SamplingParams(t, topP, topK, minP, rep, seed, 10, List.of(), false);
    }

    private static float[] logits() {
        return new float[] {1.0f, 3.0f, 2.5f, -1.0f, 2.9f, 0.0f};
    }

    @Test
    void greedyTakesArgmaxAndFirstOnTies() {
        Sampler s = new Sampler(params(0, 1, 0, 0, 1, null));
        assertEquals(1, s.sample(logits(), 0, 6));
        assertEquals(0, s.sample(new float[] {2f, 2f, 1f}, 0, 3));
    }

    @Test
    void readsTheRowAtTheOffset() {
        Sampler s = new Sampler(params(0, 1, 0, 0, 1, null));
        float[] two = {9, 0, 0, 0, 0, 7};
        assertEquals(2, s.sample(two, 3, 3));
    }

    @Test
    void topKOneIsGreedy() {
        Sampler s = new Sampler(params(1.0, 1, 1, 0, 1, 42L));
        for (int i = 0; i < 50; i++) {
            assertEquals(1, s.sample(logits(), 0, 6));
        }
    }

    @Test
    void topKRestrictsTheCandidates() {
        Sampler s = new Sampler(params(5.0, 1, 3, 0, 1, 1L));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(s.sample(logits(), 0, 6));
        }
        assertEquals(Set.of(1, 4, 2), seen);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // probabilities ~ softmax: 1 (3.0) and 4 (2.9) hold > 0.5 together; with top_p 0.5 only they remain
        Sampler s = new Sampler(params(1.0, 0.5, 0, 0, 1, 3L));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(s.sample(logits(), 0, 6));
        }
        assertEquals(Set.of(1, 4), seen);
    }

    @Test
    void minPDropsUnlikelyTokens() {
        // min_p 0.5: keep tokens with p >= 0.5 * p(best): exp(-0.1)=0.90, exp(-0.5)=0.61 stay, exp(-2)=0.14 goes
        Sampler s = new Sampler(params(1.0, 1, 0, 0.5, 1, 5L));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(s.sample(logits(), 0, 6));
        }
        assertEquals(Set.of(1, 4, 2), seen);
    }

    @Test
    void sameSeedSameDrawsDifferentSeedDifferentDraws() {
        int[] a = draws(11L), b = draws(11L), c = draws(12L);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    private static int[] draws(long seed) {
        Sampler s = new Sampler(params(1.5, 1, 0, 0, 1, seed));
        int[] out = new int[64];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.sample(logits(), 0, 6);
        }
        return out;
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegative() {
        Sampler s = new Sampler(params(0, 1, 0, 0, 2.0, null));
        s.observe(1);
        s.observe(3);
        float[] l = logits();
        int pick = s.sample(l, 0, 6);
        assertEquals(1.5f, l[1]);
        assertEquals(-2.0f, l[3]);
        assertEquals(4, pick, "token 1 penalised below token 4");
    }

    @Test
    void distributionFollowsTheSoftmax() {
        Sampler s = new Sampler(params(1.0, 1, 0, 0, 1, 9L));
        float[] two = {0f, (float) Math.log(3)};
        int ones = 0, n = 20000;
        for (int i = 0; i < n; i++) {
            ones += s.sample(two.clone(), 0, 2);
        }
        double p = ones / (double) n;
        assertTrue(Math.abs(p - 0.75) < 0.02, "p(1) = " + p);
    }

    @Test
    void invalidParametersNameTheirField() {
        assertEquals("temperature", assertThrows(InvalidRequestException.class, () -> params(-0.1, 1, 0, 0, 1, null)).param());
        assertEquals("top_p", assertThrows(InvalidRequestException.class, () -> params(1, 0, 0, 0, 1, null)).param());
        assertEquals("top_p", assertThrows(InvalidRequestException.class, () -> params(1, 1.5, 0, 0, 1, null)).param());
        assertEquals("min_p", assertThrows(InvalidRequestException.class, () -> params(1, 1, 0, 2, 1, null)).param());
        assertEquals("repetition_penalty", assertThrows(InvalidRequestException.class, () -> params(1, 1, 0, 0, 0, null)).param());
        assertEquals("max_tokens", assertThrows(InvalidRequestException.class,
                () -> new SamplingParams(0, 1, 0, 0, 1, null, 0, List.of(), false)).param());
        assertEquals("temperature", assertThrows(InvalidRequestException.class, () -> params(Double.NaN, 1, 0, 0, 1, null)).param());
    }
}

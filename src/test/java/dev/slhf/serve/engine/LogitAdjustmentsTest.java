package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic of logit_bias, frequency and presence penalties, and their place in the sampler's order. */
class LogitAdjustmentsTest {

    private static SamplingParams greedy(double repetition, LogitAdjustments adjustments) {
        return new SamplingParams(0, 1, 0, 0, repetition, null, 10, List.of(), false).withAdjustments(adjustments);
    }

    @Test
    void frequencyCountsEachGeneratedOccurrenceAndPresenceOnlyOnce() {
        TokenPenalties p = new TokenPenalties(new LogitAdjustments(0.5, 0.25, Map.of()));
        p.generated(1);
        p.generated(1);
        p.generated(3);
        float[] row = {0, 0, 0, 0};
        p.applyPenalties(row, 0, 4);
        // token 1: 2 * 0.5 + 0.25; token 3: 1 * 0.5 + 0.25; unseen tokens untouched
        assertArrayEquals(new float[] {0, -1.25f, 0, -0.75f}, row);
    }

    @Test
    void promptTokensDoNotCountForFrequencyOrPresence() {
        Sampler s = new Sampler(greedy(1.0, new LogitAdjustments(2.0, 2.0, Map.of())));
        s.observeAll(new int[] {0, 0, 0});
        assertEquals(0, s.sample(new float[] {1f, 0.5f}, 0, 2), "the prompt's token 0 is not penalised");
        s.observe(0);
        assertEquals(1, s.sample(new float[] {1f, 0.5f}, 0, 2), "once generated, it is");
    }

    @Test
    void biasDecidesGreedyBeforeTheShortcut() {
        Sampler s = new Sampler(greedy(1.0, new LogitAdjustments(0, 0, Map.of(2, 100.0, 0, -100.0))));
        assertEquals(2, s.sample(new float[] {5f, 4f, -3f}, 0, 3));
    }

    @Test
    void biasComesBeforeTheRepetitionPenaltyAsInVllm() {
        // logit -2 + bias 3 = 1, then repetition 2 divides the now positive logit: 0.5.
        // The other way round would give -2 * 2 + 3 = -1.
        Sampler s = new Sampler(greedy(2.0, new LogitAdjustments(0, 0, Map.of(0, 3.0))));
        s.observeAll(new int[] {0});
        float[] row = {-2f, 1.5f};
        s.sample(row, 0, 2);
        assertEquals(0.5f, row[0]);
    }

    @Test
    void penaltiesComeAfterTheRepetitionPenalty() {
        Sampler s = new Sampler(greedy(2.0, new LogitAdjustments(1.0, 0, Map.of())));
        s.observe(0);
        float[] row = {4f, 0f};
        s.sample(row, 0, 2);
        assertEquals(1f, row[0], "4 / 2 - 1, not (4 - 1) / 2");
    }

    @Test
    void rangesAreOpenAis() {
        assertEquals("frequency_penalty",
                assertThrows(InvalidRequestException.class, () -> new LogitAdjustments(2.5, 0, Map.of())).param());
        assertEquals("presence_penalty",
                assertThrows(InvalidRequestException.class, () -> new LogitAdjustments(0, -2.01, Map.of())).param());
        assertEquals("logit_bias",
                assertThrows(InvalidRequestException.class, () -> new LogitAdjustments(0, 0, Map.of(1, 100.5))).param());
        LogitAdjustments outside = new LogitAdjustments(0, 0, Map.of(7, 1.0));
        assertEquals("logit_bias", assertThrows(InvalidRequestException.class, () -> outside.checkVocabulary(7)).param());
        outside.checkVocabulary(8);
    }
}

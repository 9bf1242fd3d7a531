package dev.slhf.serve.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.LogitAdjustments;
import dev.slhf.serve.engine.SamplingParams;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Frequency and presence penalties on real ONNX inference, read as token ids: the fixture's greedy
 * output repeats tokens; a strong penalty changes it and no id is generated twice.
 */
class PenaltiesOnFixtureTest {

    private static final int TOKENS = 40;
    private static LoadedModel model;
    private static int[] prompt;

    @BeforeAll
    static void load() {
        model = Fixture.load("tiny-qwen", EngineSettings.defaults());
        prompt = model.encode("The quick brown fox jumps over the lazy dog");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<Integer> greedy(LogitAdjustments adjustments) throws Exception {
        SamplingParams p = new SamplingParams(0, 1, 0, 0, 1, null, TOKENS, List.of(), true).withAdjustments(adjustments);
        GenerationResult r = model.generate(prompt, p, e -> {}).result().get(60, TimeUnit.SECONDS);
        assertEquals(TOKENS, r.tokenIds().size());
        return r.tokenIds();
    }

    private static int repeats(List<Integer> ids) {
        return ids.size() - new HashSet<>(ids).size();
    }

    @Test
    void frequencyPenaltyRemovesRepetition() throws Exception {
        List<Integer> plain = greedy(LogitAdjustments.NONE);
        assertTrue(repeats(plain) > 5, "precondition: the fixture's greedy output repeats: " + plain);
        List<Integer> penalised = greedy(new LogitAdjustments(2.0, 0, Map.of()));
        assertNotEquals(plain, penalised);
        assertEquals(0, repeats(penalised), penalised.toString());
        assertTrue(repeats(greedy(new LogitAdjustments(-2.0, 0, Map.of()))) > repeats(plain),
                "a negative penalty rewards repetition");
    }

    @Test
    void presencePenaltyRemovesRepetition() throws Exception {
        List<Integer> plain = greedy(LogitAdjustments.NONE);
        List<Integer> penalised = greedy(new LogitAdjustments(0, 2.0, Map.of()));
        assertNotEquals(plain, penalised);
        assertEquals(0, repeats(penalised), penalised.toString());
    }

    @Test
    void theFirstTokenIsUnpenalisedBecauseThePromptDoesNotCount() throws Exception {
        List<Integer> plain = greedy(LogitAdjustments.NONE);
        List<Integer> penalised = greedy(new LogitAdjustments(2.0, 2.0, Map.of()));
        assertEquals(plain.get(0), penalised.get(0));
    }

    @Test
    void logitBiasForcesItsToken() throws Exception {
        assertEquals(List.of(65), List.copyOf(new HashSet<>(greedy(new LogitAdjustments(0, 0, Map.of(65, 100.0))))));
    }
}

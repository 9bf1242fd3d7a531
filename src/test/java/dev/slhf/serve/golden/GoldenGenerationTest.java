package dev.slhf.serve.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Our ONNX Runtime greedy decoding with a KV cache must equal PyTorch's greedy decoding by full
 * recomputation, token for token, on prompts from a few tokens to more than 600.
 */
class GoldenGenerationTest {

    private static final JsonNode GOLDEN = Fixture.golden();

    @Test
    void goldenSetCoversShortAndLongPrompts() {
        int longest = 0, cases = 0;
        for (JsonNode c : GOLDEN.get("cases")) {
            cases++;
            longest = Math.max(longest, c.get("prompt_ids").size());
            assertTrue(c.get("continuation_ids").size() >= 32);
        }
        assertTrue(cases >= 5, "at least five prompts");
        assertTrue(longest > 600, "one prompt longer than 600 tokens");
    }

    @TestFactory
    Stream<DynamicTest> greedyMatchesPyTorch() {
        return Stream.of(512, 37).flatMap(chunk -> Stream.concat(cases("tiny-qwen", GOLDEN.get("cases"), chunk),
                // the same weights with num_logits_to_keep: only the kept positions are projected
                cases("tiny-qwen-keep", GOLDEN.get("cases"), chunk)));
    }

    @TestFactory
    Stream<DynamicTest> variantsMatchPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        GOLDEN.get("variants").fields().forEachRemaining(v -> cases(v.getKey(), v.getValue(), 512).forEach(tests::add));
        return tests.stream();
    }

    @Test
    void promptsTokenizeLikeTheReference() {
        try (LoadedModel model = Fixture.load("tiny-qwen", EngineSettings.defaults())) {
            for (JsonNode c : GOLDEN.get("cases")) {
                assertArrayEquals(Fixture.ints(c.get("prompt_ids")), model.encode(c.get("text").asText()),
                        c.get("name").asText());
            }
            for (JsonNode c : GOLDEN.get("tokenizer_cases")) {
                assertArrayEquals(Fixture.ints(c.get("ids")), model.encode(c.get("text").asText()), c.get("text").asText());
            }
        }
    }

    private static Stream<DynamicTest> cases(String modelName, JsonNode cases, int prefillChunk) {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(modelName + "/" + c.get("name").asText() + "/chunk" + prefillChunk, () -> {
                try (LoadedModel model = Fixture.load(modelName, new EngineSettings(1, 4, prefillChunk))) {
                    int[] expected = Fixture.ints(c.get("continuation_ids"));
                    SamplingParams greedy = new SamplingParams(0, 1, 0, 0, 1, null, expected.length, List.of(), true);
                    GenerationResult r = model.generate(Fixture.ints(c.get("prompt_ids")), greedy, e -> {})
                            .result().get(60, TimeUnit.SECONDS);
                    int[] actual = r.tokenIds().stream().mapToInt(Integer::intValue).toArray();
                    assertArrayEquals(expected, actual, "prompt of " + c.get("prompt_ids").size() + " tokens");
                    assertEquals(expected.length, r.completionTokens());
                }
            }));
        }
        return tests.stream();
    }
}

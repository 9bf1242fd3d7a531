package dev.slhf.serve.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slhf.serve.app.ModelLoader;
import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.EngineSettings;
import dev.slhf.serve.engine.GenerationEvent;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.onnx.OnnxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Continuous batching must not change anyone's tokens: sequences of different prompt and output
 * lengths, decoded together with left padding and joining/leaving at different steps, produce
 * exactly what each produces alone.
 */
class BatchedGenerationTest {

    private static final String[] TEXTS = {
        "Hi", "Sort these numbers: 42 7 19 3", "The quick brown fox jumps over the lazy dog.",
        "café naïve 日本語", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", "Reverse: alpha beta gamma delta",
        "Once upon a time, in a land far away, there lived a small robot who liked numbers very much.",
        "?", "Count the letter r in strawberry", "Uppercase this phrase: hello world",
    };

    private static List<int[]> prompts(LoadedModel model) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            String text = TEXTS[i % TEXTS.length] + (i >= TEXTS.length ? " again and again".repeat(i - TEXTS.length + 1) : "");
            out.add(model.encode(text));
        }
        return out;
    }

    private static int maxTokens(int i) {
        return 5 + (i * 7) % 36;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-qwen", "tiny-qwen-nopos", "tiny-qwen-fp16", "tiny-qwen-keep"})
    void greedyBatchedEqualsIsolated(String name) throws Exception {
        AtomicInteger widest = new AtomicInteger();
        EngineMetrics metrics = new EngineMetrics() {
            @Override
            public void step(Phase phase, int rows, int tokens, long nanos) {
                widest.accumulateAndGet(rows, Math::max);
            }
        };
        try (LoadedModel model = ModelLoader.load(name, Fixture.model(name), new OnnxOptions(2, 1),
                new EngineSettings(16, 64, 512), metrics)) {
            List<int[]> prompts = prompts(model);
            List<List<Integer>> isolated = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                SamplingParams p = new SamplingParams(0, 1, 0, 0, 1, null, maxTokens(i), List.of(), true);
                isolated.add(model.generate(prompts.get(i), p, e -> {}).result().get(60, TimeUnit.SECONDS).tokenIds());
            }
            assertEquals(1, widest.get(), "isolated runs decode alone");

            List<GenerationHandle> handles = new ArrayList<>();
            List<StringBuilder> streamed = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                SamplingParams p = new SamplingParams(0, 1, 0, 0, 1, null, maxTokens(i), List.of(), true);
                StringBuilder sb = new StringBuilder();
                streamed.add(sb);
                handles.add(model.generate(prompts.get(i), p, e -> {
                    if (e instanceof GenerationEvent.Delta d) {
                        sb.append(d.text());
                    }
                }));
            }
            for (int i = 0; i < handles.size(); i++) {
                GenerationResult r = handles.get(i).result().get(120, TimeUnit.SECONDS);
                assertEquals(isolated.get(i), r.tokenIds(), "request " + i + " (" + prompts.get(i).length
                        + " prompt tokens, " + maxTokens(i) + " new)");
                assertEquals(r.text(), streamed.get(i).toString(), "streamed pieces == final text under load");
            }
            assertTrue(widest.get() >= 8, "requests really shared decode passes (widest " + widest.get() + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 12345})
    void seededSamplingIsIndependentOfTheBatch(int seed) throws Exception {
        try (LoadedModel model = Fixture.load("tiny-qwen", new EngineSettings(16, 64, 512))) {
            List<int[]> prompts = prompts(model);
            SamplingParams sampled = new SamplingParams(1.0, 0.9, 40, 0.02, 1.1, (long) seed, 30, List.of(), true);
            List<Integer> alone = model.generate(prompts.get(3), sampled, e -> {}).result().get(60, TimeUnit.SECONDS)
                    .tokenIds();
            List<GenerationHandle> crowd = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                SamplingParams other = new SamplingParams(1.0, 1, 0, 0, 1, (long) i, maxTokens(i), List.of(), true);
                crowd.add(model.generate(prompts.get(i), other, e -> {}));
                if (i == 5) {
                    crowd.add(model.generate(prompts.get(3), sampled, e -> {}));
                }
            }
            assertEquals(alone, crowd.get(6).result().get(60, TimeUnit.SECONDS).tokenIds());
            for (GenerationHandle h : crowd) {
                h.result().get(60, TimeUnit.SECONDS);
            }
        }
    }
}

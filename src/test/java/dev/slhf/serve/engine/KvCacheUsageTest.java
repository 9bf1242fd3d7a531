package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The KV-cache usage gauge counts the positions running sequences hold, over slots × context. */
class KvCacheUsageTest {

    @Test
    void usageGrowsWithTheSequenceAndReturnsToZero() throws Exception {
        FakeTokenizer tokenizer = new FakeTokenizer("a", "b", "c", "d", "<eos>");
        FakeLm lm = new FakeLm(5, p -> p % 5);
        int context = 64;
        int slots = 4;
        try (EngineLoop engine = new EngineLoop("fake", lm, tokenizer, Set.of(tokenizer.eos()), context,
                new EngineSettings(slots, 8, 512))) {
            assertEquals(0.0, engine.kvCacheUsage());
            List<Double> seen = new CopyOnWriteArrayList<>();
            int prompt = 3;
            int max = 10;
            SamplingParams params = new SamplingParams(0, 1, 0, 0, 1, null, max, List.of(), true);
            engine.submit(new GenerationRequest(new int[] {0, 1, 2}, params, ev -> {
                if (ev instanceof GenerationEvent.Delta) {
                    seen.add(engine.kvCacheUsage());
                }
            })).result().get(10, TimeUnit.SECONDS);

            double capacity = (double) slots * context;
            assertTrue(seen.size() >= 3, "deltas observed: " + seen);
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) >= seen.get(i - 1), "never shrinks while one sequence runs: " + seen);
            }
            // read during a step, the gauge shows what the previous step left cached: at least the prompt
            double last = seen.get(seen.size() - 1);
            assertTrue(last >= (prompt + 1) / capacity, "prompt and generated tokens held: " + seen);
            assertTrue(last <= (prompt + max) / capacity, "no more than the sequence's length: " + seen);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (engine.kvCacheUsage() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0.0, engine.kvCacheUsage(), "a finished sequence holds nothing");
        }
    }
}

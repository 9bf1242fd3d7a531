package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Admission by request: a full queue refuses a request's first generation, never a later round of
 * an accepted one, and those later rounds are admitted ahead of new requests.
 */
class AdmissionTest {

    private final FakeTokenizer tokenizer = new FakeTokenizer("a", "b", "c", "d", "<eos>");
    private final FakeLm lm = new FakeLm(5, p -> p % 5);
    private EngineLoop engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static GenerationRequest request(int tokens, List<String> firstTokens, String name) {
        boolean[] seen = {false};
        return new GenerationRequest(new int[] {0}, new SamplingParams(0, 1, 0, 0, 1, null, tokens, List.of(), true),
                ev -> {
                    if (ev instanceof GenerationEvent.Delta && !seen[0]) {
                        seen[0] = true;
                        firstTokens.add(name);
                    }
                });
    }

    @Test
    void aReservedRoundIsQueuedWhenTheQueueIsFullAndRunsBeforeEarlierNewRequests() throws Exception {
        // one batch slot, a queue of one
        engine = new EngineLoop("fake", lm, tokenizer, Set.of(tokenizer.eos()), 1000, new EngineSettings(1, 1, 512));
        List<String> order = new CopyOnWriteArrayList<>();
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        GenerationHandle busy = engine.submit(new GenerationRequest(new int[] {0},
                new SamplingParams(0, 1, 0, 0, 1, null, 6, List.of(), true), ev -> {
                    // on the engine thread between two steps: nothing else can be admitted meanwhile
                    if (ev instanceof GenerationEvent.Delta && outcomes.isEmpty()) {
                        outcomes.add(engine.submit(request(3, order, "new")));
                        try {
                            outcomes.add(engine.submit(request(3, order, "refused")));
                        } catch (EngineOverloadedException e) {
                            outcomes.add(e);
                        }
                        outcomes.add(engine.submit(request(3, order, "reserved"), Admission.RESERVED));
                    }
                }));
        busy.result().get(10, TimeUnit.SECONDS);
        assertEquals(3, outcomes.size());
        assertInstanceOf(EngineOverloadedException.class, outcomes.get(1), "the queue of one is full for new requests");
        for (int i : new int[] {0, 2}) {
            GenerationResult r = ((GenerationHandle) outcomes.get(i)).result().get(10, TimeUnit.SECONDS);
            assertEquals(3, r.completionTokens());
        }
        assertEquals(List.of("reserved", "new"), order, "the reserved round was admitted first");
        assertTrue(engine.hasRoom());
    }
}

package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Finishing rules inside accepted speculative runs, cancellation between verify passes, and the
 * cost of a failed lookup, on a fake model: position p predicts token p % 7, so a prompt that
 * already holds the cycle makes every proposal right and runs of 8 tokens are accepted per pass.
 */
class SpeculativeEngineTest {

    private final FakeTokenizer tokenizer = new FakeTokenizer("a", "b", "c", "d", "e", "f", "g", "<eos>");
    private final FakeLm lm = new FakeLm(8, p -> p % 7);
    /** The cycle twice: the generated text continues it, so every proposal is right. */
    private static final int[] CYCLE = {0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6};
    private final AtomicInteger drafts = new AtomicInteger(), accepted = new AtomicInteger();
    private final List<String> roles = new CopyOnWriteArrayList<>();
    private EngineLoop engine;

    private EngineLoop engine(int k, Set<Integer> stopIds) {
        EngineMetrics metrics = new EngineMetrics() {
            @Override
            public void speculated(String role, int proposed, int acceptedTokens) {
                drafts.incrementAndGet();
                accepted.addAndGet(acceptedTokens);
                roles.add(role);
            }
        };
        engine = new EngineLoop("fake", lm, tokenizer, stopIds, 10_000,
                new EngineSettings(8, 16, 512).withSpeculativeTokens(k), metrics);
        return engine;
    }

    @AfterEach
    void close() throws InterruptedException {
        if (engine != null) {
            engine.close();
        }
        assertEquals(0, lm.openCaches.get(), "every KV cache closed");
    }

    private static SamplingParams greedy(Integer max, List<String> stop) {
        return new SamplingParams(0, 1, 0, 0, 1, null, max, stop, false);
    }

    private GenerationResult run(int[] prompt, SamplingParams p) throws Exception {
        return engine.submit(new GenerationRequest(prompt, p, "follower", e -> {})).result().get(10, TimeUnit.SECONDS);
    }

    private static String cycleText(int from, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append((char) ('a' + (from + i) % 7));
        }
        return sb.toString();
    }

    @Test
    void acceptedRunsTakeFewerPassesAndGiveTheSameTokens() throws Exception {
        engine(8, Set.of());
        GenerationResult r = run(CYCLE, greedy(40, List.of()));
        assertEquals(cycleText(CYCLE.length, 40), r.text());
        // the first token comes from the prefill, then up to 9 per pass (8 accepted + 1): 39 in 5 passes
        assertEquals(5, lm.decodeWidths.size(), "passes: " + lm.decodeWidths);
        assertTrue(lm.decodeWidths.stream().allMatch(w -> w <= 9), "at most 1 + 8 positions: " + lm.decodeWidths);
        assertTrue(accepted.get() >= 39 - 5 - 4, "nearly every token came from an accepted proposal: " + accepted);
        assertEquals(List.of("follower"), roles.stream().distinct().toList(), "metrics carry the request's role");
    }

    @Test
    void maxTokensCutsAnAcceptedRun() throws Exception {
        engine(8, Set.of());
        GenerationResult r = run(CYCLE, greedy(6, List.of()));
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(6, r.completionTokens());
        assertEquals(cycleText(CYCLE.length, 6), r.text());
        // after the prefill's token, 5 remain: 4 proposed plus the pass's own token, in one pass of width 5
        assertEquals(List.of(5), lm.decodeWidths, "the proposal was capped at what max_tokens leaves");
    }

    @Test
    void aStopTokenInsideAnAcceptedRunEndsItThere() throws Exception {
        engine(8, Set.of(5)); // "f" is an end-of-sequence token here
        GenerationResult r = run(CYCLE, greedy(40, List.of()));
        // generation starts at position 14 -> "a" (14 % 7 = 0) and stops at the first "f"
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), r.tokenIds());
        assertEquals("abcde", r.text());
        assertEquals(1, lm.decodeWidths.size(), "stopped inside the first verify pass");
    }

    @Test
    void aStopStringInsideAnAcceptedRunEndsItThereAndStreamsOnlyTheTextBeforeIt() throws Exception {
        engine(8, Set.of());
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = engine.submit(new GenerationRequest(CYCLE, greedy(40, List.of("def")), "leader", e -> {
            if (e instanceof GenerationEvent.Delta d) {
                streamed.append(d.text());
            }
        })).result().get(10, TimeUnit.SECONDS);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals("abc", r.text());
        assertEquals("abc", streamed.toString());
        assertEquals(6, r.completionTokens(), "tokens up to the one completing the stop string");
    }

    @Test
    void noMatchMeansAnOrdinaryOneTokenPass() throws Exception {
        engine(8, Set.of());
        // prompt [6]: nothing to look up in, and the generated cycle does not recur for 7 tokens
        GenerationResult r = run(new int[] {6}, greedy(6, List.of()));
        assertEquals(cycleText(1, 6), r.text());
        // a one-token prompt's prefill is a width-1 pass too: 1 + 5 passes, all one token wide
        assertEquals(List.of(1, 1, 1, 1, 1, 1), lm.decodeWidths);
        assertEquals(0, drafts.get());
    }

    @Test
    void speculationOffIsPlainDecoding() throws Exception {
        engine(0, Set.of());
        GenerationResult r = run(CYCLE, greedy(10, List.of()));
        assertEquals(cycleText(CYCLE.length, 10), r.text());
        assertEquals(9, lm.decodeWidths.size());
        assertTrue(lm.decodeWidths.stream().allMatch(w -> w == 1));
    }

    @Test
    void cancellationInTheMiddleOfAVerifyPassActsBeforeTheNextOne() throws Exception {
        engine(8, Set.of());
        AtomicReference<GenerationHandle> handle = new AtomicReference<>();
        List<String> deltas = new CopyOnWriteArrayList<>();
        AtomicInteger cancelledIn = new AtomicInteger();
        lm.onForward = () -> {
            // while a verify pass runs (the second one, or a later one if submit returned late)
            if (lm.decodeWidths.size() >= 2 && handle.get() != null && cancelledIn.get() == 0) {
                cancelledIn.set(lm.decodeWidths.size());
                handle.get().cancel();
            }
        };
        GenerationRequest req = new GenerationRequest(CYCLE, greedy(null, List.of()), e -> {
            if (e instanceof GenerationEvent.Delta d) {
                deltas.add(d.text());
            }
        });
        handle.set(engine.submit(req));
        ExecutionException ex = assertThrows(ExecutionException.class,
                () -> handle.get().result().get(10, TimeUnit.SECONDS));
        assertInstanceOf(GenerationCancelledException.class, ex.getCause());
        assertEquals(cancelledIn.get(), lm.decodeWidths.size(), "no pass after the cancelled one: " + lm.decodeWidths);
        assertTrue(lm.decodeWidths.get(cancelledIn.get() - 1) > 1, "it was a verify pass");
        String text = String.join("", deltas);
        assertTrue(text.length() > 10 && text.equals(cycleText(CYCLE.length, text.length())),
                "the pass in flight still delivered its accepted run: " + text);
        lm.onForward = () -> {};
        // a fresh request after the cancellation decodes normally
        assertEquals(cycleText(CYCLE.length, 12), run(CYCLE, greedy(12, List.of())).text());
    }

    @Test
    void rowsWithAndWithoutProposalsShareOnePass() throws Exception {
        engine(8, Set.of());
        lm.stepDelayMillis = 1;
        List<GenerationHandle> hs = new ArrayList<>();
        hs.add(engine.submit(new GenerationRequest(CYCLE, greedy(30, List.of()), e -> {})));
        hs.add(engine.submit(new GenerationRequest(new int[] {6}, greedy(5, List.of()), e -> {})));
        assertEquals(cycleText(CYCLE.length, 30), hs.get(0).result().get(10, TimeUnit.SECONDS).text());
        assertEquals(cycleText(1, 5), hs.get(1).result().get(10, TimeUnit.SECONDS).text());
    }
}

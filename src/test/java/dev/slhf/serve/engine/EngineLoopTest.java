package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scheduling and finishing rules, on a fake model whose output is known in advance. */
class EngineLoopTest {

    // Position p predicts token (p % 5): "a","b","c","d" then eos every fifth position.
    private final FakeTokenizer tokenizer = new FakeTokenizer("a", "b", "c", "d", "<eos>");
    private final FakeLm lm = new FakeLm(5, p -> p % 5);
    private EngineLoop engine;

    private EngineLoop engine(int context, EngineSettings settings) {
        engine = new EngineLoop("fake", lm, tokenizer, Set.of(tokenizer.eos()), context, settings);
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
            assertEquals(0, lm.openCaches.get(), "shutdown frees every KV cache, the prefix cache's included");
        }
    }

    /**
     * Every cache but the prefix cache's entries is closed. The engine thread releases caches right
     * after completing the futures: give it a moment.
     */
    private void assertAllCachesClosed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lm.openCaches.get() != engine.prefixCacheEntries() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(engine.prefixCacheEntries(), lm.openCaches.get(), "every KV cache closed but the prefix cache's");
    }

    /** After a failure, abort or cancellation: a fresh request still gets all its tokens. */
    private static void assertStillServes(EngineLoop e, int tokens) throws Exception {
        GenerationResult r = e.submit(new GenerationRequest(new int[] {0}, greedy(tokens, List.of(), true), ev -> {}))
                .result().get(10, TimeUnit.SECONDS);
        assertEquals(tokens, r.completionTokens(), "the engine keeps serving");
    }

    private static SamplingParams greedy(Integer max, List<String> stop, boolean ignoreEos) {
        return new SamplingParams(0, 1, 0, 0, 1, null, max, stop, ignoreEos);
    }

    @Test
    void stopsAtEosWhichIsCountedButNotShown() throws Exception {
        EngineLoop e = engine(64, EngineSettings.defaults());
        List<GenerationEvent> events = new CopyOnWriteArrayList<>();
        // prompt of 2 tokens: positions predicted 2,3,4 -> c, d, eos
        GenerationResult r = e.submit(new GenerationRequest(new int[] {0, 1}, greedy(50, List.of(), false), events::add))
                .result().get(5, TimeUnit.SECONDS);
        assertEquals("cd", r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(3, r.completionTokens());
        assertEquals(2, r.promptTokens());
        assertInstanceOf(GenerationEvent.Finished.class, events.get(events.size() - 1));
        StringBuilder concatenated = new StringBuilder();
        events.stream().filter(ev -> ev instanceof GenerationEvent.Delta)
                .forEach(ev -> concatenated.append(((GenerationEvent.Delta) ev).text()));
        assertEquals(r.text(), concatenated.toString());
        assertAllCachesClosed();
    }

    @Test
    void maxTokensEndsWithLength() throws Exception {
        EngineLoop e = engine(64, EngineSettings.defaults());
        GenerationResult r = e.submit(new GenerationRequest(new int[] {0}, greedy(6, List.of(), true), ev -> {}))
                .result().get(5, TimeUnit.SECONDS);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(6, r.completionTokens());
        assertEquals("bcdab", r.text());
    }

    @Test
    void stopStringAcrossTokensIsExcluded() throws Exception {
        EngineLoop e = engine(64, EngineSettings.defaults());
        GenerationResult r = e.submit(new GenerationRequest(new int[] {0}, greedy(20, List.of("da"), true), ev -> {}))
                .result().get(5, TimeUnit.SECONDS);
        assertEquals("bc", r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
    }

    @Test
    void contextLimitEndsWithLengthWithoutOverflow() throws Exception {
        EngineLoop e = engine(8, EngineSettings.defaults());
        GenerationResult r = e.submit(new GenerationRequest(new int[] {0, 1, 2}, greedy(null, List.of(), true), ev -> {}))
                .result().get(5, TimeUnit.SECONDS);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(8, r.promptTokens() + r.completionTokens(), "prompt + output fill the context exactly");
    }

    @Test
    void promptBeyondContextIsRejectedUpFront() {
        EngineLoop e = engine(4, EngineSettings.defaults());
        InvalidRequestException ex = assertThrows(InvalidRequestException.class,
                () -> e.submit(new GenerationRequest(new int[] {0, 1, 2, 3}, greedy(1, List.of(), false), ev -> {})));
        assertEquals("context_length_exceeded", ex.code());
        InvalidRequestException tooMany = assertThrows(InvalidRequestException.class,
                () -> e.submit(new GenerationRequest(new int[] {0, 1}, greedy(3, List.of(), false), ev -> {})));
        assertEquals("max_tokens", tooMany.param());
    }

    @Test
    void prefillInChunksGivesTheSameResult() throws Exception {
        engine(64, new EngineSettings(1, 4, 2));
        int[] prompt = {0, 1, 2, 3, 0, 1, 2};
        GenerationResult chunked = engine.submit(new GenerationRequest(prompt, greedy(4, List.of(), true), ev -> {}))
                .result().get(5, TimeUnit.SECONDS);
        assertEquals(4 + 3, lm.forwards.get(), "7 prompt tokens in chunks of 2 = 4 passes, then 3 decode passes");
        assertEquals("cda", chunked.text());
    }

    @Test
    void runtimeFailureFailsOnlyThatSequence() throws Exception {
        EngineLoop e = engine(64, EngineSettings.defaults());
        lm.failAtPosition = 10;
        GenerationHandle failing = e.submit(new GenerationRequest(new int[] {0}, greedy(30, List.of(), true), ev -> {}));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> failing.result().get(5, TimeUnit.SECONDS));
        assertInstanceOf(GenerationFailedException.class, ex.getCause());
        lm.failAtPosition = -1;
        assertStillServes(e, 3);
        assertAllCachesClosed();
    }

    @Test
    void cancelStopsARunningSequenceAndFreesItsCache() throws Exception {
        EngineLoop e = engine(100_000, EngineSettings.defaults());
        lm.stepDelayMillis = 2;
        List<String> deltas = new CopyOnWriteArrayList<>();
        GenerationHandle h = e.submit(new GenerationRequest(new int[] {0}, greedy(null, List.of(), true), ev -> {
            if (ev instanceof GenerationEvent.Delta d) {
                deltas.add(d.text());
            }
        }));
        while (deltas.size() < 3) {
            Thread.onSpinWait();
        }
        h.cancel();
        ExecutionException ex = assertThrows(ExecutionException.class, () -> h.result().get(5, TimeUnit.SECONDS));
        assertInstanceOf(GenerationCancelledException.class, ex.getCause());
        assertAllCachesClosed();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (e.runningCount() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, e.runningCount(), "the cancelled sequence left the batch");
    }

    @Test
    void aListenerThatThrowsCancelsItsSequenceInsteadOfHangingIt() throws Exception {
        EngineLoop e = engine(100_000, EngineSettings.defaults());
        GenerationHandle h = e.submit(new GenerationRequest(new int[] {0}, greedy(null, List.of(), true), ev -> {
            if (ev instanceof GenerationEvent.Delta) {
                throw new IllegalStateException("connection closed");
            }
        }));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> h.result().get(10, TimeUnit.SECONDS));
        assertInstanceOf(GenerationCancelledException.class, ex.getCause());
        assertStillServes(e, 3);
        assertAllCachesClosed();
    }

    @Test
    void fullQueueIsRefusedWithOverload() throws Exception {
        EngineLoop e = engine(100_000, new EngineSettings(1, 1, 512));
        lm.stepDelayMillis = 5;
        List<GenerationHandle> accepted = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            try {
                accepted.add(e.submit(new GenerationRequest(new int[] {0}, greedy(5, List.of(), true), ev -> {})));
            } catch (EngineOverloadedException ex) {
                refused++;
                assertTrue(ex.retryAfterSeconds() >= 1);
            }
        }
        assertTrue(refused >= 1, "a queue of one cannot take six at once");
        for (GenerationHandle h : accepted) {
            assertEquals(5, h.result().get(10, TimeUnit.SECONDS).completionTokens());
        }
    }

    @Test
    void severalSequencesDecodeInOneBatchedPass() throws Exception {
        EngineLoop e = engine(64, new EngineSettings(4, 8, 512));
        lm.stepDelayMillis = 1;
        List<GenerationHandle> hs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hs.add(e.submit(new GenerationRequest(new int[] {0, 1}, greedy(10, List.of(), true), ev -> {})));
        }
        for (GenerationHandle h : hs) {
            assertEquals("cdabcdab", h.result().get(10, TimeUnit.SECONDS).text());
        }
        assertEquals(4, lm.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0),
                "the four decodes shared forward passes");
        assertAllCachesClosed();
    }

    @Test
    void queuedPromptsArePrefilledTogether() throws Exception {
        EngineLoop e = engine(256, new EngineSettings(8, 16, 512));
        List<GenerationHandle> wave = new CopyOnWriteArrayList<>();
        // The wave is submitted from the busy sequence's first delta, i.e. on the engine thread
        // between two steps, so all four are queued when the engine next admits.
        GenerationHandle busy = e.submit(new GenerationRequest(new int[] {0, 1}, greedy(6, List.of(), true), ev -> {
            if (ev instanceof GenerationEvent.Delta && wave.isEmpty()) {
                for (int i = 0; i < 4; i++) {
                    wave.add(e.submit(new GenerationRequest(new int[] {i, 1, 2, 3}, greedy(3, List.of(), true), x -> {})));
                }
            }
        }));
        busy.result().get(10, TimeUnit.SECONDS);
        assertEquals(4, wave.size());
        for (GenerationHandle h : wave) {
            assertEquals(3, h.result().get(10, TimeUnit.SECONDS).completionTokens());
        }
        assertTrue(lm.prefillBatchSizes.contains(4), "one prefill pass for the wave: " + lm.prefillBatchSizes);
        assertAllCachesClosed();
    }

    @Test
    void differentLengthsJoinAndLeaveWithoutDisturbingOthers() throws Exception {
        // one token per pass, so that the pass count below measures plain decoding (speculation
        // takes fewer passes for the same re-packs: SpeculativeEngineTest)
        EngineLoop e = engine(256, new EngineSettings(8, 16, 512).withSpeculativeTokens(0));
        lm.stepDelayMillis = 1;
        List<GenerationHandle> hs = new ArrayList<>();
        List<int[]> prompts = List.of(new int[] {0}, new int[] {0, 1, 2}, new int[] {3, 3, 3, 3, 3, 3, 3},
                new int[] {1, 2}, new int[] {2, 2, 2, 2, 2});
        int[] lengths = {3, 17, 9, 25, 1};
        for (int i = 0; i < prompts.size(); i++) {
            hs.add(e.submit(new GenerationRequest(prompts.get(i), greedy(lengths[i], List.of(), true), ev -> {})));
        }
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult r = hs.get(i).result().get(10, TimeUnit.SECONDS);
            assertEquals(lengths[i], r.completionTokens());
            // the fake model's next token depends only on the row's own position
            StringBuilder expected = new StringBuilder();
            for (int p = prompts.get(i).length; p < prompts.get(i).length + lengths[i]; p++) {
                expected.append(new String[] {"a", "b", "c", "d", ""}[p % 5]);
            }
            assertEquals(expected.toString(), r.text(), "sequence " + i);
        }
        int passes = lm.forwards.get();
        assertTrue(lm.repacks.get() < passes / 2, "re-packed " + lm.repacks.get() + " times in " + passes + " passes");
        assertAllCachesClosed();
    }

    @Test
    void aRequestPastItsDeadlineIsStoppedWithinAStepAndFreesItsSlot() throws Exception {
        EngineLoop e = engine(100_000, new EngineSettings(1, 4, 512));
        lm.stepDelayMillis = 2;
        SamplingParams slow = greedy(50_000, List.of(), true).withDeadline(Deadline.after(java.time.Duration.ofMillis(150)));
        GenerationHandle late = e.submit(new GenerationRequest(new int[] {0}, slow, ev -> {}));
        // queued behind it in the single slot: runs only once the late one has left
        GenerationHandle next = e.submit(new GenerationRequest(new int[] {0}, greedy(5, List.of(), true), ev -> {}));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> late.result().get(10, TimeUnit.SECONDS));
        GenerationTimedOutException timedOut = assertInstanceOf(GenerationTimedOutException.class, ex.getCause());
        assertEquals("request_timeout", timedOut.code());
        assertEquals(5, next.result().get(10, TimeUnit.SECONDS).completionTokens());
        assertAllCachesClosed();
    }

    @Test
    void aQueuedRequestPastItsDeadlineNeverStarts() throws Exception {
        EngineLoop e = engine(100_000, EngineSettings.defaults());
        SamplingParams expired = greedy(5, List.of(), true).withDeadline(new Deadline(System.nanoTime() - 1,
                java.time.Duration.ofMillis(1)));
        GenerationHandle h = e.submit(new GenerationRequest(new int[] {0}, expired, ev -> {}));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> h.result().get(10, TimeUnit.SECONDS));
        assertInstanceOf(GenerationTimedOutException.class, ex.getCause());
        assertEquals(0, lm.forwards.get(), "no forward pass for an expired request");
    }

    @Test
    void tokenLimitsRefuseUpFrontAndCapTheDefault() throws Exception {
        EngineLoop e = engine(1000, new EngineSettings(4, 8, 512, 3, 7));
        InvalidRequestException longPrompt = assertThrows(InvalidRequestException.class,
                () -> e.submit(new GenerationRequest(new int[] {0, 1, 2, 3}, greedy(1, List.of(), true), ev -> {})));
        assertEquals("prompt_too_long", longPrompt.code());
        InvalidRequestException tooMany = assertThrows(InvalidRequestException.class,
                () -> e.submit(new GenerationRequest(new int[] {0}, greedy(8, List.of(), true), ev -> {})));
        assertEquals("max_tokens_too_large", tooMany.code());
        GenerationResult r = e.submit(new GenerationRequest(new int[] {0}, greedy(null, List.of(), true), ev -> {}))
                .result().get(10, TimeUnit.SECONDS);
        assertEquals(7, r.completionTokens(), "without max_tokens the server's cap applies, not the context");
        assertEquals(FinishReason.LENGTH, r.finishReason());
    }

    @Test
    void abortAllFailsEverythingInFlightAndTheEngineServesOnAfterwards() throws Exception {
        EngineLoop e = engine(100_000, new EngineSettings(2, 8, 512));
        lm.stepDelayMillis = 2;
        List<GenerationHandle> hs = new ArrayList<>();
        CountDownLatch decoding = new CountDownLatch(1);
        for (int i = 0; i < 5; i++) {
            hs.add(e.submit(new GenerationRequest(new int[] {0}, greedy(50_000, List.of(), true), ev -> {
                if (ev instanceof GenerationEvent.Delta) {
                    decoding.countDown();
                }
            })));
        }
        // two decoding in the batch, three queued behind them
        assertTrue(decoding.await(10, TimeUnit.SECONDS));
        e.abortAll(new GenerationCancelledException("the server is shutting down"));
        for (GenerationHandle h : hs) {
            ExecutionException ex = assertThrows(ExecutionException.class, () -> h.result().get(10, TimeUnit.SECONDS));
            assertInstanceOf(GenerationCancelledException.class, ex.getCause());
        }
        assertStillServes(e, 5);
        assertAllCachesClosed();
    }

    @Test
    void aPromptThatBreaksASharedPrefillFailsAloneAndTheOthersComplete() throws Exception {
        EngineLoop e = engine(256, new EngineSettings(8, 16, 512));
        lm.poisonToken = 3;
        List<GenerationHandle> wave = new CopyOnWriteArrayList<>();
        List<int[]> prompts = List.of(new int[] {0, 1}, new int[] {1, 3, 2}, new int[] {2, 2}, new int[] {0, 0, 1});
        // submitted from the busy sequence's first delta, so all four are prefilled in one pass
        GenerationHandle busy = e.submit(new GenerationRequest(new int[] {0, 1}, greedy(6, List.of(), true), ev -> {
            if (ev instanceof GenerationEvent.Delta && wave.isEmpty()) {
                for (int[] p : prompts) {
                    wave.add(e.submit(new GenerationRequest(p, greedy(4, List.of(), true), x -> {})));
                }
            }
        }));
        busy.result().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < prompts.size(); i++) {
            GenerationHandle h = wave.get(i);
            if (i == 1) {
                ExecutionException ex = assertThrows(ExecutionException.class, () -> h.result().get(10, TimeUnit.SECONDS));
                assertInstanceOf(GenerationFailedException.class, ex.getCause());
            } else {
                assertEquals(4, h.result().get(10, TimeUnit.SECONDS).completionTokens(), "prompt " + i);
            }
        }
        assertTrue(lm.prefillBatchSizes.contains(4), "the four were first tried together: " + lm.prefillBatchSizes);
        assertAllCachesClosed();
    }
}

package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slhf.serve.golden.Fixture;
import dev.slhf.serve.model.ModelDirectory;
import dev.slhf.serve.model.ModelManifest;
import dev.slhf.serve.model.Tokenizer;
import dev.slhf.serve.model.onnx.OnnxCausalLm;
import dev.slhf.serve.model.onnx.OnnxOptions;
import dev.slhf.serve.model.tokenizer.HfTokenizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The prefix cache on the real fixture models (ONNX Runtime inference through {@link TrackingLm},
 * which only counts caches): it must never change a greedy token, and it must really be used. The
 * reference is the same engine with the cache off ({@code prefix-cache-bytes = 0}), which is the
 * plain prefill already checked against PyTorch by the golden tests.
 */
class PrefixCacheEngineTest {

    private static final String[] TEXTS = {
        "Sort these numbers: 42 7 19 3", "The quick brown fox jumps over the lazy dog.", "café naïve 日本語",
        "1 2 3 4 5 6 7 8 9 10", "Reverse: alpha beta gamma delta", "Count the letter r in strawberry",
    };
    private static final String INSTRUCTION = " Improve the previous answer.";

    /** Per-request prefix-cache reports, in the order the engine prefilled them. */
    static final class Counting implements EngineMetrics {
        final List<int[]> queries = new CopyOnWriteArrayList<>();
        final AtomicLong evictions = new AtomicLong();

        @Override
        public void prefixCacheQueried(int queried, int hits) {
            queries.add(new int[] {queried, hits});
        }

        @Override
        public void prefixCacheEvicted(long bytes) {
            evictions.incrementAndGet();
        }

        long hits() {
            return queries.stream().mapToLong(q -> q[1]).sum();
        }
    }

    /** One engine on a fixture model. */
    static final class Rig implements AutoCloseable {
        final TrackingLm lm;
        final Tokenizer tokenizer;
        final EngineLoop engine;
        final Counting metrics = new Counting();

        Rig(String fixture, EngineSettings settings) {
            ModelManifest manifest = ModelDirectory.read(fixture, Fixture.model(fixture));
            tokenizer = HfTokenizer.load(manifest.tokenizerFile());
            lm = new TrackingLm(OnnxCausalLm.load(manifest, new OnnxOptions(2, 1)));
            engine = new EngineLoop(fixture, lm, tokenizer, new HashSet<>(manifest.stopTokenIds()),
                    manifest.contextLength(), settings, metrics);
        }

        List<Integer> generate(int[] prompt, int maxTokens) throws Exception {
            return submit(prompt, maxTokens).result().get(60, TimeUnit.SECONDS).tokenIds();
        }

        GenerationHandle submit(int[] prompt, int maxTokens) {
            return engine.submit(new GenerationRequest(prompt, greedy(maxTokens), e -> {}));
        }

        /** Every cache is closed but the prefix cache's entries (the engine thread closes them right after answering). */
        void assertOnlyEntriesOpen() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (lm.openCaches.get() != engine.prefixCacheEntries() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(engine.prefixCacheEntries(), lm.openCaches.get(), "open caches == prefix cache entries");
        }

        @Override
        public void close() {
            engine.close();
            assertEquals(0, lm.openCaches.get(), "shutdown frees every cache, the prefix cache's included");
        }
    }

    private static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 1, 0, 0, 1, null, maxTokens, List.of(), true);
    }

    private static int[] concat(int[] a, List<Integer> b, int[] c) {
        int[] out = new int[a.length + b.size() + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        for (int i = 0; i < b.size(); i++) {
            out[a.length + i] = b.get(i);
        }
        System.arraycopy(c, 0, out, a.length + b.size(), c.length);
        return out;
    }

    /**
     * Refinement-shaped traffic: leader answers y0 to each prompt x, then {@code rounds} rounds whose
     * prompt is {@code x + y_{k-1} + instruction}. {@code together}: every prompt of a round is
     * submitted at once (batched prefill with prefixes of different lengths); else one at a time.
     */
    private static List<List<Integer>> refine(Rig rig, boolean together, int rounds) throws Exception {
        int[] instruction = rig.tokenizer.encode(INSTRUCTION);
        List<int[]> xs = new ArrayList<>();
        for (String t : TEXTS) {
            xs.add(rig.tokenizer.encode(t));
        }
        List<List<Integer>> all = new ArrayList<>();
        List<List<Integer>> last = null;
        for (int round = 0; round <= rounds; round++) {
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < xs.size(); i++) {
                prompts.add(round == 0 ? xs.get(i) : concat(xs.get(i), last.get(i), instruction));
            }
            List<List<Integer>> out = new ArrayList<>();
            if (together) {
                List<GenerationHandle> handles = new ArrayList<>();
                for (int i = 0; i < prompts.size(); i++) {
                    handles.add(rig.submit(prompts.get(i), maxTokens(i, round)));
                }
                for (GenerationHandle h : handles) {
                    out.add(h.result().get(60, TimeUnit.SECONDS).tokenIds());
                }
            } else {
                for (int i = 0; i < prompts.size(); i++) {
                    out.add(rig.generate(prompts.get(i), maxTokens(i, round)));
                }
            }
            all.addAll(out);
            last = out;
        }
        return all;
    }

    private static int maxTokens(int i, int round) {
        return 6 + (i * 7 + round * 3) % 15;
    }

    @ParameterizedTest(name = "{0}, together={1}, max-batch-tokens={2}")
    @CsvSource({
        "tiny-qwen, false, 512", "tiny-qwen, true, 512", "tiny-qwen, false, 6", "tiny-qwen, true, 6",
        "tiny-qwen-fp16, false, 512", "tiny-qwen-fp16, true, 512", "tiny-qwen-fp16, false, 6",
        "tiny-qwen-nopos, false, 512", "tiny-qwen-nopos, true, 512", "tiny-qwen-nopos, false, 6",
    })
    void greedyWithTheCacheEqualsGreedyWithout(String fixture, boolean together, int batchTokens) throws Exception {
        EngineSettings settings = new EngineSettings(16, 64, batchTokens);
        List<List<Integer>> off, on;
        try (Rig rig = new Rig(fixture, settings.withPrefixCacheBytes(0))) {
            off = refine(rig, together, 2);
            assertTrue(rig.metrics.queries.isEmpty(), "a cache that is off is not queried");
            assertEquals(0, rig.engine.prefixCacheBytes());
            rig.assertOnlyEntriesOpen();
        }
        try (Rig rig = new Rig(fixture, settings)) {
            on = refine(rig, together, 2);
            assertEquals(TEXTS.length * 3, rig.metrics.queries.size(), "every prompt was looked up once");
            long queried = rig.metrics.queries.stream().mapToLong(q -> q[0]).sum();
            // round 0 (a third of the prompts) cannot hit; rounds 1-2 reuse x and most of the draft
            assertTrue(rig.metrics.hits() > queried / 3, "over a third of all prompt positions came from the cache: "
                    + rig.metrics.hits() + " of " + queried);
            rig.assertOnlyEntriesOpen();
        }
        for (int i = 0; i < off.size(); i++) {
            assertEquals(off.get(i), on.get(i), "round " + i / TEXTS.length + ", prompt " + i % TEXTS.length);
        }
    }

    /** One at a time, round 1's prompt x + y0 + instruction reuses exactly the leader's cached x + y0 (all but y0's last token). */
    @Test
    void roundOneReusesTheLeadersWholeSequence() throws Exception {
        try (Rig rig = new Rig("tiny-qwen", EngineSettings.defaults())) {
            int[] x = rig.tokenizer.encode(TEXTS[0]);
            List<Integer> y0 = rig.generate(x, 12);
            int[] round1 = concat(x, y0, rig.tokenizer.encode(INSTRUCTION));
            rig.generate(round1, 8);
            int[] report = rig.metrics.queries.get(1);
            assertEquals(round1.length, report[0]);
            assertEquals(x.length + y0.size() - 1, report[1], "hit tokens: x and y0 up to its last token");
        }
    }

    @Test
    void aCachedPrefixIsReusedAfterItsOwnerFinishedAndOtherRequestsRan() throws Exception {
        List<Integer> expected;
        int[] x, later;
        try (Rig off = new Rig("tiny-qwen", EngineSettings.defaults().withPrefixCacheBytes(0))) {
            x = off.tokenizer.encode(TEXTS[1]);
            List<Integer> y = off.generate(x, 10);
            later = concat(x, y, off.tokenizer.encode(" And again."));
            expected = off.generate(later, 10);
        }
        try (Rig rig = new Rig("tiny-qwen", EngineSettings.defaults())) {
            GenerationHandle owner = rig.submit(x, 10);
            owner.result().get(60, TimeUnit.SECONDS);
            for (int i = 2; i < TEXTS.length; i++) {
                rig.generate(rig.tokenizer.encode(TEXTS[i]), 5); // unrelated traffic in between
            }
            assertEquals(expected, rig.generate(later, 10));
            int[] report = rig.metrics.queries.get(rig.metrics.queries.size() - 1);
            assertEquals(x.length + 10 - 1, report[1], "the finished owner's prompt and tokens were reused");
            rig.assertOnlyEntriesOpen();
        }
    }

    @Test
    void twoConcurrentRequestsShareOneCachedPrefix() throws Exception {
        int[] x;
        List<Integer> a, b;
        int[] promptA, promptB;
        try (Rig off = new Rig("tiny-qwen", EngineSettings.defaults().withPrefixCacheBytes(0))) {
            x = off.tokenizer.encode(TEXTS[4]);
            List<Integer> y = off.generate(x, 12);
            promptA = concat(x, y, off.tokenizer.encode(" Shorter."));
            promptB = concat(x, y, off.tokenizer.encode(" Make it longer."));
            a = off.generate(promptA, 15);
            b = off.generate(promptB, 9);
        }
        try (Rig rig = new Rig("tiny-qwen", EngineSettings.defaults())) {
            rig.generate(x, 12);
            GenerationHandle ha = rig.submit(promptA, 15);
            GenerationHandle hb = rig.submit(promptB, 9);
            assertEquals(a, ha.result().get(60, TimeUnit.SECONDS).tokenIds());
            assertEquals(b, hb.result().get(60, TimeUnit.SECONDS).tokenIds());
            for (int[] q : rig.metrics.queries.subList(1, 3)) {
                assertTrue(q[1] > x.length, "both started from the shared entry (hit " + q[1] + " of " + q[0] + ")");
            }
            rig.assertOnlyEntriesOpen();
        }
    }

    @Test
    void aTinyBoundEvictsLeastRecentlyUsedAndIsNeverExceeded() throws Exception {
        long bound = 24 * 512; // tiny-qwen keeps 512 bytes per position: about one short sequence
        List<List<Integer>> off;
        try (Rig rig = new Rig("tiny-qwen", EngineSettings.defaults().withPrefixCacheBytes(0))) {
            off = refine(rig, false, 1);
        }
        try (Rig rig = new Rig("tiny-qwen", EngineSettings.defaults().withPrefixCacheBytes(bound))) {
            AtomicBoolean exceeded = new AtomicBoolean();
            AtomicLong most = new AtomicLong();
            rig.lm.beforeForward = batch -> {
                long held = rig.engine.prefixCacheBytes();
                most.accumulateAndGet(held, Math::max);
                exceeded.compareAndSet(false, held > bound);
            };
            assertEquals(off, refine(rig, false, 1), "eviction never changes a token");
            assertFalse(exceeded.get(), "bytes held stayed within " + bound);
            assertTrue(most.get() > 0 && rig.metrics.evictions.get() > 0,
                    "the cache held entries (" + most.get() + " B) and evicted (" + rig.metrics.evictions.get() + ")");
            assertTrue(rig.engine.prefixCacheBytes() <= bound);
            rig.assertOnlyEntriesOpen();
        }
    }

    /** Cancelled while decoding from a cached prefix: the entry it started from is intact and reused next. */
    @Test
    void cancellingMidDecodeLeavesTheCachedPrefixUsable() throws Exception {
        List<Integer> expected;
        int[] x, prompt, again;
        try (Rig off = new Rig("tiny-qwen", EngineSettings.defaults().withPrefixCacheBytes(0))) {
            x = off.tokenizer.encode(TEXTS[2]);
            List<Integer> y = off.generate(x, 10);
            prompt = concat(x, y, off.tokenizer.encode(INSTRUCTION));
            again = concat(x, y, off.tokenizer.encode(" Once more."));
            expected = off.generate(again, 10);
        }
        try (Rig rig = new Rig("tiny-qwen", EngineSettings.defaults())) {
            rig.generate(x, 10);
            AtomicReference<GenerationHandle> self = new AtomicReference<>();
            AtomicInteger deltas = new AtomicInteger();
            GenerationHandle h = rig.engine.submit(new GenerationRequest(prompt, greedy(500), e -> {
                if (e instanceof GenerationEvent.Delta && deltas.incrementAndGet() >= 3 && self.get() != null) {
                    self.get().cancel();
                }
            }));
            self.set(h);
            ExecutionException ex = assertThrows(ExecutionException.class, () -> h.result().get(60, TimeUnit.SECONDS));
            assertInstanceOf(GenerationCancelledException.class, ex.getCause());
            assertTrue(rig.metrics.queries.get(1)[1] >= x.length + 9, "the cancelled one had started from the cache");
            rig.assertOnlyEntriesOpen();
            assertEquals(expected, rig.generate(again, 10));
            assertEquals(x.length + 10 - 1, rig.metrics.queries.get(2)[1], "the entry was still there");
            rig.assertOnlyEntriesOpen();
        }
    }

    /** Cancelled between two prefill chunks after starting from a cached prefix: nothing shared is freed. */
    @Test
    void cancellingMidPrefillLeavesTheCachedPrefixUsable() throws Exception {
        EngineSettings chunked = new EngineSettings(16, 64, 4);
        List<Integer> expected;
        int[] x, prompt;
        String longInstruction = " Improve the previous answer. Phrase it as if it was the original response.";
        try (Rig off = new Rig("tiny-qwen", chunked.withPrefixCacheBytes(0))) {
            x = off.tokenizer.encode(TEXTS[3]);
            List<Integer> y = off.generate(x, 10);
            prompt = concat(x, y, off.tokenizer.encode(longInstruction));
            expected = off.generate(prompt, 10);
        }
        try (Rig rig = new Rig("tiny-qwen", chunked)) {
            rig.generate(x, 10);
            AtomicReference<GenerationHandle> self = new AtomicReference<>();
            AtomicBoolean armed = new AtomicBoolean(true);
            AtomicInteger chunks = new AtomicInteger();
            rig.lm.beforeForward = batch -> {
                if (armed.get() && batch.seqLen() > 1) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (self.get() == null && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    if (chunks.incrementAndGet() == 2) {
                        self.get().cancel(); // applied before the third chunk
                        armed.set(false);
                    }
                }
            };
            GenerationHandle h = rig.submit(prompt, 10);
            self.set(h);
            ExecutionException ex = assertThrows(ExecutionException.class, () -> h.result().get(60, TimeUnit.SECONDS));
            assertInstanceOf(GenerationCancelledException.class, ex.getCause());
            assertTrue(prompt.length - rig.metrics.queries.get(1)[1] > 3 * 4, "the rest needed more than three chunks");
            rig.assertOnlyEntriesOpen();
            assertEquals(expected, rig.generate(prompt, 10), "the same prompt again, from the intact entry");
            assertEquals(x.length + 10 - 1, rig.metrics.queries.get(2)[1]);
            rig.assertOnlyEntriesOpen();
        }
    }
}

package dev.slhf.serve.engine;

import dev.slhf.serve.model.CausalLm;
import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.LmSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the engine loop meets the {@link PrefixCache}: how a prefill starts from cached prefixes
 * and how a finished sequence leaves its keys and values behind.
 *
 * <p>Batched prefill with prefixes of different lengths keeps the decode batch's layout invariant
 * (each row's real positions contiguous at the right end): all rows get the same number S of new
 * input positions, the longest uncached suffix of the group. A row whose uncached suffix is shorter
 * recomputes the last few cached positions instead (it reuses {@code n - S} of them), and a row
 * shorter than S is left-padded with no past at all. Padding is thus always on the left of a row,
 * never between its past and its input. The recomputation is bounded by S, and prompts of one wave
 * usually share their structure.
 */
final class PrefixReuse {

    private static final System.Logger LOG = System.getLogger(PrefixReuse.class.getName());

    private final CausalLm lm;
    private final PrefixCache cache;
    private final EngineMetrics metrics;
    private final long bytesPerPosition;

    PrefixReuse(CausalLm lm, long capacityBytes, EngineMetrics metrics) {
        this.lm = lm;
        this.cache = new PrefixCache(capacityBytes, metrics);
        this.metrics = metrics;
        LmSpec spec = lm.spec();
        long elem = "float16".equals(spec.kvType()) ? 2 : 4;
        this.bytesPerPosition = 2L * spec.numLayers() * spec.numKvHeads() * spec.headDim() * elem;
    }

    PrefixCache cache() {
        return cache;
    }

    /** Best cached prefix for a sequence about to prefill; at least its last prompt token stays to compute. */
    PrefixCache.Match match(Sequence seq) {
        if (!cache.enabled()) {
            return PrefixCache.Match.NONE;
        }
        return cache.longest(seq.promptIds(), seq.promptLength() - 1);
    }

    /**
     * The inputs of one batched prefill pass over {@code group} and the past they continue. Close it
     * after the pass: it frees the past it built and unpins the entries it read.
     */
    Plan plan(List<Sequence> group, List<PrefixCache.Match> matches) {
        int b = group.size();
        int s = 0;
        for (int i = 0; i < b; i++) {
            s = Math.max(s, group.get(i).promptLength() - matches.get(i).length());
        }
        int[] reuse = new int[b];
        int past = 0;
        for (int i = 0; i < b; i++) {
            reuse[i] = Math.max(0, group.get(i).promptLength() - s);
            past = Math.max(past, reuse[i]);
        }
        long[] ids = new long[b * s], positions = new long[b * s], mask = new long[b * (past + s)];
        for (int i = 0; i < b; i++) {
            int[] prompt = group.get(i).promptIds();
            int real = prompt.length - reuse[i]; // new positions of this row, right-aligned in s
            int pad = s - real;
            for (int j = 0; j < s; j++) {
                boolean isReal = j >= pad;
                ids[i * s + j] = isReal ? prompt[reuse[i] + j - pad] : 0;
                // pads get position 1 and mask 0, as Hugging Face does for left padding
                positions[i * s + j] = isReal ? reuse[i] + j - pad : 1;
            }
            int row = i * (past + s);
            java.util.Arrays.fill(mask, row + past - reuse[i], row + past, 1L);
            java.util.Arrays.fill(mask, row + past + pad, row + past + s, 1L);
        }
        List<PrefixCache.Entry> pinned = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            PrefixCache.Entry e = matches.get(i).entry();
            if (reuse[i] > 0) {
                cache.pin(e);
                cache.touch(e);
                pinned.add(e);
            }
        }
        ForwardBatch batch = new ForwardBatch(b, s, ids, mask, positions);
        try {
            if (past == 0) {
                return new Plan(batch, lm.emptyCache(b), true, pinned, reuse);
            }
            if (b == 1 && matches.get(0).whole()) {
                return new Plan(batch, matches.get(0).entry().cache(), false, pinned, reuse); // read in place
            }
            List<KvCache> sources = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                sources.add(reuse[i] > 0 ? matches.get(i).entry().cache() : null);
            }
            return new Plan(batch, lm.gatherPrefixes(sources, new int[b], reuse, past), true, pinned, reuse);
        } catch (RuntimeException e) {
            pinned.forEach(cache::unpin);
            throw e;
        }
    }

    /** One planned prefill pass. {@code reused[i]}: cached positions row i starts from. */
    final class Plan implements AutoCloseable {
        final ForwardBatch batch;
        final KvCache past;
        private final boolean ownsPast;
        private final List<PrefixCache.Entry> pinned;
        private final int[] reused;
        private boolean closed;

        private Plan(ForwardBatch batch, KvCache past, boolean ownsPast, List<PrefixCache.Entry> pinned,
                int[] reused) {
            this.batch = batch;
            this.past = past;
            this.ownsPast = ownsPast;
            this.pinned = pinned;
            this.reused = reused;
        }

        /** Reports the pass's queried and reused tokens; call once it succeeded. */
        void succeeded(List<Sequence> group) {
            if (cache.enabled()) {
                for (int i = 0; i < group.size(); i++) {
                    metrics.prefixCacheQueried(group.get(i).promptLength(), reused[i]);
                }
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            pinned.forEach(cache::unpin);
            if (ownsPast) {
                past.close();
            }
        }
    }

    /**
     * The first cache of a sequence prefilled in chunks: a copy of its cached prefix (the sequence
     * will replace its cache chunk by chunk, and an entry must stay as it is), or an empty one.
     */
    void startChunked(Sequence seq) {
        PrefixCache.Match m = match(seq);
        if (m.length() == 0) {
            seq.adoptCache(lm.emptyCache(1), 0);
        } else {
            cache.touch(m.entry());
            seq.adoptCache(lm.gatherPrefixes(List.of(m.entry().cache()), new int[1], new int[] {m.length()},
                    m.length()), m.length());
        }
        if (cache.enabled()) {
            metrics.prefixCacheQueried(seq.promptLength(), m.length());
        }
    }

    /**
     * A decode row finished: offer its prompt and generated tokens (all but the last, which has no
     * KV yet) while row {@code row} of {@code batchCache} still holds them. Failed or cancelled
     * sequences are not kept. Never throws: losing an entry only costs a later prefill.
     */
    void retire(Sequence seq, KvCache batchCache, int row, int[] positions) {
        int n = seq.cachedLength();
        if (!cache.enabled() || !seq.completed() || positions.length != n) {
            return;
        }
        try {
            cache.offer(seq.cachedTokens(), n * bytesPerPosition,
                    () -> lm.gatherPositions(List.of(batchCache), new int[] {row}, new int[][] {positions}, n));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "keeping a finished sequence in the prefix cache failed: " + e);
        }
    }

    void close() {
        cache.close();
    }
}

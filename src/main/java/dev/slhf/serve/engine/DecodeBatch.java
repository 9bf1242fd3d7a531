package dev.slhf.serve.engine;

import dev.slhf.serve.model.CausalLm;
import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.ForwardResult;
import dev.slhf.serve.model.KvCache;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The decoding sequences of one model and their shared KV cache, advanced by one batched forward
 * pass per step.
 *
 * <p>Layout invariant: the cache has {@code length} positions per row; row i's real positions
 * are the {@code rows[i].cachedLength()} positions {@link CacheMask} marks valid, in order (left
 * padding and rejected speculative tokens are masked-out holes). Each step appends the same
 * number of positions to every row, so the cache from ORT's {@code present.*} is reused as is; it
 * is re-packed (one copy) only when rows leave or join, or when holes waste too much, which also
 * drops padding and holes nobody needs.
 *
 * <p>With speculation on, each row brings its {@link PromptLookupProposer} guess (or nothing) and
 * the step is one verify pass of {@code 1 + longest guess} positions over every row: a row feeds
 * its last token and its guess, pads the rest, and keeps what {@link SpeculativeVerifier}
 * accepts. When no row has a guess the pass is the ordinary one-token step.
 */
final class DecodeBatch implements AutoCloseable {

    /** Told about each row that finished while its keys and values are still in the batch cache. */
    interface Retirement {
        Retirement NONE = (seq, cache, row, positions) -> {};

        /** {@code positions}: the row's real cache positions, ascending (speculation leaves masked holes). */
        void finished(Sequence seq, KvCache cache, int row, int[] positions);
    }

    private static final int[] NO_PROPOSAL = new int[0];

    private final CausalLm lm;
    private final Retirement retirement;
    /** null: speculation off. */
    private final PromptLookupProposer proposer;
    private final CacheMask mask = new CacheMask();
    private final List<Sequence> rows = new ArrayList<>();
    /** Row of the current cache that holds {@code rows.get(i)}; rows that left keep their slot until the re-pack. */
    private final List<Integer> slots = new ArrayList<>();
    private final List<Joiner> joining = new ArrayList<>();

    /** A sequence that finished prefill, with the cache row holding its prompt (caches may be shared). */
    private record Joiner(Sequence seq, KvCache source, int row) {}
    private KvCache cache;
    private int length;
    private boolean dirty;

    DecodeBatch(CausalLm lm, int speculativeTokens) {
        this(lm, speculativeTokens, Retirement.NONE);
    }

    DecodeBatch(CausalLm lm, int speculativeTokens, Retirement retirement) {
        this.lm = lm;
        this.retirement = retirement;
        this.proposer = speculativeTokens > 0 ? new PromptLookupProposer(speculativeTokens) : null;
    }

    /** Sequences decoding or about to join. */
    int size() {
        return rows.size() + joining.size();
    }

    /**
     * Adds a sequence that finished its prefill; row {@code row} of {@code source} holds its
     * prompt, right-aligned. The batch owns {@code source} from now on (it may be shared by several
     * joiners from one batched prefill) and closes it once it re-packed them.
     */
    void join(Sequence seq, KvCache source, int row) {
        joining.add(new Joiner(seq, source, row));
    }

    void forEach(Consumer<Sequence> action) {
        rows.forEach(action);
        joining.forEach(j -> action.accept(j.seq()));
    }

    /**
     * One decode pass for every row. Returns the number of rows stepped. A runtime failure fails
     * every row of the pass (they shared it) and leaves the batch empty and usable.
     */
    int step(int vocab, int contextLength, EngineMetrics metrics) {
        dropFinished();
        if (!joining.isEmpty() || dirty) {
            repack();
        }
        int b = rows.size();
        if (b == 0) {
            return 0;
        }
        long t0 = System.nanoTime();
        int[][] proposals = new int[b][];
        int[] fed = new int[b];
        int width = 1, proposed = 0;
        for (int i = 0; i < b; i++) {
            proposals[i] = proposer == null ? NO_PROPOSAL : rows.get(i).propose(proposer, contextLength);
            fed[i] = 1 + proposals[i].length;
            width = Math.max(width, fed[i]);
            proposed += proposals[i].length;
        }
        long[] ids = new long[b * width];
        long[] positions = new long[b * width];
        for (int i = 0; i < b; i++) {
            Sequence s = rows.get(i);
            for (int j = 0; j < width; j++) {
                // fed tokens first, then padding (mask 0) up to the pass's width
                ids[i * width + j] = j == 0 ? s.lastToken() : j < fed[i] ? proposals[i][j - 1] : 0;
                positions[i * width + j] = s.cachedLength() + j;
            }
        }
        ForwardResult out;
        try {
            out = lm.forward(new ForwardBatch(b, width, ids, mask.forStep(width, fed), positions, width), cache);
        } catch (RuntimeException e) {
            GenerationFailedException failure = new GenerationFailedException(
                    "The model failed while generating: " + e.getMessage(), e);
            rows.forEach(s -> s.fail(failure));
            dropFinished();
            return b;
        }
        cache.close();
        cache = out.cache();
        length += width;
        int[] kept = new int[b];
        for (int i = 0; i < b; i++) {
            Sequence s = rows.get(i);
            try {
                if (proposals[i].length == 0) {
                    s.sampleNext(out.logits(), out.offset(i, 0, vocab), vocab, contextLength);
                    kept[i] = 1;
                } else {
                    int accepted = s.verify(proposals[i], out.logits(), out.offset(i, 0, vocab), vocab, contextLength);
                    kept[i] = 1 + accepted;
                    metrics.speculated(s.role(), proposals[i].length, accepted);
                }
            } catch (RuntimeException e) {
                s.fail(new GenerationFailedException("Generation failed: " + e, e));
            }
        }
        mask.commit(width, kept);
        if (width > 1 && mask.wasteful()) {
            dirty = true; // compact the holes before the next pass
        }
        metrics.step(EngineMetrics.Phase.DECODE, b, b + proposed, System.nanoTime() - t0);
        return b;
    }

    /** Removes finished rows (stop, length, cancellation, failure): the cache must then be re-packed. */
    void dropFinished() {
        boolean removed = false;
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i).finished()) {
                if (cache != null) {
                    retirement.finished(rows.get(i), cache, slots.get(i), mask.positions(slots.get(i))); // before the re-pack drops its row
                }
                rows.remove(i);
                slots.remove(i);
                removed = true;
            }
        }
        if (removed) {
            dirty = true;
            if (rows.isEmpty()) {
                closeCache(); // nothing left to decode: do not hold KV memory while idle
            }
        }
        List<KvCache> before = distinctSources(joining);
        joining.removeIf(j -> j.seq().finished());
        List<KvCache> after = distinctSources(joining);
        before.stream().filter(c -> !after.contains(c)).forEach(KvCache::close);
    }

    private void repack() {
        List<KvCache> fresh = distinctSources(joining);
        if (rows.isEmpty() && fresh.size() == 1 && fresh.get(0).batchSize() == joining.size()
                && isIdentity(joining)) {
            // Everyone joining comes from one prefill pass in row order: adopt its cache as is, so
            // single-stream decoding (and a wave prefilled together) never copies KV.
            closeCache();
            cache = fresh.get(0);
            length = cache.length();
            int[] real = new int[joining.size()];
            for (int r = 0; r < joining.size(); r++) {
                rows.add(joining.get(r).seq());
                slots.add(r);
                real[r] = joining.get(r).seq().cachedLength();
            }
            mask.reset(real, length);
            joining.clear();
            dirty = false;
            return;
        }
        List<Sequence> next = new ArrayList<>(rows.size() + joining.size());
        List<KvCache> sources = new ArrayList<>();
        List<KvCache> owned = new ArrayList<>();
        int n = rows.size() + joining.size();
        int[] from = new int[n], real = new int[n];
        int[][] keep = new int[n][];
        int newLength = 0, i = 0;
        for (int r = 0; r < rows.size(); r++, i++) {
            Sequence s = rows.get(r);
            next.add(s);
            sources.add(cache);
            from[i] = slots.get(r);
            keep[i] = mask.positions(from[i]); // the real positions only: holes are dropped here
            newLength = Math.max(newLength, keep[i].length);
        }
        owned.addAll(fresh);
        for (Joiner j : joining) {
            next.add(j.seq());
            sources.add(j.source());
            from[i] = j.row();
            keep[i] = lastPositions(j.source().length(), j.seq().cachedLength());
            newLength = Math.max(newLength, keep[i].length);
            i++;
        }
        for (int r = 0; r < n; r++) {
            real[r] = keep[r].length;
        }
        KvCache packed;
        try {
            packed = next.isEmpty() ? null : lm.gatherPositions(sources, from, keep, newLength);
        } catch (RuntimeException e) {
            GenerationFailedException failure = new GenerationFailedException(
                    "Re-packing the KV cache failed: " + e.getMessage(), e);
            next.forEach(s -> s.fail(failure));
            packed = null;
            next.clear();
            newLength = 0;
        } finally {
            owned.forEach(KvCache::close);
            closeCache();
        }
        rows.clear();
        rows.addAll(next);
        slots.clear();
        for (int r = 0; r < next.size(); r++) {
            slots.add(r);
        }
        joining.clear();
        cache = packed;
        length = newLength;
        mask.reset(next.isEmpty() ? new int[0] : real, newLength);
        dirty = false;
    }

    /** A prefilled row: its {@code count} real positions are the last of the source's {@code length}. */
    private static int[] lastPositions(int length, int count) {
        int[] out = new int[count];
        for (int j = 0; j < count; j++) {
            out[j] = length - count + j;
        }
        return out;
    }

    private static List<KvCache> distinctSources(List<Joiner> joiners) {
        List<KvCache> out = new ArrayList<>();
        for (Joiner j : joiners) {
            if (!out.contains(j.source())) {
                out.add(j.source());
            }
        }
        return out;
    }

    private static boolean isIdentity(List<Joiner> joiners) {
        for (int r = 0; r < joiners.size(); r++) {
            if (joiners.get(r).row() != r) {
                return false;
            }
        }
        return true;
    }

    private void closeCache() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }

    /** Fails every sequence still here (shutdown) and releases the caches. */
    void failAll(EngineException reason) {
        forEach(s -> s.fail(reason));
        dropFinished();
        closeCache();
    }

    @Override
    public void close() {
        closeCache();
    }
}

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
 * are the last {@code rows[i].cachedLength()} of them (left padding, masked out). Each step appends
 * one position to every row, so the cache from ORT's {@code present.*} is reused as is; it is
 * re-packed (one copy) only when rows leave or join, which also drops padding nobody needs.
 */
final class DecodeBatch implements AutoCloseable {

    /** Told about each row that finished while its keys and values are still in the batch cache. */
    interface Retirement {
        Retirement NONE = (seq, cache, row) -> {};

        void finished(Sequence seq, KvCache cache, int row);
    }

    private final CausalLm lm;
    private final Retirement retirement;
    private final List<Sequence> rows = new ArrayList<>();
    /** Row of the current cache that holds {@code rows.get(i)}; rows that left keep their slot until the re-pack. */
    private final List<Integer> slots = new ArrayList<>();
    private final List<Joiner> joining = new ArrayList<>();

    /** A sequence that finished prefill, with the cache row holding its prompt (caches may be shared). */
    private record Joiner(Sequence seq, KvCache source, int row) {}
    private KvCache cache;
    private int length;
    private boolean dirty;

    DecodeBatch(CausalLm lm) {
        this(lm, Retirement.NONE);
    }

    DecodeBatch(CausalLm lm, Retirement retirement) {
        this.lm = lm;
        this.retirement = retirement;
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
        long[] ids = new long[b];
        long[] positions = new long[b];
        long[] mask = new long[b * (length + 1)];
        for (int i = 0; i < b; i++) {
            Sequence s = rows.get(i);
            ids[i] = s.lastToken();
            positions[i] = s.cachedLength();
            int pad = length - s.cachedLength();
            java.util.Arrays.fill(mask, i * (length + 1) + pad, (i + 1) * (length + 1), 1L);
        }
        ForwardResult out;
        try {
            out = lm.forward(new ForwardBatch(b, 1, ids, mask, positions), cache);
        } catch (RuntimeException e) {
            GenerationFailedException failure = new GenerationFailedException(
                    "The model failed while generating: " + e.getMessage(), e);
            rows.forEach(s -> s.fail(failure));
            dropFinished();
            return b;
        }
        cache.close();
        cache = out.cache();
        length++;
        for (int i = 0; i < b; i++) {
            Sequence s = rows.get(i);
            try {
                s.sampleNext(out.lastLogits(), i * vocab, vocab, contextLength);
            } catch (RuntimeException e) {
                s.fail(new GenerationFailedException("Generation failed: " + e, e));
            }
        }
        metrics.step(EngineMetrics.Phase.DECODE, b, b, System.nanoTime() - t0);
        return b;
    }

    /** Removes finished rows (stop, length, cancellation, failure): the cache must then be re-packed. */
    void dropFinished() {
        boolean removed = false;
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i).finished()) {
                if (cache != null) {
                    retirement.finished(rows.get(i), cache, slots.get(i)); // before the re-pack drops its row
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
            for (int r = 0; r < joining.size(); r++) {
                rows.add(joining.get(r).seq());
                slots.add(r);
            }
            joining.clear();
            dirty = false;
            return;
        }
        List<Sequence> next = new ArrayList<>(rows.size() + joining.size());
        List<KvCache> sources = new ArrayList<>();
        List<KvCache> owned = new ArrayList<>();
        int n = rows.size() + joining.size();
        int[] from = new int[n], keep = new int[n];
        int newLength = 0, i = 0;
        for (int r = 0; r < rows.size(); r++, i++) {
            Sequence s = rows.get(r);
            next.add(s);
            sources.add(cache);
            from[i] = slots.get(r);
            keep[i] = s.cachedLength();
            newLength = Math.max(newLength, keep[i]);
        }
        owned.addAll(fresh);
        for (Joiner j : joining) {
            next.add(j.seq());
            sources.add(j.source());
            from[i] = j.row();
            keep[i] = j.seq().cachedLength();
            newLength = Math.max(newLength, keep[i]);
            i++;
        }
        KvCache packed;
        try {
            packed = next.isEmpty() ? null : lm.gather(sources, from, keep, newLength);
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
        dirty = false;
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

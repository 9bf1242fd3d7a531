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

    private final CausalLm lm;
    private final List<Sequence> rows = new ArrayList<>();
    /** Row of the current cache that holds {@code rows.get(i)}; rows that left keep their slot until the re-pack. */
    private final List<Integer> slots = new ArrayList<>();
    private final List<Sequence> joining = new ArrayList<>();
    private KvCache cache;
    private int length;
    private boolean dirty;

    DecodeBatch(CausalLm lm) {
        this.lm = lm;
    }

    /** Sequences decoding or about to join. */
    int size() {
        return rows.size() + joining.size();
    }

    /** Adds a sequence that finished its prefill; it brings its own batch-1 cache. */
    void join(Sequence seq) {
        joining.add(seq);
    }

    void forEach(Consumer<Sequence> action) {
        rows.forEach(action);
        joining.forEach(action);
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
        joining.removeIf(s -> {
            if (s.finished()) {
                KvCache own = s.takeCache();
                if (own != null) {
                    own.close();
                }
                return true;
            }
            return false;
        });
    }

    private void repack() {
        if (rows.isEmpty() && joining.size() == 1) {
            // A lone sequence keeps its prefill cache as is: single-stream decoding never copies KV.
            Sequence s = joining.remove(0);
            closeCache();
            cache = s.takeCache();
            length = cache.length();
            rows.add(s);
            slots.add(0);
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
        for (Sequence s : joining) {
            KvCache own = s.takeCache();
            owned.add(own);
            next.add(s);
            sources.add(own);
            from[i] = 0;
            keep[i] = s.cachedLength();
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

    private void closeCache() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }

    /** Fails every sequence still here (shutdown) and releases the cache. */
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

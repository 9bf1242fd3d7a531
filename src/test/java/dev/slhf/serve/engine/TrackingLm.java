package dev.slhf.serve.engine;

import dev.slhf.serve.model.CausalLm;
import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.ForwardResult;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.LmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real model (ONNX Runtime inference, nothing faked) whose caches are counted: tests can assert
 * that every cache but the prefix cache's entries is closed, that a closed cache is never read
 * (a freed entry still in use would be), and can act at a chosen forward pass.
 */
final class TrackingLm implements CausalLm {

    final AtomicInteger openCaches = new AtomicInteger();
    /** Input positions of passes with more than one (prefill) and the passes themselves. */
    final AtomicInteger prefillPositions = new AtomicInteger();
    /** Runs on the engine thread before each forward pass. */
    volatile Consumer<ForwardBatch> beforeForward = b -> {};
    private final CausalLm inner;

    TrackingLm(CausalLm inner) {
        this.inner = inner;
    }

    @Override
    public LmSpec spec() {
        return inner.spec();
    }

    @Override
    public KvCache emptyCache(int batchSize) {
        return new Tracked(inner.emptyCache(batchSize));
    }

    @Override
    public ForwardResult forward(ForwardBatch batch, KvCache past) {
        beforeForward.accept(batch);
        if (batch.seqLen() > 1 && batch.logitPositions() == 1) { // a verify pass asks for k + 1 positions' logits
            prefillPositions.addAndGet(batch.batchSize() * batch.seqLen());
        }
        ForwardResult out = inner.forward(batch, unwrap(past));
        return new ForwardResult(out.logits(), out.positions(), new Tracked(out.cache()));
    }

    @Override
    public KvCache gather(List<KvCache> sources, int[] rows, int[] keep, int length) {
        return new Tracked(inner.gather(unwrap(sources), rows, keep, length));
    }

    @Override
    public KvCache gatherPositions(List<KvCache> sources, int[] rows, int[][] positions, int length) {
        return new Tracked(inner.gatherPositions(unwrap(sources), rows, positions, length));
    }

    @Override
    public KvCache gatherPrefixes(List<KvCache> sources, int[] rows, int[] keep, int length) {
        return new Tracked(inner.gatherPrefixes(unwrap(sources), rows, keep, length));
    }

    private static List<KvCache> unwrap(List<KvCache> sources) {
        List<KvCache> out = new ArrayList<>(sources.size());
        for (KvCache c : sources) {
            out.add(c == null ? null : unwrap(c));
        }
        return out;
    }

    private static KvCache unwrap(KvCache c) {
        Tracked t = (Tracked) c;
        if (t.closed) {
            throw new IllegalStateException("a closed KV cache was read");
        }
        return t.inner;
    }

    @Override
    public void close() {
        inner.close();
    }

    private final class Tracked implements KvCache {
        private final KvCache inner;
        private boolean closed;

        Tracked(KvCache inner) {
            this.inner = inner;
            openCaches.incrementAndGet();
        }

        @Override
        public int batchSize() {
            return inner.batchSize();
        }

        @Override
        public int length() {
            return inner.length();
        }

        @Override
        public long bytes() {
            return inner.bytes();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                inner.close();
                openCaches.decrementAndGet();
            }
        }
    }
}

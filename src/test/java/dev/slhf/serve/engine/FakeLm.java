package dev.slhf.serve.engine;

import dev.slhf.serve.model.CausalLm;
import dev.slhf.serve.model.ForwardBatch;
import dev.slhf.serve.model.ForwardResult;
import dev.slhf.serve.model.KvCache;
import dev.slhf.serve.model.LmSpec;
import dev.slhf.serve.model.ModelRuntimeException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A deterministic stand-in for the ONNX model in engine unit tests: the next token is a function
 * of the position being predicted. Tracks open caches so tests can assert nothing leaks.
 */
final class FakeLm implements CausalLm {

    final AtomicInteger openCaches = new AtomicInteger();
    final AtomicInteger forwards = new AtomicInteger();
    final AtomicInteger repacks = new AtomicInteger();
    final java.util.List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.List<Integer> prefillBatchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Width of every decode pass: 1, or 1 + the longest proposal of a speculative verify pass. */
    final java.util.List<Integer> decodeWidths = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Called at the start of every forward pass (after counting it), e.g. to cancel in the middle of one. */
    volatile Runnable onForward = () -> {};
    private final int vocab;
    private final IntUnaryOperator nextTokenAtPosition;
    volatile int failAtPosition = -1;
    /** A prompt containing this token makes the prefill pass that reads it fail. */
    volatile int poisonToken = -1;
    volatile long stepDelayMillis;

    FakeLm(int vocab, IntUnaryOperator nextTokenAtPosition) {
        this.vocab = vocab;
        this.nextTokenAtPosition = nextTokenAtPosition;
    }

    @Override
    public LmSpec spec() {
        return new LmSpec(vocab, 1, 1, 1, true, "float32", "fake");
    }

    @Override
    public KvCache emptyCache(int batchSize) {
        return new Cache(batchSize, 0);
    }

    @Override
    public ForwardResult forward(ForwardBatch batch, KvCache past) {
        if (((Cache) past).closed) {
            throw new IllegalStateException("forward over a closed cache");
        }
        forwards.incrementAndGet();
        batchSizes.add(batch.batchSize());
        boolean prompt = batch.seqLen() > 1 && batch.logitPositions() == 1; // not a speculative verify pass
        if (prompt) {
            prefillBatchSizes.add(batch.batchSize());
        } else {
            decodeWidths.add(batch.seqLen());
        }
        onForward.run();
        if (stepDelayMillis > 0) {
            try {
                Thread.sleep(stepDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int total = batch.totalLength();
        if (poisonToken >= 0 && prompt) { // prompts only: decoding may produce the token itself
            for (long id : batch.inputIds()) {
                if (id == poisonToken) {
                    throw new ModelRuntimeException("injected failure on token " + poisonToken, new RuntimeException());
                }
            }
        }
        if (failAtPosition >= 0 && batch.positionIds()[batch.positionIds().length - 1] + 1 > failAtPosition) {
            throw new ModelRuntimeException("injected failure", new RuntimeException());
        }
        int m = batch.logitPositions();
        float[] logits = new float[batch.batchSize() * m * vocab];
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int j = 0; j < m; j++) {
                // a position's own length: its position id + 1 (left padding does not count)
                int rowLength = (int) batch.positionIds()[b * batch.seqLen() + batch.seqLen() - m + j] + 1;
                logits[(b * m + j) * vocab + nextTokenAtPosition.applyAsInt(rowLength)] = 10f;
            }
        }
        return new ForwardResult(logits, m, new Cache(batch.batchSize(), total));
    }

    @Override
    public KvCache gatherPositions(java.util.List<KvCache> sources, int[] rows, int[][] positions, int length) {
        for (int i = 0; i < positions.length; i++) {
            int[] p = positions[i];
            if (p.length > length || (p.length > 0 && p[p.length - 1] >= sources.get(i).length())) {
                throw new IllegalArgumentException("keep beyond the source");
            }
        }
        repacks.incrementAndGet();
        return new Cache(sources.size(), length);
    }

    @Override
    public KvCache gatherPrefixes(java.util.List<KvCache> sources, int[] rows, int[] keep, int length) {
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] > 0 && (((Cache) sources.get(i)).closed || keep[i] > sources.get(i).length()
                    || keep[i] > length)) {
                throw new IllegalArgumentException("prefix beyond (or of a closed) source");
            }
        }
        return new Cache(sources.size(), length);
    }

    @Override
    public void close() {}

    final class Cache implements KvCache {
        private final int batch, length;
        private boolean closed;

        Cache(int batch, int length) {
            this.batch = batch;
            this.length = length;
            openCaches.incrementAndGet();
        }

        @Override
        public int batchSize() {
            return batch;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public long bytes() {
            return 8L * batch * length; // one key and one value float per position
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                openCaches.decrementAndGet();
            }
        }
    }
}

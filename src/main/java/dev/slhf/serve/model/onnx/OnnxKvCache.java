package dev.slhf.serve.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.slhf.serve.model.KvCache;
import java.util.List;

/**
 * The past←present swap variant of a KV cache: the {@code present.*} tensors of the last run are
 * fed back unchanged as the next {@code past_key_values.*} (ORT Java hands them over without a
 * copy). The cache owns either the run's {@link OrtSession.Result} or, for the empty cache, the
 * zero-length tensors it created, and closes exactly that.
 */
final class OnnxKvCache implements KvCache {

    private final List<OnnxTensor> keys;
    private final List<OnnxTensor> values;
    private final int batchSize;
    private final int length;
    private final AutoCloseable owner;
    private boolean closed;

    OnnxKvCache(List<OnnxTensor> keys, List<OnnxTensor> values, int batchSize, int length, AutoCloseable owner) {
        this.keys = keys;
        this.values = values;
        this.batchSize = batchSize;
        this.length = length;
        this.owner = owner;
    }

    OnnxTensor key(int layer) {
        ensureOpen();
        return keys.get(layer);
    }

    OnnxTensor value(int layer) {
        ensureOpen();
        return values.get(layer);
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public long bytes() {
        long total = 0;
        for (List<OnnxTensor> tensors : List.of(keys, values)) {
            for (OnnxTensor t : tensors) {
                total += t.getInfo().getNumElements() * (t.getInfo().type == OnnxJavaType.FLOAT16 ? 2 : 4);
            }
        }
        return total;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("KV cache used after close");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing KV cache failed", e);
        }
    }
}

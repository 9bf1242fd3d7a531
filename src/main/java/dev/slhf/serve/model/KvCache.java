package dev.slhf.serve.model;

/**
 * Key/value tensors of every layer for a batch of sequences, owned by whoever holds the handle.
 * It holds native memory: the owner must close it on every path. Implementations are not
 * thread-safe; the model's engine thread is the only one that touches them.
 */
public interface KvCache extends AutoCloseable {

    /** Rows in the batch dimension. */
    int batchSize();

    /** Past positions held per row (padding included). */
    int length();

    /** Native memory held by the key and value tensors, from their real shapes and element type. */
    long bytes();

    @Override
    void close();
}

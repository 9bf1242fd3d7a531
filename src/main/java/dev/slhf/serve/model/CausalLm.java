package dev.slhf.serve.model;

/**
 * A causal language model with a KV cache: the seam between the engine and ONNX Runtime. The
 * engine compiles only against this interface, so scheduling and sampling can be tested with a
 * fake model and benchmarked without HTTP.
 *
 * <p>Not thread-safe by contract: one engine thread owns a model and every cache it hands out.
 */
public interface CausalLm extends AutoCloseable {

    LmSpec spec();

    /** A cache with no past positions, to start prefill from. */
    KvCache emptyCache(int batchSize);

    /**
     * Runs one forward pass over {@code batch} after the positions held in {@code past}. Does not
     * close {@code past}; the caller owns both it and the returned result's cache.
     *
     * @throws ModelRuntimeException when the runtime fails; the caller fails only the affected rows
     */
    ForwardResult forward(ForwardBatch batch, KvCache past);

    /**
     * Re-packs rows of existing caches into one batch cache of {@code length} positions: output
     * row i holds the last {@code keep[i]} positions of row {@code rows[i]} of {@code sources[i]},
     * right-aligned, with zeros (to be masked) on the left. Sources are not closed. This is the
     * only KV copy the engine makes, and only when the batch composition changes.
     */
    KvCache gather(java.util.List<KvCache> sources, int[] rows, int[] keep, int length);

    /**
     * Like {@link #gather}, but output row i holds the <em>first</em> {@code keep[i]} positions of
     * row {@code rows[i]} of {@code sources[i]} (a cached prefix), right-aligned with zeros on the
     * left. A source may be null where its {@code keep} is 0. Sources are not closed, nor changed:
     * a prefix cache hands its entries out this way without giving them up.
     */
    KvCache gatherPrefixes(java.util.List<KvCache> sources, int[] rows, int[] keep, int length);

    @Override
    void close();
}

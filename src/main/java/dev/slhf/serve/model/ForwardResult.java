package dev.slhf.serve.model;

/**
 * Output of one forward pass.
 *
 * @param logits    logits of the last {@code positions} input positions of each row, row-major
 *                  {@code [batchSize][positions][vocabSize]} (fp16 graphs are widened here, once);
 *                  only those rows are read out of the runtime's buffer, never the whole
 *                  {@code [batch, seq, vocab]} tensor
 * @param positions how many trailing positions per row {@code logits} holds (the batch's
 *                  {@link ForwardBatch#logitPositions()})
 * @param cache     the cache extended by this pass; owned by the caller
 */
public record ForwardResult(float[] logits, int positions, KvCache cache) {

    /** One position per row: the usual prefill or decode step. */
    public ForwardResult(float[] lastLogits, KvCache cache) {
        this(lastLogits, 1, cache);
    }

    /** Offset in {@link #logits()} of row {@code row}'s {@code position}-th returned position. */
    public int offset(int row, int position, int vocab) {
        return (row * positions + position) * vocab;
    }

    /** Offset of row {@code row}'s last input position. */
    public int lastOffset(int row, int vocab) {
        return offset(row, positions - 1, vocab);
    }
}

package dev.slhf.serve.model;

/**
 * Output of one forward pass.
 *
 * @param lastLogits logits at the last input position of each row, {@code batchSize * vocabSize}
 *                   floats row-major (fp16 graphs are widened here, once)
 * @param cache      the cache extended by this pass; owned by the caller
 */
public record ForwardResult(float[] lastLogits, KvCache cache) {}

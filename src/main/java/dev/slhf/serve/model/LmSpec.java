package dev.slhf.serve.model;

/**
 * Shape facts about a loaded decoder, read from the ONNX graph's metadata (falling back to
 * config.json only where the graph leaves a dimension symbolic).
 *
 * @param vocabSize        width of the logits row (may exceed the tokenizer's vocabulary: padded
 *                         embedding matrices are common)
 * @param numKvHeads       key/value heads per layer; fewer than attention heads means GQA
 * @param usesPositionIds  whether the graph takes {@code position_ids} or derives positions from
 *                         the attention mask itself
 * @param kvType           element type of the KV tensors and logits ({@code float32}/{@code float16})
 * @param provider         execution provider the session really runs on
 */
public record LmSpec(
        int vocabSize,
        int numLayers,
        int numKvHeads,
        int headDim,
        boolean usesPositionIds,
        String kvType,
        String provider) {}

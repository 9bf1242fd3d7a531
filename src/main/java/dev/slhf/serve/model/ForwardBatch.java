package dev.slhf.serve.model;

/**
 * Inputs of one forward pass, flattened row-major. Batched decoding uses left padding: pad slots
 * carry attention mask 0, and {@code positionIds} are per row so that each sequence sees its own
 * positions whatever its padding.
 *
 * @param inputIds       {@code batchSize * seqLen} token ids
 * @param attentionMask  {@code batchSize * (pastLength + seqLen)}, 1 for real tokens, 0 for pads
 * @param positionIds    {@code batchSize * seqLen}
 */
public record ForwardBatch(int batchSize, int seqLen, long[] inputIds, long[] attentionMask, long[] positionIds) {

    public ForwardBatch {
        if (batchSize <= 0 || seqLen <= 0) {
            throw new IllegalArgumentException("empty batch");
        }
        if (inputIds.length != batchSize * seqLen || positionIds.length != batchSize * seqLen) {
            throw new IllegalArgumentException("input_ids/position_ids size does not match batch x seq");
        }
        if (attentionMask.length % batchSize != 0 || attentionMask.length / batchSize < seqLen) {
            throw new IllegalArgumentException("attention_mask size does not match batch x (past + seq)");
        }
    }

    /** A single unpadded sequence continuing after {@code pastLength} cached positions. */
    public static ForwardBatch single(int[] tokens, int from, int to, int pastLength) {
        int n = to - from;
        long[] ids = new long[n];
        long[] pos = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = tokens[from + i];
            pos[i] = pastLength + i;
        }
        long[] mask = new long[pastLength + n];
        java.util.Arrays.fill(mask, 1L);
        return new ForwardBatch(1, n, ids, mask, pos);
    }

    public int totalLength() {
        return attentionMask.length / batchSize;
    }
}

package dev.slhf.serve.model;

/**
 * Inputs of one forward pass, flattened row-major. Batched decoding uses left padding: pad slots
 * carry attention mask 0, and {@code positionIds} are per row so that each sequence sees its own
 * positions whatever its padding.
 *
 * @param inputIds       {@code batchSize * seqLen} token ids
 * @param attentionMask  {@code batchSize * (pastLength + seqLen)}, 1 for real tokens, 0 for pads
 * @param positionIds    {@code batchSize * seqLen}
 * @param logitPositions how many trailing input positions of each row need logits: 1 for prefill
 *                       and plain decoding, k + 1 for a speculative verify pass of k proposals
 */
public record ForwardBatch(int batchSize, int seqLen, long[] inputIds, long[] attentionMask, long[] positionIds,
        int logitPositions) {

    /** A pass that needs the logits of each row's last position only. */
    public ForwardBatch(int batchSize, int seqLen, long[] inputIds, long[] attentionMask, long[] positionIds) {
        this(batchSize, seqLen, inputIds, attentionMask, positionIds, 1);
    }

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
        if (logitPositions < 1 || logitPositions > seqLen) {
            throw new IllegalArgumentException("logit positions must be in [1, seqLen], got " + logitPositions);
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

package dev.slhf.serve.engine;

import java.util.Arrays;

/**
 * The straightforward processing steps 4–5 over a dense vocabulary-sized array with a full sort
 * (the sampler's previous algorithm, step for step): the reference the sparse path must agree with,
 * and the baseline of the sampler benchmark.
 */
public final class DenseReferenceSampler {

    private DenseReferenceSampler() {
    }

    /** Unnormalised weights, 0 for every filtered token; null when nothing survives. */
    public static double[] weights(float[] logits, int offset, int vocab, double temperature, int topK, double topP, double minP) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] w = new double[vocab];
        int kept = 0;
        for (int i = 0; i < vocab; i++) {
            w[i] = Math.exp((logits[offset + i] - max) * (1.0 / temperature));
            if (w[i] >= minP && w[i] > 0) {
                kept++;
            } else {
                w[i] = 0;
            }
        }
        if (kept == 0) {
            return null;
        }
        int k = topK > 0 ? Math.min(topK, kept) : kept;
        int[] order = sortedByWeight(w, kept);
        double total = 0;
        for (int r = 0; r < k; r++) {
            total += w[order[r]];
        }
        int cut = k;
        if (topP < 1) {
            double cumulative = 0;
            for (int r = 0; r < k; r++) {
                cumulative += w[order[r]];
                if (cumulative >= topP * total) {
                    cut = r + 1;
                    break;
                }
            }
        }
        for (int r = cut; r < order.length; r++) {
            w[order[r]] = 0;
        }
        return w;
    }

    /**
     * Indices of the non-zero weights, heaviest first, ties by lower id: the previous sampler's
     * sort (weights in (0, 1] order like their bit patterns; 43 bits of order, 21 for the id).
     */
    private static int[] sortedByWeight(double[] weights, int count) {
        long[] packed = new long[count];
        int n = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                long bits = Double.doubleToLongBits(weights[i]) >>> 21;
                packed[n++] = ((~bits & ((1L << 43) - 1)) << 21) | i;
            }
        }
        Arrays.sort(packed, 0, n);
        int[] order = new int[n];
        for (int r = 0; r < n; r++) {
            order[r] = (int) (packed[r] & ((1L << 21) - 1));
        }
        return order;
    }
}

package dev.slhf.serve.engine;

import java.util.Map;

/**
 * The per-sequence state that applies {@link LogitAdjustments}: how often each token has been
 * generated so far. Only generated tokens are counted (see {@link LogitAdjustments}); the counts
 * are kept sparse because a completion touches few of the vocabulary's ids.
 */
final class TokenPenalties {

    private final LogitAdjustments adjustments;
    private final int[] biasTokens;
    private final float[] biasValues;
    /** Open-addressed would be faster; a completion has at most a few thousand distinct tokens. */
    private final java.util.HashMap<Integer, int[]> counts = new java.util.HashMap<>();

    TokenPenalties(LogitAdjustments adjustments) {
        this.adjustments = adjustments;
        Map<Integer, Double> bias = adjustments.logitBias();
        biasTokens = new int[bias.size()];
        biasValues = new float[bias.size()];
        int i = 0;
        for (Map.Entry<Integer, Double> e : bias.entrySet()) {
            biasTokens[i] = e.getKey();
            biasValues[i++] = e.getValue().floatValue();
        }
    }

    /** Records one generated token. */
    void generated(int token) {
        if (adjustments.hasPenalties()) {
            counts.computeIfAbsent(token, t -> new int[1])[0]++;
        }
    }

    /** Adds {@code logit_bias} to {@code logits[offset, offset + vocab)}. */
    void applyBias(float[] logits, int offset, int vocab) {
        for (int i = 0; i < biasTokens.length; i++) {
            if (biasTokens[i] < vocab) {
                logits[offset + biasTokens[i]] += biasValues[i];
            }
        }
    }

    /** Subtracts the frequency and presence penalties of the tokens generated so far. */
    void applyPenalties(float[] logits, int offset, int vocab) {
        if (!adjustments.hasPenalties()) {
            return;
        }
        float frequency = (float) adjustments.frequencyPenalty();
        float presence = (float) adjustments.presencePenalty();
        counts.forEach((token, count) -> {
            if (token < vocab) {
                logits[offset + token] -= count[0] * frequency + presence;
            }
        });
    }
}

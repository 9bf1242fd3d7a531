package dev.slhf.serve.engine;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the next token of one sequence from its logits row.
 *
 * <p>The order of logits processing is fixed, as in vLLM's sampler, one named method per step:
 * <ol>
 *   <li>logit_bias (added to the named tokens), as vLLM applies it before the penalties;
 *   <li>repetition penalty (HF semantics: positive logits divided, negative multiplied, over
 *       every token already in the prompt or the output);
 *   <li>frequency and presence penalties (OpenAI semantics, over the generated tokens only; see
 *       {@link LogitAdjustments});
 *   <li>greedy shortcut: temperature 0 takes the argmax (lowest id on ties, like torch.argmax);
 *   <li>{@link #temperatureWeights temperature};
 *   <li>{@link #applyMinP min_p} (relative to the most likely token);
 *   <li>{@link #applyTopKTopP top_k, then top_p} over what is left;
 *   <li>draw from the renormalised distribution.
 * </ol>
 * Steps 1–5 produce a {@link TargetDistribution} ({@link #target}); {@link #draw} is step 6. The
 * speculative verifier uses the same target to accept or replace proposed tokens, so there is
 * one copy of the processing code.
 *
 * <p>Each sequence owns its sampler and RNG, so a seeded request draws the same tokens whatever
 * else shares the batch.
 */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;
    private final BitSet seen = new BitSet();
    private final TokenPenalties penalties;

    public Sampler(SamplingParams params) {
        this.params = params;
        long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
        this.random = new SplittableRandom(seed);
        this.penalties = params.adjustments().isNone() ? null : new TokenPenalties(params.adjustments());
    }

    /** Records a generated token: for the repetition penalty and the frequency/presence counts. */
    public void observe(int token) {
        seen.set(token);
        if (penalties != null) {
            penalties.generated(token);
        }
    }

    /** Records prompt tokens: they count for the repetition penalty only. */
    public void observeAll(int[] tokens) {
        for (int t : tokens) {
            seen.set(t);
        }
    }

    /** Samples from {@code logits[offset, offset + vocab)}; may modify that range in place. */
    public int sample(float[] logits, int offset, int vocab) {
        return draw(target(logits, offset, vocab));
    }

    /**
     * Steps 1–5: the distribution the next token is drawn from, given the tokens observed so far.
     * May modify {@code logits[offset, offset + vocab)} in place.
     */
    public TargetDistribution target(float[] logits, int offset, int vocab) {
        if (penalties != null) {
            penalties.applyBias(logits, offset, vocab);
        }
        if (params.repetitionPenalty() != 1.0) {
            applyRepetitionPenalty(logits, offset, vocab);
        }
        if (penalties != null) {
            penalties.applyPenalties(logits, offset, vocab);
        }
        if (params.isGreedy()) {
            return TargetDistribution.pointMass(argmax(logits, offset, vocab));
        }
        double[] weights = temperatureWeights(logits, offset, vocab);
        int kept = applyMinP(weights);
        if (kept == 0) {
            // no candidate survives (non-finite logits from the model): the argmax rather than a draw
            // from an empty distribution
            return TargetDistribution.pointMass(argmax(logits, offset, vocab));
        }
        applyTopKTopP(weights, kept);
        return TargetDistribution.weighted(weights);
    }

    /** Step 6: one draw from {@code target} (no randomness for a point mass). */
    public int draw(TargetDistribution target) {
        if (target.isPointMass()) {
            return target.argmax();
        }
        return drawWeighted(target.weights(), target.sum(), -1);
    }

    /**
     * The acceptance test for a deterministic proposal: accepts {@code token} with probability
     * p(token) under {@code target}, so accepted-or-replaced tokens are distributed exactly as
     * {@link #draw} would have drawn them. Greedy accepts exactly the argmax, with no draw.
     */
    public boolean accepts(TargetDistribution target, int token) {
        if (target.isPointMass()) {
            return token == target.argmax();
        }
        double p = target.probability(token);
        if (p <= 0) {
            return false;
        }
        return random.nextDouble() < p;
    }

    /** After {@link #accepts} said no: a draw from {@code target} with {@code rejected} removed and renormalised. */
    public int drawReplacing(TargetDistribution target, int rejected) {
        if (target.isPointMass()) {
            return target.argmax();
        }
        double[] w = target.weights();
        double removed = rejected >= 0 && rejected < w.length ? w[rejected] : 0;
        return drawWeighted(w, target.sum() - removed, rejected);
    }

    void applyRepetitionPenalty(float[] logits, int offset, int vocab) {
        float p = (float) params.repetitionPenalty();
        for (int t = seen.nextSetBit(0); t >= 0 && t < vocab; t = seen.nextSetBit(t + 1)) {
            float l = logits[offset + t];
            logits[offset + t] = l > 0 ? l / p : l * p;
        }
    }

    static int argmax(float[] logits, int offset, int vocab) {
        int best = 0;
        float bestValue = logits[offset];
        for (int i = 1; i < vocab; i++) {
            float v = logits[offset + i];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    /** weights[i] = exp((l_i - max) / T): the most likely token has weight 1. */
    private double[] temperatureWeights(float[] logits, int offset, int vocab) {
        double invT = 1.0 / params.temperature();
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] weights = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            weights[i] = Math.exp((logits[offset + i] - max) * invT);
        }
        return weights;
    }

    /** Zeroes weights below min_p (relative to the top weight, which is 1); returns how many remain. */
    private int applyMinP(double[] weights) {
        double minWeight = params.minP() > 0 ? params.minP() : 0;
        int kept = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] >= minWeight && weights[i] > 0) {
                kept++;
            } else {
                weights[i] = 0;
            }
        }
        return kept;
    }

    /** top_k, then top_p over the renormalised top-k mass, on the {@code kept} non-zero weights. */
    private void applyTopKTopP(double[] weights, int kept) {
        int topK = params.topK() > 0 ? Math.min(params.topK(), kept) : kept;
        boolean nucleus = params.topP() < 1.0;
        if (topK == kept && !nucleus) {
            return;
        }
        int[] order = sortedByWeight(weights, kept);
        double total = 0;
        for (int r = 0; r < topK; r++) {
            total += weights[order[r]];
        }
        int cut = topK;
        if (nucleus) {
            double cumulative = 0;
            for (int r = 0; r < topK; r++) {
                cumulative += weights[order[r]] / total;
                if (cumulative >= params.topP()) {
                    cut = r + 1;
                    break;
                }
            }
        }
        for (int r = cut; r < order.length; r++) {
            weights[order[r]] = 0;
        }
    }

    /** Inverse-CDF draw over the non-zero weights, skipping {@code excluded} (-1: none). */
    private int drawWeighted(double[] weights, double sum, int excluded) {
        double u = random.nextDouble() * sum;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0 && i != excluded) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        // rounding left u marginally >= 0: the last candidate (target() never builds an empty
        // distribution, so there is one unless the only candidate was excluded)
        return last >= 0 ? last : excluded;
    }

    /** Indices of the non-zero weights, heaviest first (ties by lower id, for determinism). */
    private static int[] sortedByWeight(double[] weights, int count) {
        long[] packed = new long[count];
        int n = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                // Weights are in (0, 1]: their bit patterns order like the values. Invert for descending.
                long bits = Double.doubleToLongBits(weights[i]) >>> 21; // 43 bits of order, 21 for the id
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

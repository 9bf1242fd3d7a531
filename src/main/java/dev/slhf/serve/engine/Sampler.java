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
 *   <li>temperature, min_p (relative to the most likely token) and top_k: one pass over the
 *       row, {@link #topKCandidates} with a k-entry heap or {@link #allCandidates};
 *   <li>top_p over what is left ({@link Nucleus}, expected linear time);
 *   <li>draw from the renormalised distribution.
 * </ol>
 * Steps 1–5 produce a {@link TargetDistribution} ({@link #target}); {@link #draw} is step 6. The
 * speculative verifier uses the same target to accept or replace proposed tokens, so there is
 * one copy of the processing code.
 *
 * <p>Nothing vocabulary-sized is sorted or allocated per token ({@link SamplingScratch}): at
 * Qwen's 151,936 entries that was most of a sampled token's cost.
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
        SamplingScratch scratch = SamplingScratch.current();
        int topK = params.topK() > 0 && params.topK() < vocab ? params.topK() : 0;
        int n = topK > 0
                ? topKCandidates(logits, offset, vocab, topK, scratch)
                : allCandidates(logits, offset, vocab, scratch);
        if (n == 0) {
            // no candidate survives (non-finite logits from the model): the argmax rather than a draw
            // from an empty distribution
            return TargetDistribution.pointMass(argmax(logits, offset, vocab));
        }
        if (params.topP() < 1.0) {
            n = Nucleus.keep(scratch.ids, scratch.weights, n, params.topP(), scratch);
        }
        return TargetDistribution.sparse(scratch.ids, scratch.weights, n);
    }

    /** Step 6: one draw from {@code target} (no randomness for a point mass). */
    public int draw(TargetDistribution target) {
        if (target.isPointMass()) {
            return target.argmax();
        }
        return drawWeighted(target, target.sum(), -1);
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
        return drawWeighted(target, target.sum() - target.weight(rejected), rejected);
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

    /**
     * Steps 4–5 with top_k: the k best logits by one heap pass, then temperature weights and
     * min_p on those k only (weights fall with the logit, so min_p cuts a suffix of the k and
     * the k best of what min_p keeps are the same tokens). Leaves the survivors in
     * {@code scratch.ids/weights} in id order; returns how many.
     */
    private int topKCandidates(float[] logits, int offset, int vocab, int k, SamplingScratch scratch) {
        int count = TopKSelector.select(logits, offset, vocab, k, scratch);
        if (count == 0) {
            return 0;
        }
        float max = scratch.heapLogits[0];
        double invT = 1.0 / params.temperature();
        double minWeight = params.minP() > 0 ? params.minP() : 0;
        int kept = 0;
        while (kept < count) {
            double w = Math.exp((scratch.heapLogits[kept] - max) * invT);
            if (!(w >= minWeight && w > 0)) {
                break;
            }
            kept++;
        }
        // back to id order (the draw walks candidates by id): sort (id, rank) pairs
        scratch.ensurePacked(kept);
        scratch.ensureCandidates(kept);
        long[] packed = scratch.packed;
        for (int r = 0; r < kept; r++) {
            packed[r] = ((long) scratch.heapIds[r] << 32) | r;
        }
        Arrays.sort(packed, 0, kept);
        for (int i = 0; i < kept; i++) {
            int r = (int) packed[i];
            scratch.ids[i] = scratch.heapIds[r];
            scratch.weights[i] = Math.exp((scratch.heapLogits[r] - max) * invT);
        }
        return kept;
    }

    /**
     * Steps 4–5 without top_k: every token whose temperature weight exp((l - max) / T) is
     * positive and at least min_p. Tokens below a logit threshold are skipped without an exp
     * (their weight is certainly under min_p or underflows to 0), so a peaked row costs one
     * comparison per token. Survivors land in {@code scratch.ids/weights} in id order.
     */
    private int allCandidates(float[] logits, int offset, int vocab, SamplingScratch scratch) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            float l = logits[offset + i];
            if (l != l) {
                return 0; // a NaN row: no distribution (the caller falls back to the argmax)
            }
            max = Math.max(max, l);
        }
        double temperature = params.temperature();
        double invT = 1.0 / temperature;
        double minWeight = params.minP() > 0 ? params.minP() : 0;
        // exp(x) is 0 below about -745.2; min_p's cut is log(min_p). One unit of slack keeps the
        // skip conservative: the exact test below decides every token the skip lets through.
        double logCut = Math.max(minWeight > 0 ? Math.log(minWeight) : -746.0, -746.0) - 1.0;
        double skipBelow = max + logCut * temperature;
        scratch.ensureCandidates(vocab);
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            float l = logits[offset + i];
            if (l < skipBelow) {
                continue;
            }
            double w = Math.exp((l - max) * invT);
            if (w >= minWeight && w > 0) {
                scratch.ids[n] = i;
                scratch.weights[n++] = w;
            }
        }
        return n;
    }

    /** Inverse-CDF draw over the candidates in id order, skipping {@code excluded} (-1: none). */
    private int drawWeighted(TargetDistribution target, double sum, int excluded) {
        double u = random.nextDouble() * sum;
        int last = -1;
        for (int i = 0; i < target.size(); i++) {
            int id = target.id(i);
            if (id != excluded) {
                last = id;
                u -= target.weightAt(i);
                if (u < 0) {
                    return id;
                }
            }
        }
        // rounding left u marginally >= 0: the last candidate (target() never builds an empty
        // distribution, so there is one unless the only candidate was excluded)
        return last >= 0 ? last : excluded;
    }
}

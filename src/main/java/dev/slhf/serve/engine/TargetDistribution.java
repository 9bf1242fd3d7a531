package dev.slhf.serve.engine;

import java.util.Arrays;

/**
 * The processed distribution a {@link Sampler} draws the next token from at one position: after
 * every logits-processing step, before the draw. The speculative verifier needs it as such, to
 * accept a proposed token with its probability and to draw the replacement of a rejected one.
 *
 * <p>Either greedy (a point mass on {@link #argmax()}) or a sparse list of candidates: token ids
 * in ascending order with their unnormalised positive weights; every other token has
 * probability 0. Sparse because with top_k 50 over a 151,936-entry vocabulary a dense array
 * would be 3,000 times larger than its content.
 *
 * <p>A weighted distribution views the building thread's {@link SamplingScratch}: it is valid
 * until the next {@link Sampler#target} call on that thread, which is how the engine uses it
 * (build, then accept or draw, then the next position).
 */
public final class TargetDistribution {

    private final int argmax;
    private final int[] ids;
    private final double[] weights;
    private final int size;
    private final double sum;

    private TargetDistribution(int argmax, int[] ids, double[] weights, int size, double sum) {
        this.argmax = argmax;
        this.ids = ids;
        this.weights = weights;
        this.size = size;
        this.sum = sum;
    }

    static TargetDistribution pointMass(int token) {
        return new TargetDistribution(token, null, null, 0, 1);
    }

    /**
     * Candidates {@code ids[0, size)} (ascending, distinct) with positive weights; summed in id
     * order, so the total is the same double whichever filters produced the list.
     */
    static TargetDistribution sparse(int[] ids, double[] weights, int size) {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += weights[i];
        }
        return new TargetDistribution(-1, ids, weights, size, sum);
    }

    boolean isPointMass() {
        return ids == null;
    }

    /** The greedy token; only for a point mass. */
    int argmax() {
        return argmax;
    }

    /** How many tokens have a non-zero probability. */
    int size() {
        return ids == null ? 1 : size;
    }

    /** p(token), normalised. */
    public double probability(int token) {
        if (ids == null) {
            return token == argmax ? 1 : 0;
        }
        return weight(token) / sum;
    }

    /** The unnormalised weight of {@code token}; 0 when it is not a candidate. */
    double weight(int token) {
        int at = Arrays.binarySearch(ids, 0, size, token);
        return at >= 0 ? weights[at] : 0;
    }

    /** Candidate {@code i}'s token id (ascending in i). */
    int id(int i) {
        return ids[i];
    }

    /** Candidate {@code i}'s weight. */
    double weightAt(int i) {
        return weights[i];
    }

    double sum() {
        return sum;
    }
}

package dev.slhf.serve.engine;

/**
 * The processed distribution a {@link Sampler} draws the next token from at one position: after
 * every logits-processing step, before the draw. The speculative verifier needs it as such, to
 * accept a proposed token with its probability and to draw the replacement of a rejected one.
 *
 * <p>Either greedy (a point mass on {@link #argmax()}) or unnormalised non-negative weights, 0
 * for every token a filter removed.
 */
public final class TargetDistribution {

    private final int argmax;
    private final double[] weights;
    private final double sum;

    private TargetDistribution(int argmax, double[] weights, double sum) {
        this.argmax = argmax;
        this.weights = weights;
        this.sum = sum;
    }

    static TargetDistribution pointMass(int token) {
        return new TargetDistribution(token, null, 1);
    }

    static TargetDistribution weighted(double[] weights) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        return new TargetDistribution(-1, weights, sum);
    }

    boolean isPointMass() {
        return weights == null;
    }

    /** The greedy token; only for a point mass. */
    int argmax() {
        return argmax;
    }

    /** p(token), normalised. */
    public double probability(int token) {
        if (weights == null) {
            return token == argmax ? 1 : 0;
        }
        return token >= 0 && token < weights.length ? weights[token] / sum : 0;
    }

    double[] weights() {
        return weights;
    }

    double sum() {
        return sum;
    }
}

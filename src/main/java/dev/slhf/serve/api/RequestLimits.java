package dev.slhf.serve.api;

import dev.slhf.serve.app.SlhfConfig;
import dev.slhf.serve.engine.Deadline;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The per-request limits of {@code slhf.limits.*} that belong to the HTTP request as a whole:
 * its deadline (which then travels with the sampling settings into every round the engine runs)
 * and the number of choices. Token limits are enforced by each model's engine.
 */
@ApplicationScoped
public class RequestLimits {

    private final SlhfConfig.Limits limits;

    public RequestLimits(SlhfConfig config) {
        this.limits = config.limits();
    }

    /** The settings with this request's deadline, counted from now. */
    public SamplingParams withDeadline(SamplingParams params) {
        return params.withDeadline(Deadline.after(limits.requestTimeout()));
    }

    /** {@code n} checked against {@code slhf.limits.max-n}; absent means 1. */
    public int n(Integer n) {
        if (n == null) {
            return 1;
        }
        if (n < 1 || n > limits.maxN()) {
            throw new InvalidRequestException("n", "n must be between 1 and " + limits.maxN() + ", got " + n);
        }
        return n;
    }
}

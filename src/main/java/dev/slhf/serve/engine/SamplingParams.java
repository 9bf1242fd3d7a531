package dev.slhf.serve.engine;

import java.util.List;

/**
 * Per-sequence decoding settings. Field names follow the OpenAI/vLLM request fields they come
 * from, which is also what {@link InvalidRequestException#param()} reports.
 *
 * @param topK       0 or -1 disables top-k (vLLM accepts both)
 * @param seed       null draws a fresh seed; equal seeds give equal text whatever else runs
 * @param maxTokens  null means "up to the model's context"
 * @param stop       stop strings; the matched string is not part of the output
 * @param topLogprobs null: no log-probabilities; k >= 0: report each sampled token's
 *                   log-probability and the k most likely alternatives (of the raw model
 *                   distribution, before penalties and temperature, as vLLM reports them)
 * @param deadline    null: no time limit; otherwise the engine fails the generation with
 *                    {@link GenerationTimedOutException} once it passes (queue time included). It
 *                    lives here because these settings reach every round of a refinement, so one
 *                    request-wide deadline covers the whole request.
 * @param adjustments logit_bias, frequency and presence penalties ({@link LogitAdjustments#NONE}
 *                    when the request has none); null is read as NONE
 */
public record SamplingParams(
        double temperature,
        double topP,
        int topK,
        double minP,
        double repetitionPenalty,
        Long seed,
        Integer maxTokens,
        List<String> stop,
        boolean ignoreEos,
        Integer topLogprobs,
        Deadline deadline,
        LogitAdjustments adjustments) {

    public static final int MAX_STOP_STRINGS = 16;
    public static final int MAX_TOP_LOGPROBS = 20;
    /**
     * Temperatures in (0, this) sample at this temperature, as vLLM clamps them (its _MAX_TEMP): 1/T of
     * a tiny T is infinite, and (l - max) / T is then NaN for the most likely token. At 0.01 a logit gap
     * of 8 already leaves the runner-up below 1e-34 of the winner, so nothing sharper is lost.
     */
    public static final double MIN_TEMPERATURE = 1e-2;
    /**
     * repetition_penalty bounds: a logit divided by a penalty near 0 overflows a float to infinity (and
     * 1e-38 rounds to 0 as a float); beyond these the penalty has already removed or pinned every
     * seen token, so the range loses nothing.
     */
    public static final double MIN_REPETITION_PENALTY = 1e-2;
    public static final double MAX_REPETITION_PENALTY = 1e2;

    public SamplingParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
        adjustments = adjustments == null ? LogitAdjustments.NONE : adjustments;
        if (temperature > 0 && temperature < MIN_TEMPERATURE) {
            temperature = MIN_TEMPERATURE;
        }
        validate(temperature, topP, topK, minP, repetitionPenalty, maxTokens, stop);
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS)) {
            throw new InvalidRequestException("top_logprobs", "top_logprobs must be between 0 and " + MAX_TOP_LOGPROBS);
        }
    }

    public SamplingParams(double temperature, double topP, int topK, double minP, double repetitionPenalty, Long seed,
            Integer maxTokens, List<String> stop, boolean ignoreEos, Integer topLogprobs) {
        this(temperature, topP, topK, minP, repetitionPenalty, seed, maxTokens, stop, ignoreEos, topLogprobs, null, null);
    }

    public SamplingParams(double temperature, double topP, int topK, double minP, double repetitionPenalty, Long seed,
            Integer maxTokens, List<String> stop, boolean ignoreEos) {
        this(temperature, topP, topK, minP, repetitionPenalty, seed, maxTokens, stop, ignoreEos, null, null, null);
    }

    public boolean wantsLogprobs() {
        return topLogprobs != null;
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 1, 0, 0, 1, null, maxTokens, List.of(), false);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public SamplingParams withMaxTokens(Integer value) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, seed, value, stop, ignoreEos, topLogprobs,
                deadline, adjustments);
    }

    public SamplingParams withSeed(Long value) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, value, maxTokens, stop, ignoreEos,
                topLogprobs, deadline, adjustments);
    }

    public SamplingParams withDeadline(Deadline value) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, seed, maxTokens, stop, ignoreEos,
                topLogprobs, value, adjustments);
    }

    public SamplingParams withAdjustments(LogitAdjustments value) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, seed, maxTokens, stop, ignoreEos,
                topLogprobs, deadline, value);
    }

    public SamplingParams withIgnoreEos(boolean value) {
        return new SamplingParams(temperature, topP, topK, minP, repetitionPenalty, seed, maxTokens, stop, value,
                topLogprobs, deadline, adjustments);
    }

    private static void validate(double temperature, double topP, int topK, double minP, double repetitionPenalty,
            Integer maxTokens, List<String> stop) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidRequestException("temperature", "temperature must be a finite number >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidRequestException("top_p", "top_p must be in (0, 1], got " + topP);
        }
        if (topK < -1) {
            throw new InvalidRequestException("top_k", "top_k must be -1, 0 (disabled) or a positive number, got " + topK);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new InvalidRequestException("min_p", "min_p must be in [0, 1], got " + minP);
        }
        if (!(repetitionPenalty >= MIN_REPETITION_PENALTY && repetitionPenalty <= MAX_REPETITION_PENALTY)) {
            throw new InvalidRequestException("repetition_penalty", "repetition_penalty must be in ["
                    + MIN_REPETITION_PENALTY + ", " + MAX_REPETITION_PENALTY + "], got " + repetitionPenalty);
        }
        if (maxTokens != null && maxTokens <= 0) {
            throw new InvalidRequestException("max_tokens", "max_tokens must be at least 1, got " + maxTokens);
        }
        if (stop.size() > MAX_STOP_STRINGS) {
            throw new InvalidRequestException("stop", "at most " + MAX_STOP_STRINGS + " stop strings are allowed");
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                throw new InvalidRequestException("stop", "stop strings must be non-empty");
            }
        }
    }
}

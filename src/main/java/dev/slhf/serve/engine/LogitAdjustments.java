package dev.slhf.serve.engine;

import java.util.Map;
import java.util.TreeMap;

/**
 * OpenAI's additive logit adjustments: {@code logit_bias}, {@code frequency_penalty} and
 * {@code presence_penalty}. For a token {@code t} generated {@code c[t]} times so far in this
 * completion:
 * <pre>  logit[t] += bias[t] - c[t] * frequency_penalty - (c[t] > 0 ? presence_penalty : 0)</pre>
 * As in OpenAI's documentation and vLLM, the counts are over the generated tokens only (the
 * prompt does not count; that is what {@code repetition_penalty} is for). In a refinement every
 * round is a new completion, so the counts restart with each round while the settings are the
 * same in every round.
 *
 * @param logitBias token id → bias in [-100, 100]; ids are checked against the model's vocabulary
 *                  when the generation is submitted ({@link #checkVocabulary})
 */
public record LogitAdjustments(double frequencyPenalty, double presencePenalty, Map<Integer, Double> logitBias) {

    public static final LogitAdjustments NONE = new LogitAdjustments(0, 0, Map.of());
    public static final double MAX_PENALTY = 2.0;
    public static final double MAX_BIAS = 100.0;

    public LogitAdjustments {
        logitBias = logitBias == null ? Map.of() : Map.copyOf(new TreeMap<>(logitBias));
        checkPenalty("frequency_penalty", frequencyPenalty);
        checkPenalty("presence_penalty", presencePenalty);
        logitBias.forEach((token, bias) -> {
            if (bias == null || !(bias >= -MAX_BIAS && bias <= MAX_BIAS)) {
                throw new InvalidRequestException("logit_bias", "logit_bias values must be between -100 and 100, got "
                        + bias + " for token " + token);
            }
        });
    }

    private static void checkPenalty(String param, double value) {
        if (!(value >= -MAX_PENALTY && value <= MAX_PENALTY)) {
            throw new InvalidRequestException(param, param + " must be between -2 and 2, got " + value);
        }
    }

    public boolean isNone() {
        return frequencyPenalty == 0 && presencePenalty == 0 && logitBias.isEmpty();
    }

    boolean hasPenalties() {
        return frequencyPenalty != 0 || presencePenalty != 0;
    }

    /** A biased token id outside the logits row is a client mistake (OpenAI answers 400 too). */
    void checkVocabulary(int vocabSize) {
        for (int token : logitBias.keySet()) {
            if (token < 0 || token >= vocabSize) {
                throw new InvalidRequestException("logit_bias", "logit_bias names token id " + token
                        + ", outside this model's vocabulary of " + vocabSize + " ids");
            }
        }
    }
}

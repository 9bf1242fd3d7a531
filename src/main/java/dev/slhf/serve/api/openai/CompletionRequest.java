package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.api.openapi.StringOrList;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/completions} body (OpenAI's legacy text completion): the prompt is raw text, fed
 * to the model without a chat template. {@code suffix} and {@code best_of} are refused unless
 * they mean "off"; fields outside OpenAI's and vLLM's sets are ignored, as both of them ignore them.
 */
@Schema(name = "CompletionRequest", description = "OpenAI text completion request")
public record CompletionRequest(
        @Schema(description = "A loaded model, or the pipeline id (the prompt becomes one user turn)", required = true)
        String model,
        @Schema(required = true, implementation = StringOrList.class) JsonNode prompt, // an array: of one string
        @Schema(defaultValue = "16") Integer maxTokens,
        @Schema(defaultValue = "1.0") Double temperature,
        @Schema(defaultValue = "1.0") Double topP,
        @Schema(defaultValue = "0") Integer topK,
        @Schema(defaultValue = "0") Double minP,
        @Schema(defaultValue = "1.0") Double repetitionPenalty,
        Long seed,
        @Schema(implementation = StringOrList.class) JsonNode stop,
        @Schema(defaultValue = "1") Integer n,
        @Schema(defaultValue = "false") Boolean stream,
        StreamOptions streamOptions,
        @Schema(description = "Alternatives per token (0..20); the sampled token's log-probability is always given")
        Integer logprobs,
        @Schema(description = "End-user id for the caller's own records; does not change the output") String user,
        @Schema(description = "Pipeline id only: follower rounds") Integer refinementRounds,
        @Schema(description = "Prepend the prompt to each choice's text (not with logprobs)", defaultValue = "false")
        Boolean echo,
        @Schema(description = "vLLM extra: keep generating up to max_tokens past end-of-sequence", defaultValue = "false")
        Boolean ignoreEos,
        @Schema(description = "Insertion (fill-in-the-middle) is not supported: only absent or empty") String suffix,
        @Schema(description = "Only absent or equal to n: no server-side selection of the best choices")
        Integer bestOf,
        @Schema(description = "-2..2: minus count x this for each token already generated", defaultValue = "0")
        Double frequencyPenalty,
        @Schema(description = "-2..2: minus this for each token already generated", defaultValue = "0")
        Double presencePenalty,
        @Schema(description = "Token id (as a string) -> bias in -100..100 added to its logit")
        Map<String, Double> logitBias) {

    /** OpenAI's default for this endpoint: 16 tokens. */
    public static final int DEFAULT_MAX_TOKENS = 16;

    public String promptText() {
        JsonNode p = prompt;
        if (p != null && p.isArray() && p.size() == 1) {
            p = p.get(0);
        }
        if (p == null || !p.isTextual()) {
            throw new InvalidRequestException("prompt", "prompt must be a string (or an array holding one string)");
        }
        if (p.asText().isEmpty()) {
            throw new InvalidRequestException("prompt", "prompt must not be empty");
        }
        return p.asText();
    }

    public SamplingParams samplingParams() {
        if (suffix != null && !suffix.isEmpty()) {
            throw new InvalidRequestException("suffix", "suffix is not supported: the served models have no"
                    + " fill-in-the-middle mode", "unsupported_parameter");
        }
        int choices = n == null ? 1 : n;
        if (bestOf != null && bestOf != choices) {
            throw new InvalidRequestException("best_of", "best_of is not supported (got " + bestOf + " with n = "
                    + choices + "): generate n choices and pick on the client; best_of equal to n is accepted",
                    "unsupported_parameter");
        }
        if (echoing() && logprobs != null) {
            throw new InvalidRequestException("echo", "echo with logprobs is not supported: prompt tokens get no"
                    + " log-probabilities here; send one of them", "unsupported_parameter");
        }
        return RequestFields.sampling(temperature, topP, topK, minP, repetitionPenalty, seed,
                maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens, stop, logprobs, ignoreEos)
                .withAdjustments(RequestFields.adjustments(frequencyPenalty, presencePenalty, logitBias));
    }

    public boolean echoing() {
        return Boolean.TRUE.equals(echo);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}

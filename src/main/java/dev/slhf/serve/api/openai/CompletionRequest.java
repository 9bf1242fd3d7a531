package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/completions} body (OpenAI's legacy text completion): the prompt is raw text, fed
 * to the model without a chat template. Unknown fields are ignored.
 */
@Schema(description = "OpenAI text completion request")
public record CompletionRequest(
        @Schema(description = "A loaded model, or the pipeline id (the prompt becomes one user turn)", required = true)
        String model,
        @Schema(description = "A string, or an array holding one string", required = true) JsonNode prompt,
        @Schema(defaultValue = "16") Integer maxTokens,
        @Schema(defaultValue = "1.0") Double temperature,
        @Schema(defaultValue = "1.0") Double topP,
        @Schema(defaultValue = "0") Integer topK,
        @Schema(defaultValue = "0") Double minP,
        @Schema(defaultValue = "1.0") Double repetitionPenalty,
        Long seed,
        JsonNode stop,
        @Schema(defaultValue = "1") Integer n,
        @Schema(defaultValue = "false") Boolean stream,
        StreamOptions streamOptions,
        @Schema(description = "Alternatives per token (0..20); the sampled token's log-probability is always given")
        Integer logprobs,
        String user,
        @Schema(description = "Pipeline id only: follower rounds") Integer refinementRounds) {

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
        return RequestFields.sampling(temperature, topP, topK, minP, repetitionPenalty, seed,
                maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens, stop, logprobs);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}

package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.api.MessageDto;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/chat/completions} body. OpenAI fields plus the extras vLLM accepts
 * ({@code top_k}, {@code min_p}, {@code repetition_penalty}) and {@code refinement_rounds} for the
 * pipeline id; unknown fields are ignored.
 */
@Schema(description = "OpenAI chat completion request")
public record ChatCompletionRequest(
        @Schema(description = "A loaded model (plain generation) or the pipeline id (refinement)", required = true)
        String model,
        @Schema(required = true) List<MessageDto> messages,
        Integer maxTokens,
        @Schema(description = "Same as max_tokens (OpenAI's newer name)") Integer maxCompletionTokens,
        @Schema(defaultValue = "1.0") Double temperature,
        @Schema(defaultValue = "1.0") Double topP,
        @Schema(description = "vLLM extra; 0 or -1 disable it", defaultValue = "0") Integer topK,
        @Schema(description = "vLLM extra", defaultValue = "0") Double minP,
        @Schema(description = "vLLM extra", defaultValue = "1.0") Double repetitionPenalty,
        @Schema(description = "Choice i uses seed + i") Long seed,
        @Schema(description = "A stop string or an array of them") JsonNode stop,
        @Schema(description = "Choices, each a separate generation; at most slhf.limits.max-n (16)", defaultValue = "1") Integer n,
        @Schema(defaultValue = "false") Boolean stream,
        StreamOptions streamOptions,
        @Schema(description = "Return the log-probability of each generated token", defaultValue = "false")
        Boolean logprobs,
        @Schema(description = "Alternatives per token, 0..20; needs logprobs") Integer topLogprobs,
        @Schema(description = "Accepted and ignored") String user,
        @Schema(description = "Pipeline id only: follower rounds; default slhf.refine.rounds") Integer refinementRounds,
        @Schema(description = "vLLM extra: keep generating up to max_tokens past end-of-sequence", defaultValue = "false")
        Boolean ignoreEos) {

    public SamplingParams samplingParams() {
        if (maxTokens != null && maxCompletionTokens != null && !maxTokens.equals(maxCompletionTokens)) {
            throw new InvalidRequestException("max_completion_tokens",
                    "max_tokens and max_completion_tokens disagree; send only one");
        }
        Integer limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw new InvalidRequestException("top_logprobs", "top_logprobs requires logprobs: true");
        }
        Integer top = Boolean.TRUE.equals(logprobs) ? (topLogprobs == null ? 0 : topLogprobs) : null;
        return RequestFields.sampling(temperature, topP, topK, minP, repetitionPenalty, seed, limit, stop, top, ignoreEos);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}

package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.api.MessageDto;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import java.util.List;

/**
 * {@code POST /v1/chat/completions} body. OpenAI fields plus the extras vLLM accepts
 * ({@code top_k}, {@code min_p}, {@code repetition_penalty}); unknown fields are ignored.
 */
public record ChatCompletionRequest(
        String model,
        List<MessageDto> messages,
        Integer maxTokens,
        Integer maxCompletionTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Double minP,
        Double repetitionPenalty,
        Long seed,
        JsonNode stop,
        Integer n,
        Boolean stream,
        String user) {

    /** OpenAI defaults: temperature 1, top_p 1; max tokens up to the context. */
    public SamplingParams samplingParams() {
        if (maxTokens != null && maxCompletionTokens != null && !maxTokens.equals(maxCompletionTokens)) {
            throw new InvalidRequestException("max_completion_tokens",
                    "max_tokens and max_completion_tokens disagree; send only one");
        }
        Integer limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        return new SamplingParams(RequestFields.orDefault(temperature, 1.0), RequestFields.orDefault(topP, 1.0),
                topK == null ? 0 : topK, RequestFields.orDefault(minP, 0.0),
                RequestFields.orDefault(repetitionPenalty, 1.0), seed, limit, RequestFields.stop(stop), false);
    }
}

package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slhf.serve.api.refine.RefineResponse;
import dev.slhf.serve.engine.TokenLogprob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The {@code text_completion} object; streamed chunks have the same shape with the text so far
 * and no usage until the usage chunk.
 */
@Schema(name = "TextCompletion", description = "A text completion; streamed chunks have the same shape")
public record CompletionResponse(String id, @Schema(enumeration = "text_completion") String object, long created,
        String model, List<Choice> choices,
        @Schema(description = "Absent from streamed chunks but the usage chunk")
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Usage usage,
        @Schema(description = "Pipeline id only: every round")
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RefineResponse.RoundDto> refinement) {

    @Schema(name = "TextCompletionChoice")
    public record Choice(String text, int index, Logprobs logprobs, @Schema(description = "stop: a stop token or stop string; length: max_tokens or the context end. The other OpenAI values can only come from an upstream leader.", enumeration = {"stop", "length", "tool_calls", "content_filter", "function_call"}) String finishReason) {}

    /** The legacy completions logprobs layout: parallel arrays, one entry per token. */
    @Schema(name = "TextCompletionLogprobs")
    public record Logprobs(List<String> tokens, List<Double> tokenLogprobs, List<Map<String, Double>> topLogprobs,
            List<Integer> textOffset) {

        public static Logprobs of(List<TokenLogprob> tokens, int offset, boolean requested) {
            if (!requested) {
                return null;
            }
            List<Integer> offsets = new java.util.ArrayList<>();
            int at = offset;
            for (TokenLogprob t : tokens) {
                offsets.add(at);
                at += t.token().length();
            }
            return new Logprobs(tokens.stream().map(TokenLogprob::token).toList(),
                    tokens.stream().map(TokenLogprob::logprob).toList(),
                    tokens.stream().map(t -> {
                        Map<String, Double> top = new LinkedHashMap<>();
                        t.top().forEach(a -> top.putIfAbsent(a.token(), a.logprob()));
                        return top;
                    }).toList(), offsets);
        }
    }
}

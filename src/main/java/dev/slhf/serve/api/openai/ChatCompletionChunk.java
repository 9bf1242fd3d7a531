package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slhf.serve.api.refine.RefineResponse;
import java.util.List;

/**
 * One {@code chat.completion.chunk} of a streamed chat completion: the first per choice carries
 * the role, the last its finish_reason; with {@code include_usage} a final chunk has empty choices
 * and the usage. For the pipeline id the finishing chunk also carries every round in {@code refinement}.
 */
public record ChatCompletionChunk(
        String id, String object, long created, String model, List<Choice> choices,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Usage usage,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RefineResponse.RoundDto> refinement) {

    public record Choice(int index, Delta delta, ChatLogprobs logprobs, String finishReason) {}

    public record Delta(
            @JsonInclude(JsonInclude.Include.NON_NULL) String role,
            @JsonInclude(JsonInclude.Include.NON_NULL) String content) {}
}

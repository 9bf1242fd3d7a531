package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slhf.serve.api.refine.RefineResponse;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One {@code chat.completion.chunk} of a streamed chat completion: the first per choice carries
 * the role, the last its finish_reason; with {@code include_usage} a final chunk has empty choices
 * and the usage. For the pipeline id the finishing chunk also carries every round in {@code refinement}.
 */
@Schema(name = "ChatCompletionChunk", description = "One data: frame of a streamed chat completion")
public record ChatCompletionChunk(
        String id, @Schema(enumeration = "chat.completion.chunk") String object, long created, String model,
        @Schema(description = "Empty in the usage chunk") List<Choice> choices,
        @Schema(description = "Only in the last chunk, with stream_options.include_usage")
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Usage usage,
        @Schema(description = "Pipeline id only, in the finishing chunk: every round")
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RefineResponse.RoundDto> refinement) {

    @Schema(name = "ChatCompletionChunkChoice")
    public record Choice(int index, Delta delta, ChatLogprobs logprobs,
            @Schema(description = "null until the choice's last chunk. stop: a stop token or stop string; length:"
                    + " max_tokens or the context end", enumeration = {"stop", "length", "tool_calls",
                    "content_filter", "function_call"}) String finishReason) {}

    @Schema(name = "ChatCompletionDelta")
    public record Delta(
            @Schema(enumeration = "assistant", description = "Only in a choice's first chunk")
            @JsonInclude(JsonInclude.Include.NON_NULL) String role,
            @JsonInclude(JsonInclude.Include.NON_NULL) String content) {}
}

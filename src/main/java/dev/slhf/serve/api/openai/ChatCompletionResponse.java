package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slhf.serve.api.refine.RefineResponse;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The {@code chat.completion} object. For the pipeline id, {@code refinement} holds every round
 * (the message is the last one); plain generations leave it out.
 */
@Schema(name = "ChatCompletion")
public record ChatCompletionResponse(
        String id, @Schema(enumeration = "chat.completion") String object, long created, String model,
        List<Choice> choices, Usage usage,
        @Schema(description = "Pipeline id only: every round, the last one being the message")
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RefineResponse.RoundDto> refinement) {

    public ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
            Usage usage) {
        this(id, object, created, model, choices, usage, null);
    }

    @Schema(name = "ChatCompletionChoice")
    public record Choice(int index, AssistantMessage message,
            @Schema(description = "null unless logprobs was true") ChatLogprobs logprobs,
            @Schema(description = "stop: a stop token or stop string; length: max_tokens or the context end. The other OpenAI values can only come from an upstream leader.", enumeration = {"stop", "length", "tool_calls", "content_filter", "function_call"}) String finishReason) {}

    @Schema(name = "AssistantMessage")
    public record AssistantMessage(@Schema(enumeration = "assistant") String role, String content) {}
}

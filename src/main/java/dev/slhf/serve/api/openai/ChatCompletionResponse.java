package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slhf.serve.api.refine.RefineResponse;
import java.util.List;

/**
 * The {@code chat.completion} object. For the pipeline id, {@code refinement} holds every round
 * (the message is the last one); plain generations leave it out.
 */
public record ChatCompletionResponse(
        String id, String object, long created, String model, List<Choice> choices, Usage usage,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RefineResponse.RoundDto> refinement) {

    public ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
            Usage usage) {
        this(id, object, created, model, choices, usage, null);
    }

    public record Choice(int index, AssistantMessage message, ChatLogprobs logprobs, String finishReason) {}

    public record AssistantMessage(String role, String content) {}
}

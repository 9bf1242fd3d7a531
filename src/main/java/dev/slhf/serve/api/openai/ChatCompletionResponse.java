package dev.slhf.serve.api.openai;

import java.util.List;

/** The {@code chat.completion} object. */
public record ChatCompletionResponse(
        String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    public record Choice(int index, AssistantMessage message, Object logprobs, String finishReason) {}

    public record AssistantMessage(String role, String content) {}
}

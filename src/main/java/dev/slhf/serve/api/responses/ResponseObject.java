package dev.slhf.serve.api.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slhf.serve.api.refine.RefineResponse;
import java.util.List;
import java.util.Map;

/**
 * The Responses API {@code response} object, text only: one assistant message with one
 * {@code output_text} part. Fields that only tools, storage or reasoning would fill carry their
 * empty values, so typed clients (the OpenAI SDKs) find every field they require. For the
 * pipeline id, {@code refinement} holds every round, as on chat completions.
 */
public record ResponseObject(
        String id, String object, long createdAt, String status, Object error, IncompleteDetails incompleteDetails,
        String instructions, Integer maxOutputTokens, String model, List<OutputMessage> output,
        boolean parallelToolCalls, String previousResponseId, Reasoning reasoning, boolean store, double temperature,
        Map<String, Object> text, String toolChoice, List<Object> tools, double topP, String truncation,
        Usage usage, String user, Map<String, String> metadata,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RefineResponse.RoundDto> refinement) {

    public record IncompleteDetails(String reason) {}

    public record Reasoning(String effort, String summary) {}

    public record OutputMessage(String type, String id, String status, String role, List<OutputText> content) {}

    public record OutputText(String type, String text, List<Object> annotations, List<Object> logprobs) {

        public static OutputText of(String text) {
            return new OutputText("output_text", text, List.of(), List.of());
        }
    }

    public record Usage(int inputTokens, InputDetails inputTokensDetails, int outputTokens,
            OutputDetails outputTokensDetails, int totalTokens) {

        public static Usage of(int input, int output) {
            return new Usage(input, new InputDetails(0), output, new OutputDetails(0), input + output);
        }
    }

    public record InputDetails(int cachedTokens) {}

    public record OutputDetails(int reasoningTokens) {}
}

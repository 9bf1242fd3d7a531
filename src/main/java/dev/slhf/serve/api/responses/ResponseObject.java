package dev.slhf.serve.api.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slhf.serve.api.refine.RefineResponse;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The Responses API {@code response} object, text only: one assistant message with one
 * {@code output_text} part. Fields that only tools, storage or reasoning would fill carry their
 * empty values, so typed clients (the OpenAI SDKs) find every field they require. For the
 * pipeline id, {@code refinement} holds every round, as on chat completions.
 */
@Schema(name = "Response")
public record ResponseObject(
        String id, @Schema(enumeration = "response") String object, long createdAt,
        @Schema(enumeration = {"completed", "incomplete", "in_progress"}) String status,
        @Schema(implementation = Map.class, description = "Always null: a failure is an error response") Object error,
        IncompleteDetails incompleteDetails,
        String instructions, Integer maxOutputTokens, String model, List<OutputMessage> output,
        boolean parallelToolCalls, String previousResponseId, Reasoning reasoning, boolean store, double temperature,
        @Schema(implementation = Map.class, description = "{\"format\":{\"type\":\"text\"}}") Map<String, Object> text,
        String toolChoice, @Schema(type = SchemaType.ARRAY, implementation = Map.class, description = "Always empty")
        List<Object> tools, double topP, String truncation,
        Usage usage, String user, Map<String, String> metadata,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<RefineResponse.RoundDto> refinement) {

    @Schema(name = "ResponseIncompleteDetails")
    public record IncompleteDetails(String reason) {}

    @Schema(name = "ResponseReasoning")
    public record Reasoning(String effort, String summary) {}

    @Schema(name = "ResponseOutputMessage")
    public record OutputMessage(@Schema(enumeration = "message") String type, String id, String status,
            @Schema(enumeration = "assistant") String role, List<OutputText> content) {}

    @Schema(name = "ResponseOutputText")
    public record OutputText(@Schema(enumeration = "output_text") String type, String text,
            @Schema(type = SchemaType.ARRAY, implementation = Map.class, description = "Always empty")
            List<Object> annotations,
            @Schema(type = SchemaType.ARRAY, implementation = Map.class, description = "Always empty")
            List<Object> logprobs) {

        public static OutputText of(String text) {
            return new OutputText("output_text", text, List.of(), List.of());
        }
    }

    @Schema(name = "ResponseUsage")
    public record Usage(int inputTokens, InputDetails inputTokensDetails, int outputTokens,
            OutputDetails outputTokensDetails, int totalTokens) {

        public static Usage of(int input, int output) {
            return new Usage(input, new InputDetails(0), output, new OutputDetails(0), input + output);
        }
    }

    @Schema(name = "ResponseInputTokensDetails")
    public record InputDetails(int cachedTokens) {}

    @Schema(name = "ResponseOutputTokensDetails")
    public record OutputDetails(int reasoningTokens) {}
}

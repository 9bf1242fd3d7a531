package dev.slhf.serve.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.api.openai.UnsupportedFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/responses} body, text only. {@code input} is a string (one user turn) or an
 * array of message items ({@code role} + {@code content} as a string or {@code input_text} /
 * {@code output_text} parts); {@code instructions} becomes a leading system turn. What the
 * Responses API offers beyond text generation (tools, stored conversations, reasoning, files,
 * images, structured output) is declared here only to be refused with a 400 naming it.
 */
@Schema(name = "ResponseRequest", description = "OpenAI Responses API request (text only)")
public record ResponsesRequest(
        @Schema(description = "A loaded model, or the pipeline id (the final round is the output)", required = true)
        String model,
        @Schema(required = true, implementation = ResponseSchemas.Input.class) JsonNode input,
        @Schema(description = "A system turn placed before the input") String instructions,
        @Schema(description = "Upper bound on generated tokens (per round for the pipeline id)") Integer maxOutputTokens,
        @Schema(defaultValue = "1.0") Double temperature,
        @Schema(defaultValue = "1.0") Double topP,
        @Schema(defaultValue = "false") Boolean stream,
        @Schema(description = "End-user id for the caller's own records; does not change the output") String user,
        @Schema(description = "Pipeline id only: follower rounds") Integer refinementRounds,
        @Schema(description = "Only absent or []: tool calls are not supported yet", type = SchemaType.ARRAY,
                implementation = Map.class) JsonNode tools,
        @Schema(description = "Only \"none\"", implementation = String.class) JsonNode toolChoice,
        @Schema(description = "No effect: there are no tools") Boolean parallelToolCalls,
        @Schema(description = "Refused: responses are not stored") String previousResponseId,
        @Schema(description = "Refused: conversations are not stored", implementation = String.class)
        JsonNode conversation,
        @Schema(description = "Only false: responses are not stored") Boolean store,
        @Schema(description = "Only with store, which is refused", implementation = Map.class) JsonNode metadata,
        @Schema(description = "Refused: the served models do not reason", implementation = Map.class) JsonNode reasoning,
        @Schema(description = "Only {\"format\":{\"type\":\"text\"}}", implementation = Map.class) JsonNode text,
        @Schema(description = "Refused when non-empty: no extra output data", type = SchemaType.ARRAY,
                implementation = String.class) JsonNode include,
        @Schema(description = "Only false") Boolean background,
        @Schema(description = "Refused: no stored prompt templates", implementation = Map.class) JsonNode prompt,
        @Schema(description = "Refused: no log-probabilities on this endpoint") Integer topLogprobs,
        @Schema(description = "Only \"disabled\": an over-long input is a 400") String truncation,
        @Schema(description = "Refused: there are no tools") Integer maxToolCalls,
        @Schema(description = "There is one tier", enumeration = {"auto", "default"}) String serviceTier) {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    public void checkSupported() {
        UnsupportedFields.tools(tools, toolChoice);
        if (previousResponseId != null) {
            throw new InvalidRequestException("previous_response_id", "previous_response_id is not supported: this"
                    + " server keeps no responses; send the whole conversation as input", "unsupported_parameter");
        }
        UnsupportedFields.refuse("conversation", conversation, "this server keeps no conversations");
        UnsupportedFields.store(store, metadata);
        UnsupportedFields.refuse("reasoning", reasoning, "the served models have no reasoning mode");
        if (text != null && !text.isNull()) {
            JsonNode format = text.path("format");
            boolean plain = text.isObject() && text.size() == 1 && format.isObject() && format.size() == 1
                    && "text".equals(format.path("type").asText(null));
            if (!plain) {
                throw new InvalidRequestException("text", "text " + text + " is not supported: structured output is"
                        + " not implemented yet; only {\"format\":{\"type\":\"text\"}} is accepted",
                        "unsupported_parameter");
            }
        }
        if (include != null && !include.isNull() && !(include.isArray() && include.isEmpty())) {
            throw new InvalidRequestException("include", "include is not supported: there is no extra output data",
                    "unsupported_parameter");
        }
        if (Boolean.TRUE.equals(background)) {
            throw new InvalidRequestException("background", "background responses are not supported: they need"
                    + " stored responses", "unsupported_parameter");
        }
        UnsupportedFields.refuse("prompt", prompt, "there are no stored prompt templates");
        if (topLogprobs != null) {
            throw new InvalidRequestException("top_logprobs", "top_logprobs is not supported on /v1/responses;"
                    + " /v1/chat/completions has logprobs", "unsupported_parameter");
        }
        if (truncation != null && !truncation.equals("disabled")) {
            throw new InvalidRequestException("truncation", "truncation '" + truncation + "' is not supported:"
                    + " an input beyond the context is refused (\"disabled\")", "unsupported_parameter");
        }
        if (maxToolCalls != null) {
            throw new InvalidRequestException("max_tool_calls", "max_tool_calls is not supported: there are no tools",
                    "unsupported_parameter");
        }
        UnsupportedFields.serviceTier(serviceTier);
    }

    public SamplingParams samplingParams() {
        if (maxOutputTokens != null && maxOutputTokens <= 0) {
            throw new InvalidRequestException("max_output_tokens", "max_output_tokens must be at least 1, got "
                    + maxOutputTokens);
        }
        return RequestFields.sampling(temperature, topP, null, null, null, null, maxOutputTokens, null, null);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /** The conversation: instructions as a system turn, then the input's turns. */
    public List<ChatMessage> turns() {
        List<ChatMessage> out = new ArrayList<>();
        if (instructions != null) {
            out.add(new ChatMessage("system", instructions));
        }
        if (input == null || input.isNull()) {
            throw new InvalidRequestException("input", "'input' is required");
        }
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                throw new InvalidRequestException("input", "'input' must not be empty");
            }
            out.add(new ChatMessage("user", input.asText()));
            return out;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw new InvalidRequestException("input", "'input' must be a string or a non-empty array of message items");
        }
        for (int i = 0; i < input.size(); i++) {
            out.add(message(input.get(i), "input[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode item, String at) {
        if (!item.isObject()) {
            throw new InvalidRequestException(at, at + " must be a message object");
        }
        String type = item.path("type").asText("message");
        if (!type.equals("message")) {
            throw new InvalidRequestException(at + ".type", "input items of type '" + type + "' are not supported:"
                    + " only text messages (tool calls, reasoning and item references are not implemented)",
                    "unsupported_parameter");
        }
        String role = item.path("role").asText(null);
        if (role == null || !ROLES.contains(role)) {
            throw new InvalidRequestException(at + ".role", "Invalid role '" + role
                    + "': expected one of system, developer, user, assistant");
        }
        JsonNode content = item.get("content");
        String param = at + ".content";
        String text;
        if (content != null && content.isTextual()) {
            text = content.asText();
        } else if (content != null && content.isArray()) {
            StringBuilder b = new StringBuilder();
            for (int p = 0; p < content.size(); p++) {
                JsonNode part = content.get(p);
                String partType = part.path("type").asText(null);
                // output_text: an earlier assistant answer sent back as part of the conversation
                if (!("input_text".equals(partType) || "output_text".equals(partType)) || !part.path("text").isTextual()) {
                    throw new InvalidRequestException(param + "[" + p + "]", "content parts of type '" + partType
                            + "' are not supported: only input_text (and output_text for assistant turns)",
                            "unsupported_parameter");
                }
                b.append(part.get("text").asText());
            }
            text = b.toString();
        } else {
            throw new InvalidRequestException(param, param + " must be a string or an array of input_text parts");
        }
        // "developer" is OpenAI's newer name for the system turn; templates know only "system"
        return new ChatMessage(role.equals("developer") ? "system" : role, text);
    }
}

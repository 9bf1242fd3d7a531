package dev.slhf.serve.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import dev.slhf.serve.api.openapi.MessageContent;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A chat turn as OpenAI clients send it: {@code content} is a string or an array of
 * {@code {"type":"text","text":...}} parts. {@code name}, {@code tool_calls} and
 * {@code tool_call_id} are read only to be refused ({@link RequestFields#messages}): the chat
 * templates get role and content, so accepting them would drop them silently.
 */
@Schema(name = "ChatMessage", description = "One turn of the conversation")
public record MessageDto(
        @Schema(required = true, enumeration = {"system", "developer", "user", "assistant"},
                description = "developer is read as system") String role,
        @Schema(required = true, implementation = MessageContent.class) JsonNode content,
        @Schema(description = "Refused (400): the chat templates see role and content only") String name,
        @Schema(description = "Refused (400): tool calls are not supported", type = SchemaType.ARRAY,
                implementation = Map.class) JsonNode toolCalls,
        @Schema(description = "Refused (400): tool calls are not supported") String toolCallId) {

    public MessageDto(String role, JsonNode content) {
        this(role, content, null, null, null);
    }

    public static MessageDto of(String role, String content) {
        return new MessageDto(role, com.fasterxml.jackson.databind.node.TextNode.valueOf(content));
    }
}

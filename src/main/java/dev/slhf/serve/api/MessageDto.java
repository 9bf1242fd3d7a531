package dev.slhf.serve.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A chat turn as OpenAI clients send it: {@code content} is a string or an array of
 * {@code {"type":"text","text":...}} parts. {@code name}, {@code tool_calls} and
 * {@code tool_call_id} are read only to be refused ({@link RequestFields#messages}): the chat
 * templates get role and content, so accepting them would drop them silently.
 */
public record MessageDto(String role, JsonNode content, String name, JsonNode toolCalls, String toolCallId) {

    public MessageDto(String role, JsonNode content) {
        this(role, content, null, null, null);
    }

    public static MessageDto of(String role, String content) {
        return new MessageDto(role, com.fasterxml.jackson.databind.node.TextNode.valueOf(content));
    }
}

package dev.slhf.serve.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A chat turn as OpenAI clients send it: {@code content} is a string or an array of
 * {@code {"type":"text","text":...}} parts.
 */
public record MessageDto(String role, JsonNode content) {

    public static MessageDto of(String role, String content) {
        return new MessageDto(role, com.fasterxml.jackson.databind.node.TextNode.valueOf(content));
    }
}

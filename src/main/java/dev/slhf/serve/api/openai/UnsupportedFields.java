package dev.slhf.serve.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.engine.InvalidRequestException;

/**
 * OpenAI request fields this server does not implement. Each is refused with a 400 naming it
 * unless it holds the value that means "off", so that a client relying on it (LangChain's
 * {@code withStructuredOutput}, an agent's tool calls) fails loudly instead of getting plain text
 * it then cannot parse. Unknown fields outside OpenAI's documented set stay ignored, as OpenAI and
 * vLLM ignore them.
 */
public final class UnsupportedFields {

    private UnsupportedFields() {}

    /** {@code response_format}: only {@code {"type":"text"}} (the default) is accepted. */
    public static void responseFormat(JsonNode format) {
        if (absent(format)) {
            return;
        }
        if (!format.isObject() || !"text".equals(format.path("type").asText(null)) || format.size() != 1) {
            throw new InvalidRequestException("response_format", "response_format " + format
                    + " is not supported: structured output (json_object, json_schema) is not implemented yet;"
                    + " only {\"type\":\"text\"} is accepted", "unsupported_parameter");
        }
    }

    /** {@code tools}: absent or empty; {@code tool_choice}: absent or {@code "none"}. */
    public static void tools(JsonNode tools, JsonNode toolChoice) {
        if (!absent(tools) && !(tools.isArray() && tools.isEmpty())) {
            throw new InvalidRequestException("tools", "tools are not supported: tool calls are not implemented yet"
                    + " (an empty tools array is accepted)", "unsupported_parameter");
        }
        if (!absent(toolChoice) && !"none".equals(toolChoice.asText(null))) {
            throw new InvalidRequestException("tool_choice", "tool_choice " + toolChoice
                    + " is not supported: tool calls are not implemented yet; only \"none\" is accepted",
                    "unsupported_parameter");
        }
    }

    /** The legacy {@code functions} / {@code function_call}, refused like {@code tools}. */
    public static void functions(JsonNode functions, JsonNode functionCall) {
        if (!absent(functions) && !(functions.isArray() && functions.isEmpty())) {
            throw new InvalidRequestException("functions", "functions are not supported: tool calls are not"
                    + " implemented yet", "unsupported_parameter");
        }
        if (!absent(functionCall) && !"none".equals(functionCall.asText(null))) {
            throw new InvalidRequestException("function_call", "function_call is not supported: tool calls are not"
                    + " implemented yet; only \"none\" is accepted", "unsupported_parameter");
        }
    }

    /** Nothing is stored, so {@code store: true} (and metadata, which only labels stored objects) is refused. */
    public static void store(Boolean store, JsonNode metadata) {
        if (Boolean.TRUE.equals(store)) {
            throw new InvalidRequestException("store", "store: true is not supported: this server keeps no responses",
                    "unsupported_parameter");
        }
        if (!absent(metadata) && !(metadata.isObject() && metadata.isEmpty())) {
            throw new InvalidRequestException("metadata", "metadata is not supported: it labels stored objects and"
                    + " this server stores none", "unsupported_parameter");
        }
    }

    /** A field with no "off" value among those we serve: any value but null is refused. */
    public static void refuse(String param, JsonNode value, String why) {
        if (!absent(value)) {
            throw new InvalidRequestException(param, param + " is not supported: " + why, "unsupported_parameter");
        }
    }

    /** {@code modalities}: text only. */
    public static void modalities(JsonNode modalities) {
        if (absent(modalities)) {
            return;
        }
        if (!modalities.isArray() || modalities.size() != 1 || !"text".equals(modalities.get(0).asText(null))) {
            throw new InvalidRequestException("modalities", "only [\"text\"] output is supported, got " + modalities,
                    "unsupported_parameter");
        }
    }

    /** {@code service_tier}: one tier is served, which is what "auto" and "default" ask for. */
    public static void serviceTier(String tier) {
        if (tier != null && !tier.equals("auto") && !tier.equals("default")) {
            throw new InvalidRequestException("service_tier", "service_tier '" + tier
                    + "' is not available: this server has one tier (\"auto\" or \"default\")", "unsupported_parameter");
        }
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }
}

package dev.slhf.serve.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.LogitAdjustments;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

/** Validation and conversion of request fields shared by the endpoints. */
public final class RequestFields {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private RequestFields() {}

    /** Converts and validates {@code messages}; text parts are concatenated in order. */
    public static List<ChatMessage> messages(List<MessageDto> messages, String param) {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequestException(param, "'" + param + "' must be a non-empty array of messages");
        }
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            MessageDto m = messages.get(i);
            String at = param + "[" + i + "]";
            if (m == null) {
                throw new InvalidRequestException(at, at + " must be an object");
            }
            if (m.role() == null || !ROLES.contains(m.role())) {
                throw new InvalidRequestException(at + ".role", "Invalid role '" + m.role()
                        + "': expected one of system, developer, user, assistant");
            }
            if (m.name() != null) {
                throw new InvalidRequestException(at + ".name", "message names are not supported: the chat"
                        + " template sees role and content only", "unsupported_parameter");
            }
            if (m.toolCalls() != null && !m.toolCalls().isNull() && !(m.toolCalls().isArray() && m.toolCalls().isEmpty())
                    || m.toolCallId() != null) {
                throw new InvalidRequestException(at + (m.toolCallId() != null ? ".tool_call_id" : ".tool_calls"),
                        "tool calls are not supported yet", "unsupported_parameter");
            }
            // "developer" is OpenAI's newer name for the system turn; templates know only "system".
            String role = m.role().equals("developer") ? "system" : m.role();
            out.add(new ChatMessage(role, content(m.content(), at + ".content")));
        }
        return out;
    }

    private static String content(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            throw new InvalidRequestException(param, param + " is required");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw new InvalidRequestException(param, "only {\"type\":\"text\",\"text\":...} content parts are supported");
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        throw new InvalidRequestException(param, param + " must be a string or an array of text parts");
    }

    /** {@code stop} may be absent, a string or an array of strings. */
    public static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw new InvalidRequestException("stop", "stop must be a string or an array of strings");
                }
                out.add(s.asText());
            }
            return out;
        }
        throw new InvalidRequestException("stop", "stop must be a string or an array of strings");
    }

    /** OpenAI's defaults: temperature 1, top_p 1, no top_k/min_p/penalty, up to the context. */
    public static SamplingParams sampling(Double temperature, Double topP, Integer topK, Double minP,
            Double repetitionPenalty, Long seed, Integer maxTokens, JsonNode stop, Integer topLogprobs) {
        return sampling(temperature, topP, topK, minP, repetitionPenalty, seed, maxTokens, stop, topLogprobs, null);
    }

    /** As above, with vLLM's {@code ignore_eos} (generate up to max_tokens even past end-of-sequence). */
    public static SamplingParams sampling(Double temperature, Double topP, Integer topK, Double minP,
            Double repetitionPenalty, Long seed, Integer maxTokens, JsonNode stop, Integer topLogprobs,
            Boolean ignoreEos) {
        return new SamplingParams(orDefault(temperature, 1.0), orDefault(topP, 1.0), topK == null ? 0 : topK,
                orDefault(minP, 0.0), orDefault(repetitionPenalty, 1.0), seed, maxTokens, stop(stop),
                Boolean.TRUE.equals(ignoreEos), topLogprobs);
    }

    /**
     * OpenAI's {@code frequency_penalty}, {@code presence_penalty} and {@code logit_bias}; the
     * bias keys are token ids written as strings, as OpenAI's API takes them.
     */
    public static LogitAdjustments adjustments(Double frequencyPenalty, Double presencePenalty,
            Map<String, Double> logitBias) {
        Map<Integer, Double> bias = new HashMap<>();
        if (logitBias != null) {
            for (Map.Entry<String, Double> e : logitBias.entrySet()) {
                int token;
                try {
                    token = Integer.parseInt(e.getKey().trim());
                } catch (NumberFormatException notAnId) {
                    throw new InvalidRequestException("logit_bias", "logit_bias keys must be token ids, got '"
                            + e.getKey() + "'");
                }
                if (e.getValue() == null) {
                    throw new InvalidRequestException("logit_bias", "logit_bias value for token " + token
                            + " must be a number");
                }
                bias.put(token, e.getValue());
            }
        }
        LogitAdjustments adjustments = new LogitAdjustments(orDefault(frequencyPenalty, 0.0),
                orDefault(presencePenalty, 0.0), bias);
        return adjustments.isNone() ? LogitAdjustments.NONE : adjustments;
    }

    public static double orDefault(Double value, double fallback) {
        return value == null ? fallback : value;
    }
}

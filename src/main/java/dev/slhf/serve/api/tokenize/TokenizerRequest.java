package dev.slhf.serve.api.tokenize;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slhf.serve.api.MessageDto;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the bodies of {@code /tokenize}, {@code /detokenize} and {@code /apply-template} field by
 * field. vLLM's bodies have fields this server does not implement ({@code chat_template},
 * {@code tools}, {@code continue_final_message}, ...): each unknown field is a 400 naming it,
 * never a field accepted and silently ignored.
 */
final class TokenizerRequest {

    private final JsonNode body;
    private final ObjectMapper json;

    TokenizerRequest(JsonNode body, Set<String> allowed, ObjectMapper json) {
        if (body == null || body.isNull()) {
            throw new InvalidRequestException(null, "request body is required");
        }
        if (!body.isObject()) {
            throw new InvalidRequestException(null, "request body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidRequestException(name, "Unsupported field '" + name + "': this endpoint accepts "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        this.body = body;
        this.json = json;
    }

    boolean has(String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull();
    }

    String model() {
        JsonNode v = body.get("model");
        if (v == null || v.isNull()) {
            throw new InvalidRequestException("model", "'model' is required");
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException("model", "'model' must be a string");
        }
        return v.asText();
    }

    String string(String field) {
        JsonNode v = body.get(field);
        if (!v.isTextual()) {
            throw new InvalidRequestException(field, "'" + field + "' must be a string");
        }
        return v.asText();
    }

    boolean flag(String field, boolean fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new InvalidRequestException(field, "'" + field + "' must be a boolean");
        }
        return v.asBoolean();
    }

    List<ChatMessage> messages() {
        JsonNode v = body.get("messages");
        if (!v.isArray()) {
            throw new InvalidRequestException("messages", "'messages' must be a non-empty array of messages");
        }
        List<MessageDto> dtos;
        try {
            dtos = json.convertValue(v, new TypeReference<List<MessageDto>>() {});
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("messages", "'messages' must be an array of {role, content} objects");
        }
        return RequestFields.messages(dtos, "messages");
    }

    /** {@code tokens}: an array of ids, each in {@code [0, vocab)}. */
    int[] tokenIds(int vocab) {
        JsonNode v = body.get("tokens");
        if (v == null || v.isNull()) {
            throw new InvalidRequestException("tokens", "'tokens' is required");
        }
        if (!v.isArray()) {
            throw new InvalidRequestException("tokens", "'tokens' must be an array of token ids");
        }
        int[] ids = new int[v.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = v.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= vocab) {
                throw new InvalidRequestException("tokens[" + i + "]", "tokens[" + i + "] must be a token id in [0, "
                        + vocab + ")", "invalid_token_id");
            }
            ids[i] = id.asInt();
        }
        return ids;
    }
}

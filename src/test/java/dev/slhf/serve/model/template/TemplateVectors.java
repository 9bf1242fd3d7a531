package dev.slhf.serve.model.template;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Reads the reference files under src/test/resources/chat-templates (rendered by jinja2). */
final class TemplateVectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateVectors() {}

    static Map<String, Object> json(String name) {
        try (InputStream in = open(name)) {
            return JSON.readValue(in, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(String name) {
        return (List<Map<String, Object>>) json(name).get("cases");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> context(Map<String, Object> vectorCase) {
        return (Map<String, Object>) vectorCase.get("context");
    }

    private static InputStream open(String name) {
        InputStream in = TemplateVectors.class.getResourceAsStream("/chat-templates/" + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource chat-templates/" + name);
        }
        return in;
    }
}

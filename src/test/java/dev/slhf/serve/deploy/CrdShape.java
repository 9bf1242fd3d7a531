package dev.slhf.serve.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The structural part of a CRD's (or an API group's) OpenAPI schema, for kinds the test classpath
 * has no fabric8 model of: which fields exist, which are required, and their types. Written as
 * nested maps: a key ending in {@code !} is required; a value is a nested map (an object), a
 * one-element list (an array of that), or a type token: {@code string}, {@code int},
 * {@code port} (1..65535), {@code duration} (Gateway API: 1h30m, 300s, 500ms), {@code labels}
 * (string to string), {@code any} (not descended into), {@code enum:A|B}.
 */
final class CrdShape {

    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern GATEWAY_DURATION = Pattern.compile("([0-9]{1,5}(h|m|s|ms)){1,4}");

    private final Map<String, Object> spec;

    private CrdShape(Map<String, Object> spec) {
        this.spec = spec;
    }

    /** {@code spec} describes the fields beside apiVersion, kind and metadata (which every object has). */
    static CrdShape of(Map<String, Object> spec) {
        return new CrdShape(spec);
    }

    void check(String id, JsonNode doc, Consumer<String> problems) {
        for (String f : List.of("apiVersion", "kind", "metadata")) {
            if (!doc.has(f)) {
                problems.accept(id + ": missing required field " + f);
            }
        }
        try {
            STRICT.treeToValue(doc.path("metadata"), ObjectMeta.class);
        } catch (IOException e) {
            problems.accept(id + ": metadata: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, Object> top = new java.util.LinkedHashMap<>(spec);
        top.put("apiVersion", "string");
        top.put("kind", "string");
        top.put("metadata", "any");
        object(id, doc, top, "", problems);
    }

    private static void object(String id, JsonNode node, Map<String, Object> fields, String path, Consumer<String> problems) {
        if (!node.isObject()) {
            problems.accept(id + ": " + where(path) + " must be an object");
            return;
        }
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            String name = f.getKey().endsWith("!") ? f.getKey().substring(0, f.getKey().length() - 1) : f.getKey();
            if (f.getKey().endsWith("!") && !node.has(name)) {
                problems.accept(id + ": missing required field " + join(path, name));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Object type = fields.containsKey(e.getKey()) ? fields.get(e.getKey()) : fields.get(e.getKey() + "!");
            if (type == null) {
                problems.accept(id + ": unknown field " + e.getKey() + " at " + where(path));
            } else {
                value(id, e.getValue(), type, join(path, e.getKey()), problems);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void value(String id, JsonNode v, Object type, String path, Consumer<String> problems) {
        if (type instanceof Map<?, ?> m) {
            object(id, v, (Map<String, Object>) m, path, problems);
        } else if (type instanceof List<?> l) {
            if (!v.isArray()) {
                problems.accept(id + ": " + path + " must be a list");
                return;
            }
            for (int i = 0; i < v.size(); i++) {
                value(id, v.get(i), l.get(0), path + "[" + i + "]", problems);
            }
        } else {
            scalar(id, v, (String) type, path, problems);
        }
    }

    private static void scalar(String id, JsonNode v, String type, String path, Consumer<String> problems) {
        boolean ok = switch (type) {
            case "any" -> true;
            case "string" -> v.isTextual();
            case "int" -> v.isInt();
            case "port" -> v.isInt() && v.asInt() >= 1 && v.asInt() <= 65535;
            case "duration" -> v.isTextual() && GATEWAY_DURATION.matcher(v.asText()).matches();
            case "labels" -> v.isObject() && allText(v);
            default -> type.startsWith("enum:") && v.isTextual() && List.of(type.substring(5).split("\\|")).contains(v.asText());
        };
        if (!ok) {
            problems.accept(id + ": " + path + " is " + v + ", not a " + type);
        }
    }

    private static boolean allText(JsonNode v) {
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String where(String path) {
        return path.isEmpty() ? "top level" : path;
    }
}

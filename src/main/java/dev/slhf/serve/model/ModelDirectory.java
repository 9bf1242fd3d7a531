package dev.slhf.serve.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a model directory in the layout of optimum's {@code text-generation-with-past} export (or
 * Transformers.js', the graphs under {@code onnx/}: {@link ModelVariants}) and validates it before
 * any native resource is allocated, so that a broken deployment fails at start-up with the name of
 * the broken file rather than on the first request.
 */
public final class ModelDirectory {

    public static final String MODEL_FILE = "model.onnx";
    public static final String CONFIG_FILE = "config.json";
    public static final String GENERATION_CONFIG_FILE = "generation_config.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    /** Newer transformers versions save the template next to tokenizer_config.json. */
    public static final String CHAT_TEMPLATE_FILE = "chat_template.jinja";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPECIAL_TOKEN_KEYS =
            List.of("bos_token", "eos_token", "pad_token", "unk_token", "sep_token", "cls_token", "mask_token");

    private ModelDirectory() {}

    public static ModelManifest read(String name, Path directory) {
        return read(name, directory, Optional.empty());
    }

    /** @param variant the weight variant to serve ({@link ModelVariants}); empty: the plain model.onnx */
    public static ModelManifest read(String name, Path directory, Optional<String> variant) {
        if (!Files.isDirectory(directory)) {
            throw new ModelLoadException(directory, "model directory does not exist or is not a directory");
        }
        Path modelFile = ModelVariants.choose(name, directory, variant);
        requireFile(modelFile);
        requireFile(directory.resolve(TOKENIZER_FILE));
        JsonNode config = readJson(directory.resolve(CONFIG_FILE), true);
        JsonNode tokenizerConfig = readJson(directory.resolve(TOKENIZER_CONFIG_FILE), true);
        JsonNode generationConfig = readJson(directory.resolve(GENERATION_CONFIG_FILE), false);
        // tokenizer.json is parsed by the native tokenizer later; check here that it is JSON at all
        // so the error names the file instead of surfacing as a native panic.
        readJson(directory.resolve(TOKENIZER_FILE), true);

        Map<String, String> special = specialTokens(tokenizerConfig);
        int context = contextLength(directory, config, tokenizerConfig);
        List<Integer> stops = stopTokenIds(generationConfig, config);
        Optional<String> template = chatTemplate(directory, tokenizerConfig);
        String modelType = config.path("model_type").asText("unknown");
        @SuppressWarnings("unchecked")
        Map<String, Object> configMap = JSON.convertValue(config, Map.class);
        // transformers' default has been false since 4.45; older saves write the key explicitly.
        DecodeOptions decode = new DecodeOptions(
                tokenizerConfig.path("clean_up_tokenization_spaces").asBoolean(false));
        return new ModelManifest(name, directory, modelFile, modelType, context, stops, template, special, configMap,
                decode);
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file, "required file is missing");
        }
        if (!Files.isReadable(file)) {
            throw new ModelLoadException(file, "file is not readable");
        }
    }

    private static JsonNode readJson(Path file, boolean required) {
        if (!Files.exists(file)) {
            if (required) {
                throw new ModelLoadException(file, "required file is missing");
            }
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelLoadException(file, "expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ModelLoadException(file, "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot be read", e);
        }
    }

    /** Special tokens are saved either as plain strings or as AddedToken objects with "content". */
    private static Map<String, String> specialTokens(JsonNode tokenizerConfig) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : SPECIAL_TOKEN_KEYS) {
            JsonNode value = tokenizerConfig.get(key);
            if (value == null || value.isNull()) {
                continue;
            }
            out.put(key, value.isTextual() ? value.asText() : value.path("content").asText(""));
        }
        return out;
    }

    private static int contextLength(Path dir, JsonNode config, JsonNode tokenizerConfig) {
        for (String key : List.of("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length")) {
            JsonNode v = config.get(key);
            if (v != null && v.canConvertToInt() && v.asInt() > 0) {
                return v.asInt();
            }
        }
        JsonNode v = tokenizerConfig.get("model_max_length");
        // transformers writes a huge sentinel (1e30) when the length is unknown; ignore that.
        if (v != null && v.isNumber() && v.asDouble() > 0 && v.asDouble() < 10_000_000) {
            return v.asInt();
        }
        throw new ModelLoadException(dir.resolve(CONFIG_FILE),
                "no context length: expected max_position_embeddings (or n_positions) in config.json"
                        + " or model_max_length in tokenizer_config.json");
    }

    private static List<Integer> stopTokenIds(JsonNode generationConfig, JsonNode config) {
        List<Integer> ids = new ArrayList<>();
        JsonNode eos = generationConfig.get("eos_token_id");
        if (eos == null || eos.isNull()) {
            eos = config.get("eos_token_id");
        }
        if (eos != null && eos.isArray()) {
            eos.forEach(n -> ids.add(n.asInt()));
        } else if (eos != null && eos.canConvertToInt()) {
            ids.add(eos.asInt());
        }
        return List.copyOf(ids);
    }

    private static Optional<String> chatTemplate(Path dir, JsonNode tokenizerConfig) {
        JsonNode t = tokenizerConfig.get("chat_template");
        if (t != null && t.isTextual()) {
            return Optional.of(t.asText());
        }
        if (t != null && t.isArray()) {
            // Several named templates (e.g. "default", "tool_use"): chat uses "default".
            for (JsonNode entry : t) {
                if ("default".equals(entry.path("name").asText())) {
                    return Optional.of(entry.path("template").asText());
                }
            }
            if (t.size() > 0) {
                return Optional.of(t.get(0).path("template").asText());
            }
        }
        Path file = dir.resolve(CHAT_TEMPLATE_FILE);
        if (Files.isRegularFile(file)) {
            try {
                return Optional.of(Files.readString(file));
            } catch (IOException e) {
                throw new ModelLoadException(file, "cannot be read", e);
            }
        }
        return Optional.empty();
    }
}

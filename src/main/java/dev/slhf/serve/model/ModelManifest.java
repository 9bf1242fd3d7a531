package dev.slhf.serve.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a model directory declares about itself, mirrored from its JSON files. The ONNX graph is
 * the authority for tensor names and shapes ({@link LmSpec}); this record carries what the graph
 * cannot tell: special tokens, stop tokens, the chat template and the context length.
 *
 * @param modelFile      the ONNX graph served: model.onnx, or the variant picked in a
 *                       Transformers.js layout ({@link ModelVariants})
 * @param contextLength  tokens the model attends over (config {@code max_position_embeddings},
 *                       else tokenizer_config {@code model_max_length})
 * @param stopTokenIds   generation_config {@code eos_token_id} (a number or a list), falling back
 *                       to config.json, then to the tokenizer's eos token
 * @param specialTokens  tokenizer_config's {@code bos_token}, {@code eos_token}, ... as strings,
 *                       handed to the chat template as globals
 * @param decodeOptions  tokenizer_config's decode settings ({@code clean_up_tokenization_spaces})
 */
public record ModelManifest(
        String name,
        Path directory,
        Path modelFile,
        String modelType,
        int contextLength,
        List<Integer> stopTokenIds,
        Optional<String> chatTemplate,
        Map<String, String> specialTokens,
        Map<String, Object> config,
        DecodeOptions decodeOptions) {

    public Path tokenizerFile() {
        return directory.resolve(ModelDirectory.TOKENIZER_FILE);
    }
}

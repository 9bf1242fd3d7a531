package dev.slhf.serve.api.tokenize;

import dev.slhf.serve.api.MessageDto;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Documentation only: the request bodies of the tokenizer endpoints. TokenizerResource reads
 * them as a JsonNode (it refuses unknown fields by name, which a record binding would ignore),
 * so their shape has to be declared here for the OpenAPI document.
 */
final class TokenizerBodies {

    private TokenizerBodies() {}

    @Schema(name = "TokenizeRequest", description = "Exactly one of prompt and messages; other fields are refused (400)")
    record Tokenize(
            @Schema(required = true, description = "A loaded model (not the pipeline id)") String model,
            @Schema(description = "Raw text, tokenized as is") String prompt,
            @Schema(description = "A chat, rendered with the model's template first") List<MessageDto> messages,
            @Schema(description = "messages only", defaultValue = "true") Boolean addGenerationPrompt,
            @Schema(defaultValue = "false") Boolean addSpecialTokens,
            @Schema(defaultValue = "false") Boolean returnTokenStrs) {}

    @Schema(name = "DetokenizeRequest")
    record Detokenize(
            @Schema(required = true, description = "A loaded model (not the pipeline id)") String model,
            @Schema(required = true, description = "Token ids in [0, vocab)") List<Integer> tokens) {}

    @Schema(name = "ApplyTemplateRequest")
    record ApplyTemplate(
            @Schema(required = true, description = "A loaded model (not the pipeline id)") String model,
            @Schema(required = true) List<MessageDto> messages,
            @Schema(defaultValue = "true") Boolean addGenerationPrompt) {}
}

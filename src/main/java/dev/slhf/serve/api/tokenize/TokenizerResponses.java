package dev.slhf.serve.api.tokenize;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Response bodies, in vLLM's ({@code /tokenize}, {@code /detokenize}) and llama.cpp's shapes. */
final class TokenizerResponses {

    private TokenizerResponses() {}

    /** {@code token_strs} is null unless {@code return_token_strs} was true, as in vLLM. */
    @Schema(name = "TokenizeResponse")
    record Tokenized(int count, int maxModelLen, int[] tokens, List<String> tokenStrs) {}

    /** vLLM's detokenize response and llama.cpp's apply-template response share this shape. */
    @Schema(name = "PromptText")
    record Prompt(String prompt) {}
}

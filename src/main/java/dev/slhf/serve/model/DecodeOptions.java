package dev.slhf.serve.model;

/**
 * How token ids become text beyond what tokenizer.json's decoder does, as transformers'
 * {@code decode} applies it for a checkpoint.
 *
 * <p>{@code clean_up_tokenization_spaces} (tokenizer_config.json; Llama 3 tokenizers set it to
 * true): after decoding, transformers removes the space before {@code . ? ! ,} and in English
 * contractions ({@link #cleanUp}). Absent means false, transformers' default since 4.45.
 *
 * <p>{@code spaces_between_special_tokens} does not appear here on purpose: transformers reads it
 * only in slow (Python) tokenizers; the fast tokenizer behind tokenizer.json, the only kind this
 * server loads, ignores it, and so does this server.
 */
public record DecodeOptions(boolean cleanUpTokenizationSpaces) {

    public static final DecodeOptions NONE = new DecodeOptions(false);

    /** The text transformers' {@code decode} returns for the tokenizer's own decode {@code raw}. */
    public String apply(String raw) {
        return cleanUpTokenizationSpaces ? cleanUp(raw) : raw;
    }

    /**
     * transformers' {@code clean_up_tokenization}: these replacements, in this order, each over
     * the whole string.
     */
    public static String cleanUp(String text) {
        return text.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }
}

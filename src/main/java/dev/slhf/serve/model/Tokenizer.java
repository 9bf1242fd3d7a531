package dev.slhf.serve.model;

import java.util.OptionalInt;

/** Text ↔ token ids, exactly as the model's tokenizer.json defines it. Thread-safe. */
public interface Tokenizer extends AutoCloseable {

    /** Encodes without adding special tokens: the chat template already wrote them as text. */
    int[] encode(String text);

    /**
     * Encodes with the token strings; with {@code addSpecialTokens} the tokenizer.json
     * post-processor adds its tokens (a Llama BOS, say), as transformers' {@code add_special_tokens}.
     */
    default TokenizedText tokenize(String text, boolean addSpecialTokens) {
        throw new UnsupportedOperationException("this tokenizer cannot list token strings");
    }

    String decode(int[] ids, int from, int to, boolean skipSpecialTokens);

    default String decode(int[] ids, boolean skipSpecialTokens) {
        return decode(ids, 0, ids.length, skipSpecialTokens);
    }

    /** The checkpoint's decode settings (tokenizer_config.json), applied on top of {@link #decode}. */
    default DecodeOptions decodeOptions() {
        return DecodeOptions.NONE;
    }

    /**
     * The whole-sequence text transformers' {@code decode} gives: the tokenizer's decode, then
     * {@link #decodeOptions()}. {@link #decode} stays raw because streaming decodes windows.
     */
    default String decodeText(int[] ids, boolean skipSpecialTokens) {
        return decodeOptions().apply(decode(ids, skipSpecialTokens));
    }

    /** The id of an added/special token written exactly as {@code content}, if any. */
    OptionalInt specialTokenId(String content);

    boolean isSpecial(int id);

    /**
     * True when decoding is byte concatenation (a ByteLevel decoder: GPT-2, Qwen, Llama 3): then the
     * decode of two adjacent id ranges, split at a character boundary, is the concatenation of their
     * decodes. SentencePiece-style decoders (leading-space rules) are not.
     */
    default boolean concatenativeDecode() {
        return false;
    }

    @Override
    void close();
}

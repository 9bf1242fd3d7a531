package dev.slhf.serve.engine;

import dev.slhf.serve.model.Tokenizer;
import java.util.Arrays;

/**
 * Turns a growing list of token ids into text pieces whose concatenation is the decode of the
 * whole list.
 *
 * <p>Decoding a token on its own is wrong for two reasons: byte-level tokens can hold half of a
 * UTF-8 character, and SentencePiece-style decoders drop or add a leading space depending on what
 * precedes. So each step decodes a short window that starts a few tokens back ({@code prefix}) and
 * releases only what the newest tokens added, and only when it does not end in U+FFFD (an
 * incomplete character that a later token will finish). The window then slides forward.
 */
public final class IncrementalDetokenizer {

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] ids = new int[64];
    private int size;
    private int prefixOffset;
    private int readOffset;
    private String prefixText = "";

    public IncrementalDetokenizer(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Appends one token; returns newly completed text (often empty for partial characters). */
    public String push(int token) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = token;
        String text = tokenizer.decode(ids, prefixOffset, size, skipSpecialTokens);
        if (text.length() > prefixText.length() && !text.endsWith("\uFFFD") && text.startsWith(prefixText)) {
            String delta = text.substring(prefixText.length());
            prefixOffset = readOffset;
            readOffset = size;
            prefixText = tokenizer.decode(ids, prefixOffset, readOffset, skipSpecialTokens);
            return delta;
        }
        return "";
    }

    /** At the end: whatever is still held back, incomplete characters included. */
    public String flush() {
        String text = tokenizer.decode(ids, prefixOffset, size, skipSpecialTokens);
        prefixOffset = readOffset = size;
        String delta = text.startsWith(prefixText) ? text.substring(prefixText.length()) : text;
        prefixText = "";
        return delta;
    }
}

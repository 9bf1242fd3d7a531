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

    private static final int MAX_PENDING_CHARACTER_TOKENS = 3;

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
        if (!text.endsWith("\uFFFD")) {
            return release(text, size);
        }
        if (size - readOffset > MAX_PENDING_CHARACTER_TOKENS) {
            // An incomplete character spans at most 3 bytes, hence at most 3 tokens: a replacement
            // character further back is invalid input that no later token can repair. Release up to
            // there, so that the decoded window (and the cost of every step) stays bounded.
            int upTo = size - MAX_PENDING_CHARACTER_TOKENS;
            String settled = tokenizer.decode(ids, prefixOffset, upTo, skipSpecialTokens);
            if (text.startsWith(settled)) {
                return release(settled, upTo);
            }
        }
        return "";
    }

    /** Emits what {@code text} (the decode of {@code [prefixOffset, upTo)}) adds, and slides the window. */
    private String release(String text, int upTo) {
        if (text.length() <= prefixText.length() || !text.startsWith(prefixText)) {
            return "";
        }
        String delta = text.substring(prefixText.length());
        prefixOffset = readOffset;
        readOffset = upTo;
        // With a byte-concatenating decoder the new window's text is exactly what was just released
        // (the split is at a character boundary): one native decode per token instead of two.
        prefixText = tokenizer.concatenativeDecode() ? delta
                : tokenizer.decode(ids, prefixOffset, readOffset, skipSpecialTokens);
        return delta;
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

package dev.slhf.serve.engine;

/**
 * A bound on a prompt's characters, checked before it is tokenized: a 1.9 MB draft used to cost
 * about 4 s of tokenizer CPU only to be refused by the token bound afterwards. No vocabulary in use
 * averages anywhere near {@link #CHARS_PER_TOKEN} characters a token over a real text (English
 * averages about 4), so a text longer than that many characters per allowed token cannot fit, and
 * is refused at once; anything shorter is tokenized and meets the exact token bound.
 */
final class PromptCharLimit {

    static final int CHARS_PER_TOKEN = 32;

    private PromptCharLimit() {}

    /** @throws InvalidRequestException {@code text} is longer than {@code maxTokens} tokens can hold */
    static void check(String text, int maxTokens, String param) {
        long limit = (long) maxTokens * CHARS_PER_TOKEN;
        if (text.length() > limit) {
            throw new InvalidRequestException(param, "The prompt has " + text.length() + " characters; at most "
                    + maxTokens + " tokens are allowed, which no text longer than " + limit + " characters fits."
                    + " Please shorten the prompt.", "context_length_exceeded");
        }
    }
}

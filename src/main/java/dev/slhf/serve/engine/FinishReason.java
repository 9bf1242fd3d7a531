package dev.slhf.serve.engine;

/** Why a sequence ended, in the OpenAI vocabulary. */
public enum FinishReason {
    /** A stop token or stop string was produced. */
    STOP,
    /** {@code max_tokens} or the model's context was reached. */
    LENGTH;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

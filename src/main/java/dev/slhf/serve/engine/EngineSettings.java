package dev.slhf.serve.engine;

/**
 * Scheduling limits of one model's engine, pushed in from configuration.
 *
 * @param maxBatchSize   sequences in flight (prefilling or decoding) at once; the decode batch
 *                       never has more rows
 * @param maxWaiting     bound of the admission queue; beyond it submissions are refused (429)
 * @param maxBatchTokens input tokens per engine step: one per decoding row, the rest goes to a
 *                       prefill chunk, so a long prompt cannot stall everyone's decoding for long
 * @param maxPromptTokens most prompt tokens a request may bring; 0: up to the context
 * @param maxNewTokens    largest max_tokens a request may ask for, and the cap when it does not
 *                        ask; 0: up to the context
 */
public record EngineSettings(int maxBatchSize, int maxWaiting, int maxBatchTokens, int maxPromptTokens,
        int maxNewTokens) {

    public EngineSettings {
        if (maxBatchSize < 1 || maxWaiting < 1 || maxBatchTokens < 1) {
            throw new IllegalArgumentException("engine limits must be positive");
        }
        if (maxPromptTokens < 0 || maxNewTokens < 0) {
            throw new IllegalArgumentException("token limits must be >= 0 (0: none)");
        }
    }

    public EngineSettings(int maxBatchSize, int maxWaiting, int maxBatchTokens) {
        this(maxBatchSize, maxWaiting, maxBatchTokens, 0, 0);
    }

    public EngineSettings withTokenLimits(int prompt, int newTokens) {
        return new EngineSettings(maxBatchSize, maxWaiting, maxBatchTokens, prompt, newTokens);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(16, 64, 512);
    }
}

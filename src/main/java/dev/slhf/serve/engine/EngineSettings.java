package dev.slhf.serve.engine;

/**
 * Scheduling limits of one model's engine, pushed in from configuration.
 *
 * @param maxBatchSize   sequences in flight (prefilling or decoding) at once; the decode batch
 *                       never has more rows
 * @param maxWaiting     bound of the admission queue; beyond it submissions are refused (429)
 * @param maxBatchTokens input tokens per engine step: one per decoding row, the rest goes to a
 *                       prefill chunk, so a long prompt cannot stall everyone's decoding for long
 */
public record EngineSettings(int maxBatchSize, int maxWaiting, int maxBatchTokens) {

    public EngineSettings {
        if (maxBatchSize < 1 || maxWaiting < 1 || maxBatchTokens < 1) {
            throw new IllegalArgumentException("engine limits must be positive");
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(16, 64, 512);
    }
}

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
 * @param prefixCacheBytes bound of the {@link PrefixCache} (KV of finished sequences kept for reuse
 *                        by later prompts that start with the same tokens); 0 turns it off
 */
public record EngineSettings(int maxBatchSize, int maxWaiting, int maxBatchTokens, int maxPromptTokens,
        int maxNewTokens, long prefixCacheBytes, int speculativeTokens) {

    /**
     * 512 MiB: at Qwen2.5-0.5B's 24 KiB of fp32 KV per token (24 layers x 2 KV heads x 64 x K,V x 4 B)
     * that is ~21k tokens, the sequences of the last ~20 refinements with 500-token prompts and
     * drafts; at 1.5B (56 KiB/token) ~9k tokens. That is a quarter and a twelfth of those models'
     * fp32 weights, small enough to be on by default without a sizing exercise.
     */
    public static final long DEFAULT_PREFIX_CACHE_BYTES = 512L << 20;

    /**
     * Why 8: a follower copies its draft in runs far longer than 8 tokens, so a larger k accepts
     * more per pass, while the verify pass of k + 1 positions is still a small, memory-bound step
     * at real checkpoint sizes (RefinementBenchmark measures its cost); beyond 8 the tail of a
     * wrong guess is paid by every row of the batch. vLLM's and llama.cpp's n-gram examples use
     * 4–10.
     */
    public static final int DEFAULT_SPECULATIVE_TOKENS = 8;
    /** Bound on {@code speculativeTokens}: one verify pass must stay a decode-sized step. */
    public static final int MAX_SPECULATIVE_TOKENS = 32;

    public EngineSettings {
        if (maxBatchSize < 1 || maxWaiting < 1 || maxBatchTokens < 1) {
            throw new IllegalArgumentException("engine limits must be positive");
        }
        if (maxPromptTokens < 0 || maxNewTokens < 0) {
            throw new IllegalArgumentException("token limits must be >= 0 (0: none)");
        }
        if (prefixCacheBytes < 0) {
            throw new IllegalArgumentException("prefix cache bytes must be >= 0 (0: off)");
        }
        if (speculativeTokens < 0 || speculativeTokens > MAX_SPECULATIVE_TOKENS) {
            throw new IllegalArgumentException("speculative-tokens must be in [0, " + MAX_SPECULATIVE_TOKENS
                    + "] (0: off), got " + speculativeTokens);
        }
    }

    public EngineSettings(int maxBatchSize, int maxWaiting, int maxBatchTokens, int maxPromptTokens,
            int maxNewTokens) {
        this(maxBatchSize, maxWaiting, maxBatchTokens, maxPromptTokens, maxNewTokens, DEFAULT_PREFIX_CACHE_BYTES,
                DEFAULT_SPECULATIVE_TOKENS);
    }

    public EngineSettings(int maxBatchSize, int maxWaiting, int maxBatchTokens) {
        this(maxBatchSize, maxWaiting, maxBatchTokens, 0, 0);
    }

    public EngineSettings withTokenLimits(int prompt, int newTokens) {
        return new EngineSettings(maxBatchSize, maxWaiting, maxBatchTokens, prompt, newTokens, prefixCacheBytes,
                speculativeTokens);
    }

    /** The same limits with the prefix cache bounded by {@code bytes} (0: off). */
    public EngineSettings withPrefixCacheBytes(long bytes) {
        return new EngineSettings(maxBatchSize, maxWaiting, maxBatchTokens, maxPromptTokens, maxNewTokens, bytes,
                speculativeTokens);
    }

    public EngineSettings withSpeculativeTokens(int k) {
        return new EngineSettings(maxBatchSize, maxWaiting, maxBatchTokens, maxPromptTokens, maxNewTokens,
                prefixCacheBytes, k);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(16, 64, 512);
    }
}

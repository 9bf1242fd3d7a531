package dev.slhf.serve.engine;

/**
 * What the engine reports about its own work. Implemented at the outer layer (Micrometer), so the
 * engine stays free of any metrics library. Called on the engine thread: must be cheap.
 */
public interface EngineMetrics {

    EngineMetrics NONE = new EngineMetrics() {};

    enum Phase { PREFILL, DECODE }

    /** A sequence left the waiting queue after {@code nanos}. */
    default void dequeued(long nanos) {}

    /** One forward pass of {@code rows} sequences ({@code tokens} input tokens) took {@code nanos}. */
    default void step(Phase phase, int rows, int tokens, long nanos) {}

    /**
     * A speculative verify pass checked {@code proposed} (≥ 1) prompt-lookup tokens of one
     * sequence and accepted {@code accepted} of them (vLLM's drafts / draft tokens / accepted
     * tokens). {@code role} is the request's {@link GenerationRequest#role()}.
     */
    default void speculated(String role, int proposed, int accepted) {}

    /** A sequence was cancelled (client gone, timeout, shutdown). */
    default void cancelled() {}

    /** Of the cancellations, one that happened because the request ran past its deadline. */
    default void timedOut() {}

    /**
     * A prompt of {@code queried} tokens was looked up in the prefix cache and its first
     * {@code hits} positions were reused rather than prefilled (vLLM's {@code prefix_cache_queries}
     * and {@code prefix_cache_hits}, both in tokens). Reported only while the cache is on.
     */
    default void prefixCacheQueried(int queried, int hits) {}

    /** The prefix cache evicted an entry of {@code bytes} to stay within its bound. */
    default void prefixCacheEvicted(long bytes) {}
}

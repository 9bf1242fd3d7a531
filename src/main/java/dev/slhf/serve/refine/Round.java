package dev.slhf.serve.refine;

/**
 * One answer of the refinement chain. For a caller's draft, the token counts are those of the
 * draft text under the follower's tokenizer and the latency is zero.
 */
public record Round(
        int round,
        Role role,
        String model,
        String text,
        String finishReason,
        int promptTokens,
        int completionTokens,
        double latencyMs,
        double ttftMs) {}

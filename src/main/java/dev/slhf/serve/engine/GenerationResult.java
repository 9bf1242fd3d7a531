package dev.slhf.serve.engine;

import java.util.List;

/**
 * A finished generation. {@code text} is exactly the concatenation of the deltas streamed before.
 *
 * @param completionTokens generated tokens, a final stop token included (as OpenAI/vLLM count)
 * @param logprobs         per generated token when requested, else empty
 */
public record GenerationResult(
        String text,
        List<Integer> tokenIds,
        FinishReason finishReason,
        int promptTokens,
        int completionTokens,
        long queueNanos,
        long timeToFirstTokenNanos,
        long totalNanos,
        List<TokenLogprob> logprobs) {}

package dev.slhf.serve.engine;

import java.util.function.Consumer;

/**
 * One sequence to generate: the already-tokenized prompt, its sampling settings and the channel
 * its events go to.
 *
 * @param role who asks, as a metrics label only ({@code leader}, {@code follower}, or
 *             {@link #PLAIN} for chat and completions): the engine's own series, such as the
 *             speculative-decoding counters, carry it like the request-level series do
 */
public record GenerationRequest(int[] promptIds, SamplingParams params, String role,
        Consumer<GenerationEvent> listener) {

    public static final String PLAIN = "plain";

    public GenerationRequest {
        if (promptIds.length == 0) {
            throw new InvalidRequestException("prompt", "the prompt is empty after tokenization");
        }
        role = role == null ? PLAIN : role;
    }

    public GenerationRequest(int[] promptIds, SamplingParams params, Consumer<GenerationEvent> listener) {
        this(promptIds, params, PLAIN, listener);
    }
}

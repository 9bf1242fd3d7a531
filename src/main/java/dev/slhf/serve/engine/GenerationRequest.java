package dev.slhf.serve.engine;

import java.util.function.Consumer;

/**
 * One sequence to generate: the already-tokenized prompt, its sampling settings and the channel
 * its events go to.
 */
public record GenerationRequest(int[] promptIds, SamplingParams params, Consumer<GenerationEvent> listener) {

    public GenerationRequest {
        if (promptIds.length == 0) {
            throw new InvalidRequestException("prompt", "the prompt is empty after tokenization");
        }
    }
}

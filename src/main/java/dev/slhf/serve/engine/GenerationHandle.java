package dev.slhf.serve.engine;

import java.util.concurrent.CompletableFuture;

/** The caller's side of a submitted generation: its outcome, and a way to cancel it. */
public final class GenerationHandle {

    private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
    private final Runnable cancel;

    GenerationHandle(Runnable cancel) {
        this.cancel = cancel;
    }

    /** Completes with the result, or exceptionally with an {@link EngineException}. */
    public CompletableFuture<GenerationResult> result() {
        return result;
    }

    /** Asks the engine to stop this generation; applied between steps. Idempotent. */
    public void cancel() {
        cancel.run();
    }

    CompletableFuture<GenerationResult> future() {
        return result;
    }
}

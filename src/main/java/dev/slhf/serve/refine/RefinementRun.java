package dev.slhf.serve.refine;

import dev.slhf.serve.engine.GenerationHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** A refinement in progress: its eventual result, and cancellation of whichever round is running. */
public final class RefinementRun {

    private final CompletableFuture<Refinement> result = new CompletableFuture<>();
    private final AtomicReference<GenerationHandle> current = new AtomicReference<>();
    private volatile boolean cancelled;

    public CompletableFuture<Refinement> result() {
        return result;
    }

    public void cancel() {
        cancelled = true;
        GenerationHandle h = current.get();
        if (h != null) {
            h.cancel();
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    void running(GenerationHandle handle) {
        current.set(handle);
        if (cancelled) {
            handle.cancel();
        }
    }
}

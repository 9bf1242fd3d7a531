package dev.slhf.serve.refine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** A refinement in progress: its eventual result, and cancellation of whichever round is running. */
public final class RefinementRun {

    private final CompletableFuture<Refinement> result = new CompletableFuture<>();
    private final AtomicReference<CompletableFuture<Round>> current = new AtomicReference<>();
    private volatile boolean cancelled;

    public CompletableFuture<Refinement> result() {
        return result;
    }

    /** Stops the running round (its engine sequence or upstream call) and starts no further round. Idempotent. */
    public void cancel() {
        cancelled = true;
        CompletableFuture<Round> round = current.get();
        if (round != null) {
            round.cancel(true);
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    void running(CompletableFuture<Round> round) {
        current.set(round);
        // a cancel() between the check in the pipeline and this point must still reach the round
        if (cancelled) {
            round.cancel(true);
        }
    }
}

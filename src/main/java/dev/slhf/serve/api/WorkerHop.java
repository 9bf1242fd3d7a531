package dev.slhf.serve.api;

import io.smallrye.mutiny.Multi;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Moves a stream's signals onto a worker thread, failures included.
 *
 * <p>Why not plain {@code emitOn}: Mutiny 3.1.1's emitOn processor marks itself done <em>before</em> it
 * stores the failure, so a drain that runs at that moment (one scheduled by the writer's
 * {@code request}) sees "done, no failure, nothing queued" and completes the stream. A request
 * refused as the stream was subscribed (a full queue: a 429) then went out as a 200 with an empty
 * body, about once per few thousand refusals under load. Here a failure crosses the hop as an item
 * and becomes a failure again on the far side; completions have no such race (nothing is stored
 * besides the flag).
 */
final class WorkerHop {

    /** A failure travelling as an item. */
    private record Failed(Throwable cause) {}

    private WorkerHop() {}

    static <T> Multi<T> to(Executor executor, Multi<T> upstream) {
        return upstream.<Object>map(item -> item)
                .onFailure().recoverWithMulti(failure -> Multi.createFrom().item(new Failed(failure)))
                .emitOn(executor)
                .map(WorkerHop::<T>unwrap);
    }

    @SuppressWarnings("unchecked")
    private static <T> T unwrap(Object item) {
        if (item instanceof Failed failed) {
            Throwable cause = failed.cause();
            if (cause instanceof RuntimeException e) {
                throw e;
            }
            if (cause instanceof Error e) {
                throw e;
            }
            throw new CompletionException(cause); // the error mapper unwraps it
        }
        return (T) item;
    }
}

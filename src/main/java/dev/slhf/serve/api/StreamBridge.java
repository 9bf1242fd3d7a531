package dev.slhf.serve.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place where callback-style producers (engine and refinement listeners, called on engine
 * threads) become a Mutiny {@link Multi}. The producer starts when the HTTP layer subscribes and
 * hands back how to stop it; if the subscriber goes away first (client disconnected), the work is
 * cancelled, so no engine keeps decoding for nobody.
 */
public final class StreamBridge {

    private StreamBridge() {}

    /** Where a producer pushes its items; safe to call from any thread. */
    public interface Sink<T> {
        void emit(T item);

        void complete();

        void fail(Throwable failure);
    }

    /** Starts the work feeding {@code sink} and returns how to cancel it. May throw to refuse. */
    @FunctionalInterface
    public interface Producer<T> {
        Runnable start(Sink<T> sink);
    }

    public static <T> Multi<T> multi(Producer<T> producer) {
        return Multi.createFrom().<T>emitter(emitter -> {
            AtomicBoolean finished = new AtomicBoolean();
            Sink<T> sink = new Sink<>() {
                @Override
                public void emit(T item) {
                    emitter.emit(item);
                }

                @Override
                public void complete() {
                    finished.set(true);
                    emitter.complete();
                }

                @Override
                public void fail(Throwable failure) {
                    finished.set(true);
                    emitter.fail(failure);
                }
            };
            Runnable cancel;
            try {
                cancel = producer.start(sink);
            } catch (RuntimeException e) {
                emitter.fail(e);
                return;
            }
            emitter.onTermination(() -> {
                if (!finished.get()) {
                    cancel.run();
                }
            });
        }, BackPressureStrategy.BUFFER);
    }
}

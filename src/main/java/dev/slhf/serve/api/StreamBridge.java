package dev.slhf.serve.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The producer starts on subscription. Items it pushes while {@code start} is still running are
     * held back until it returns: if {@code start} throws (a full queue, a prompt beyond the
     * context), nothing has been sent yet and the failure still gets its own HTTP status.
     */
    public static <T> Multi<T> multi(Producer<T> producer) {
        return Multi.createFrom().<T>emitter(emitter -> {
            GatedSink<T> sink = new GatedSink<>(emitter);
            Runnable cancel;
            try {
                cancel = producer.start(sink);
            } catch (RuntimeException e) {
                emitter.fail(e);
                return;
            }
            emitter.onTermination(() -> {
                if (!sink.finished()) {
                    cancel.run();
                }
            });
            sink.open();
        }, BackPressureStrategy.BUFFER);
    }

    /** Serializes pushes from any thread, and holds them until {@link #open()}. */
    private static final class GatedSink<T> implements Sink<T> {
        private final MultiEmitter<? super T> emitter;
        private final AtomicBoolean finished = new AtomicBoolean();
        private List<Runnable> held = new ArrayList<>();

        GatedSink(MultiEmitter<? super T> emitter) {
            this.emitter = emitter;
        }

        @Override
        public void emit(T item) {
            run(() -> emitter.emit(item));
        }

        @Override
        public void complete() {
            finished.set(true);
            run(emitter::complete);
        }

        @Override
        public void fail(Throwable failure) {
            finished.set(true);
            run(() -> emitter.fail(failure));
        }

        boolean finished() {
            return finished.get();
        }

        synchronized void open() {
            held.forEach(Runnable::run);
            held = null;
        }

        private synchronized void run(Runnable push) {
            if (held != null) {
                held.add(push);
            } else {
                push.run();
            }
        }
    }
}

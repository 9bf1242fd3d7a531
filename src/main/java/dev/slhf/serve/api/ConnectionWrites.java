package dev.slhf.serve.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The response text one connection holds in memory, between the producer (an engine listener or
 * a finished body) and the client reading it. Every piece is counted from the moment it is
 * produced until RESTEasy takes it to write, which it does only once the previous write has gone
 * out to the socket. So the count is exactly what a slow reader makes the server hold.
 *
 * <p>The connection is closed (which cancels the generation through the stream's cancellation)
 * when the count passes the per-connection bound, when the shared budget is exhausted, or when
 * text has been waiting with no write progress for {@code slhf.limits.write-timeout}.
 * Items reach the writer on a worker thread ({@code emitOn}): serialising and writing never
 * run on an engine thread.
 */
final class ConnectionWrites {

    private static final long CHECK_MILLIS = 500;

    private final WriteBudget budget;
    private final RoutingContext ctx;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastProgress = System.nanoTime();
    private volatile long timer = -1;

    ConnectionWrites(WriteBudget budget, RoutingContext ctx) {
        this.budget = budget;
        this.ctx = ctx;
    }

    /** {@code upstream}, with its pieces counted and the connection cut when its client falls behind. */
    Multi<String> bound(Multi<String> upstream) {
        return Multi.createFrom().<String>emitter(emitter -> {
            watch();
            Cancellable subscription = upstream.subscribe().with(item -> {
                if (add(item.length())) {
                    emitter.emit(item);
                }
            }, emitter::fail, emitter::complete);
            emitter.onTermination(() -> {
                subscription.cancel();
                finish();
            });
        }, BackPressureStrategy.BUFFER)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .onItem().invoke(item -> delivered(item.length()));
    }

    /**
     * A finished body as pieces of at most {@code piece} characters, taken from the budget as a whole
     * before anything is sent.
     *
     * @throws dev.slhf.serve.engine.EngineOverloadedException the body does not fit (nothing was sent: a 429)
     */
    Multi<String> pieces(String text, int piece) {
        if (!reserve(text.length())) {
            throw new dev.slhf.serve.engine.EngineOverloadedException("The response (" + text.length()
                    + " bytes) does not fit in the server's response buffer now (slhf.limits.max-buffered-bytes"
                    + (text.length() > budget.perConnection() ? "-per-connection" : "") + "); retry shortly or ask"
                    + " for less (fewer choices, tokens or top_logprobs)", 1, null);
        }
        watch();
        // pieces are cut lazily, as the writer asks for them: only the serialized text is held, not a copy
        Iterable<String> cut = () -> new java.util.Iterator<>() {
            private int start;

            @Override
            public boolean hasNext() {
                return start < text.length();
            }

            @Override
            public String next() {
                int end = Math.min(text.length(), start + piece);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--; // never split a surrogate pair
                }
                String next = text.substring(start, end);
                start = end;
                return next;
            }
        };
        return Multi.createFrom().iterable(cut)
                .onItem().invoke(item -> delivered(item.length()))
                .onTermination().invoke(this::finish);
    }

    /** Counts {@code bytes} more waiting; false (and the connection closed) when that is over a bound. */
    boolean add(long bytes) {
        if (closed.get()) {
            return false;
        }
        if (pending.get() + bytes > budget.perConnection()) {
            cut("more than " + budget.perConnection() + " bytes waiting");
            return false;
        }
        if (!budget.take(bytes)) {
            cut("the server's response buffer is full");
            return false;
        }
        pending.addAndGet(bytes);
        return true;
    }

    /** Takes {@code bytes} for a whole body before any of it is sent; false when they do not fit. */
    boolean reserve(long bytes) {
        if (bytes > budget.perConnection() || !budget.take(bytes)) {
            return false;
        }
        pending.addAndGet(bytes);
        return true;
    }

    void delivered(long bytes) {
        lastProgress = System.nanoTime();
        if (pending.addAndGet(-bytes) >= 0) {
            budget.give(bytes);
        } else {
            pending.addAndGet(bytes); // released by finish() already
        }
    }

    /** Gives back whatever is still counted; idempotent. */
    void finish() {
        long left = pending.getAndSet(0);
        if (left > 0) {
            budget.give(left);
        }
        long t = timer;
        if (t >= 0) {
            ctx.vertx().cancelTimer(t);
        }
    }

    /** Checks for a client that has stopped reading, until the response ends. */
    void watch() {
        if (timer >= 0) {
            return;
        }
        long writeTimeout = budget.writeTimeoutNanos();
        timer = ctx.vertx().setPeriodic(CHECK_MILLIS, id -> {
            if (closed.get() || ctx.response().ended() || ctx.response().closed()) {
                ctx.vertx().cancelTimer(id);
                return;
            }
            boolean waiting = pending.get() > 0 || ctx.response().writeQueueFull();
            if (!waiting) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > writeTimeout) {
                cut("nothing read for " + writeTimeout / 1_000_000_000 + " s");
            }
        });
    }

    private void cut(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        budget.slowClient(String.valueOf(ctx.request().remoteAddress()), why);
        HttpConnection connection = ctx.request().connection();
        if (connection != null) {
            connection.close(); // RESTEasy then cancels the stream, which cancels the generation
        }
        finish();
    }
}

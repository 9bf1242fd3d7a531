package dev.slhf.serve.api;

import dev.slhf.serve.engine.EngineOverloadedException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The response memory of one request, from admission until its response has ended, and the
 * watchdog of its connection. Two amounts are counted against the {@link WriteBudget}:
 * <ul>
 * <li>a reservation taken before any generation starts ({@link #expect}): the size the response
 *     can reach (choices x tokens x log-probabilities). A request that does not fit is a 429
 *     before anything is generated, so the results the engine accumulates stay bounded too;
 * <li>the text waiting to be written: every piece is counted from the moment it is produced until
 *     RESTEasy takes it to write, which it does only once the previous write has gone out to the
 *     socket; so this is exactly what a slow reader makes the server hold.
 * </ul>
 * The connection is closed (which cancels the generation through the stream's cancellation, and
 * counts as a disconnect) when waiting text passes the per-connection bound or the shared
 * budget, or has waited with no write progress for {@code slhf.limits.write-timeout}. Stream
 * pieces reach the writer on a worker thread ({@link WorkerHop}), so serialising and writing never
 * run on an engine thread.
 */
final class ConnectionWrites {

    private static final String KEY = ConnectionWrites.class.getName();
    /** Set on a request whose connection was cut here: its disconnect is already logged, with the reason. */
    static final String CUT = KEY + ".cut";
    private static final long CHECK_MILLIS = 500;

    private final WriteBudget budget;
    private final RoutingContext ctx;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean cut = new AtomicBoolean();
    private volatile long lastProgress = System.nanoTime();
    private volatile long timer = -1;
    /** The stream's producer, cancelled directly on a cut: closing the connection alone does not reach it while a write is stuck. */
    private volatile Cancellable producer;

    private ConnectionWrites(WriteBudget budget, RoutingContext ctx) {
        this.budget = budget;
        this.ctx = ctx;
    }

    /** The request's instance: created on first use, everything given back when its response ends or the connection closes. */
    static ConnectionWrites of(WriteBudget budget, RoutingContext ctx) {
        synchronized (ctx) {
            ConnectionWrites writes = ctx.get(KEY);
            if (writes == null) {
                writes = new ConnectionWrites(budget, ctx);
                ctx.put(KEY, writes);
                ConnectionWrites w = writes;
                ctx.addEndHandler(ended -> w.finish());
            }
            return writes;
        }
    }

    /**
     * Reserves {@code bytes} for the response before its generation starts.
     *
     * @throws EngineOverloadedException it does not fit now (429, retry); nothing was started
     */
    void expect(long bytes) {
        // only the shared budget: the per-connection bound is about text waiting for a slow reader
        if (!budget.take(bytes)) {
            throw new EngineOverloadedException("This response could reach " + bytes + " bytes, more than the server"
                    + " can hold for it now (slhf.limits.max-buffered-bytes); retry shortly or ask for less"
                    + " (fewer choices, max_tokens or top_logprobs)", 1, null);
        }
        reserved.addAndGet(bytes);
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
            producer = subscription;
            emitter.onTermination(subscription::cancel);
        }, BackPressureStrategy.BUFFER)
                .plug(m -> WorkerHop.to(Infrastructure.getDefaultWorkerPool(), m))
                .onItem().invoke(item -> delivered(item.length()));
    }

    /**
     * A finished JSON body as pieces of about {@code piece} characters ({@link JsonPieces}), written
     * as the client reads. It is covered by the reservation; what exceeds it is taken now.
     *
     * @throws EngineOverloadedException the excess does not fit (nothing was sent: a 429)
     */
    Multi<String> pieces(String text, int piece) {
        long extra = text.length() - reserved.get();
        if (extra > 0) {
            expect(extra);
        }
        watch();
        // counted as waiting until written: a client that reads nothing trips the watchdog
        pending.addAndGet(text.length());
        return Multi.createFrom().iterable(new JsonPieces(text, piece))
                .onItem().invoke(item -> {
                    lastProgress = System.nanoTime();
                    pending.addAndGet(-item.length());
                });
    }

    private boolean add(long bytes) {
        if (cut.get()) {
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
        streamed.addAndGet(bytes);
        return true;
    }

    /** Stream bytes taken from the shared budget and not yet given back. */
    private final AtomicLong streamed = new AtomicLong();

    private void delivered(long bytes) {
        lastProgress = System.nanoTime();
        pending.addAndGet(-bytes);
        if (streamed.addAndGet(-bytes) >= 0) {
            budget.give(bytes);
        } else {
            streamed.addAndGet(bytes); // given back by finish() already
        }
    }

    /** Gives back the reservation and whatever stream text is still counted; idempotent. */
    void finish() {
        long back = reserved.getAndSet(0) + streamed.getAndSet(0);
        if (back > 0) {
            budget.give(back);
        }
        pending.set(0);
        long t = timer;
        if (t >= 0) {
            ctx.vertx().cancelTimer(t);
        }
    }

    /** Checks for a client that has stopped reading, until the response ends. */
    private synchronized void watch() {
        if (timer >= 0) {
            return;
        }
        long writeTimeout = budget.writeTimeoutNanos();
        lastProgress = System.nanoTime();
        timer = ctx.vertx().setPeriodic(CHECK_MILLIS, id -> {
            if (cut.get() || ctx.response().ended() || ctx.response().closed()) {
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
        if (!cut.compareAndSet(false, true)) {
            return;
        }
        ctx.put(CUT, Boolean.TRUE);
        budget.slowClient(String.valueOf(ctx.request().remoteAddress()), why);
        HttpConnection connection = ctx.request().connection();
        if (connection != null) {
            connection.close();
        }
        Cancellable p = producer;
        if (p != null) {
            p.cancel(); // cancels the generation behind the stream
        }
        finish();
    }
}

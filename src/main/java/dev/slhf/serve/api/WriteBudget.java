package dev.slhf.serve.api;

import dev.slhf.serve.app.SlhfConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much response text the server holds in memory for clients, per connection and in total.
 * Serialized text waits in memory until the client reads it; a client that stops reading (or reads
 * slower than the engine writes) would otherwise grow that without limit until the heap is gone.
 * With this budget such a client is a disconnect instead, as vLLM and llama.cpp treat it: its
 * generation is cancelled and its connection closed ({@link ConnectionWrites}).
 *
 * <p>Sizes are counted in characters of serialized text: JSON and SSE frames are ASCII apart from
 * the generated text itself, and a compact Latin-1 string holds one byte per character.
 */
@ApplicationScoped
public class WriteBudget {

    private static final System.Logger LOG = System.getLogger(WriteBudget.class.getName());

    private final long perConnection;
    private final long total;
    private final long writeTimeoutNanos;
    private final AtomicLong used = new AtomicLong();
    private final Counter slowClients;

    public WriteBudget(SlhfConfig config, MeterRegistry registry) {
        SlhfConfig.Limits limits = config.limits();
        this.total = limits.maxBufferedBytes().map(m -> m.asLongValue()).orElse(Runtime.getRuntime().maxMemory() / 16);
        this.perConnection = Math.min(total, limits.maxBufferedBytesPerConnection().asLongValue());
        this.writeTimeoutNanos = limits.writeTimeout().toNanos();
        this.slowClients = Counter.builder("slhf.slow.clients")
                .description("Responses cut because the client stopped reading (write timeout or buffer bound)")
                .register(registry);
    }

    long perConnection() {
        return perConnection;
    }

    long writeTimeoutNanos() {
        return writeTimeoutNanos;
    }

    /** Bytes held for all clients right now. */
    public long used() {
        return used.get();
    }

    /** Takes {@code bytes} from the shared budget; false (and nothing taken) when they do not fit. */
    boolean take(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > total) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Budget and watchdog of the response of the request on {@code ctx}. */
    ConnectionWrites of(RoutingContext ctx) {
        return ConnectionWrites.of(this, ctx);
    }

    /**
     * The size a generated response can reach, in characters of JSON: text of about 8 characters a
     * token, and with log-probabilities about 72 for each of the token and its {@code top_logprobs}
     * alternatives (token, logprob and UTF-8 bytes; measured 67 on the demo vocabulary). The
     * engine's results hold the same information as objects until they are serialized, so this
     * also bounds them.
     */
    static long responseSize(int choices, long tokens, Integer topLogprobs) {
        long perToken = 8 + (topLogprobs == null ? 0 : 72L * (topLogprobs + 1));
        return (long) choices * tokens * perToken;
    }

    /** One line per slow client, no stack trace: it is the client's doing, not a server fault. */
    void slowClient(String remote, String why) {
        slowClients.increment();
        LOG.log(System.Logger.Level.WARNING, "client " + remote + " stopped reading (" + why
                + "): response cut, generation cancelled");
    }
}

package dev.slhf.serve.app;

import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.LoadedModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer view of one model's engine loop (names as vLLM's where they exist):
 * {@code slhf_num_requests_running/waiting}, {@code slhf_batch_size}, {@code slhf_queue_seconds},
 * {@code slhf_step_seconds{phase}}, {@code slhf_requests_cancelled_total} (of which
 * {@code slhf_requests_timed_out_total} ran past their deadline), and the prefix cache's
 * {@code slhf_prefix_cache_queries_total} / {@code slhf_prefix_cache_hits_total} (prompt tokens
 * looked up / reused, as vLLM's), {@code slhf_prefix_cache_evictions_total} and
 * {@code slhf_prefix_cache_bytes}.
 */
final class EngineMeters implements EngineMetrics {

    private final DistributionSummary batchSize;
    private final Timer queue;
    private final Timer prefill;
    private final Timer decode;
    private final Counter cancelled;
    private final Counter timedOut;
    private final Counter prefixQueries;
    private final Counter prefixHits;
    private final Counter prefixEvictions;

    EngineMeters(MeterRegistry registry, String model) {
        this.batchSize = DistributionSummary.builder("slhf.batch.size").description("Rows per decode forward pass")
                .tag("model", model).publishPercentileHistogram().serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
                .register(registry);
        this.queue = Timer.builder("slhf.queue").description("Time requests wait before the engine takes them")
                .tag("model", model).publishPercentileHistogram().register(registry);
        this.prefill = Timer.builder("slhf.step").description("Duration of one engine forward pass")
                .tag("model", model).tag("phase", "prefill").publishPercentileHistogram().register(registry);
        this.decode = Timer.builder("slhf.step").description("Duration of one engine forward pass")
                .tag("model", model).tag("phase", "decode").publishPercentileHistogram().register(registry);
        this.cancelled = Counter.builder("slhf.requests.cancelled").description("Generations cancelled before finishing")
                .tag("model", model).register(registry);
        this.timedOut = Counter.builder("slhf.requests.timed.out")
                .description("Generations stopped because their request passed slhf.limits.request-timeout")
                .tag("model", model).register(registry);
        this.prefixQueries = Counter.builder("slhf.prefix.cache.queries")
                .description("Prompt tokens looked up in the prefix cache")
                .tag("model", model).register(registry);
        this.prefixHits = Counter.builder("slhf.prefix.cache.hits")
                .description("Prompt tokens whose KV came from the prefix cache instead of a prefill")
                .tag("model", model).register(registry);
        this.prefixEvictions = Counter.builder("slhf.prefix.cache.evictions")
                .description("Prefix cache entries evicted to stay within slhf.models.<name>.prefix-cache-bytes")
                .tag("model", model).register(registry);
    }

    /** Gauges read the engine's counters when scraped. */
    static void registerGauges(MeterRegistry registry, LoadedModel model) {
        Gauge.builder("slhf.num.requests.running", model.engine(), e -> e.runningCount())
                .description("Sequences prefilling or decoding").tag("model", model.name()).register(registry);
        Gauge.builder("slhf.num.requests.waiting", model.engine(), e -> e.waitingCount())
                .description("Sequences queued for admission").tag("model", model.name()).register(registry);
        Gauge.builder("slhf.prefix.cache.bytes", model.engine(), e -> e.prefixCacheBytes())
                .description("KV bytes held by the prefix cache").tag("model", model.name()).register(registry);
    }

    @Override
    public void dequeued(long nanos) {
        queue.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void step(Phase phase, int rows, int tokens, long nanos) {
        if (phase == Phase.DECODE) {
            batchSize.record(rows);
            decode.record(nanos, TimeUnit.NANOSECONDS);
        } else {
            prefill.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void cancelled() {
        cancelled.increment();
    }

    @Override
    public void timedOut() {
        timedOut.increment();
    }

    @Override
    public void prefixCacheQueried(int queried, int hits) {
        prefixQueries.increment(queried);
        prefixHits.increment(hits);
    }

    @Override
    public void prefixCacheEvicted(long bytes) {
        prefixEvictions.increment();
    }
}

package dev.slhf.serve.app;

import dev.slhf.serve.engine.EngineMetrics;
import dev.slhf.serve.engine.LoadedModel;
import io.micrometer.core.instrument.Tags;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;

/**
 * Micrometer view of one model's engine loop; names and their vLLM equivalents are in
 * {@link Metrics}: running/waiting gauges, KV-cache usage, batch size and tokens per step, queue
 * time, step time by {@code phase}, cancellations (counted as finished with reason {@code abort}).
 */
final class EngineMeters implements EngineMetrics {

    private final DoubleConsumer batchSize;
    private final DoubleConsumer iterationTokens;
    private final LongConsumer queue;
    private final LongConsumer prefill;
    private final LongConsumer decode;
    private final DoubleConsumer cancelled;
    private final DoubleConsumer aborted;
    private final DoubleConsumer timedOut;
    private final DoubleConsumer prefixQueries;
    private final DoubleConsumer prefixHits;
    private final DoubleConsumer prefixEvictions;
    private final MeterSeries series;
    private final String model;
    /** Per role; the engine thread is the only writer, the map only saves a registry lookup per pass. */
    private final java.util.Map<String, SpecMeters> spec = new java.util.concurrent.ConcurrentHashMap<>();

    private record SpecMeters(DoubleConsumer drafts, DoubleConsumer draftTokens, DoubleConsumer accepted,
            DoubleConsumer length) {}

    EngineMeters(MeterSeries series, String model) {
        this.series = series;
        this.model = model;
        this.batchSize = series.summary(Metrics.BATCH_SIZE, model, Tags.empty());
        this.iterationTokens = series.summary(Metrics.ITERATION_TOKENS, model, Tags.empty());
        this.queue = series.timer(Metrics.QUEUE, model, Tags.empty());
        this.prefill = series.timer(Metrics.STEP, model, Tags.of("phase", "prefill"));
        this.decode = series.timer(Metrics.STEP, model, Tags.of("phase", "decode"));
        this.cancelled = series.counter(Metrics.CANCELLED, model, Tags.empty(), Tags.empty());
        this.aborted = series.counter(Metrics.FINISHED, model, Tags.empty(), Tags.of("finished_reason", "abort"));
        this.timedOut = series.counter(Metrics.TIMED_OUT, model, Tags.empty(), Tags.empty());
        this.prefixQueries = series.counter(Metrics.PREFIX_QUERIES, model, Tags.empty(), Tags.empty());
        this.prefixHits = series.counter(Metrics.PREFIX_HITS, model, Tags.empty(), Tags.empty());
        this.prefixEvictions = series.counter(Metrics.PREFIX_EVICTIONS, model, Tags.empty(), Tags.empty());
    }

    /** Gauges read the engine's counters when scraped. */
    static void registerGauges(MeterSeries series, LoadedModel model) {
        series.gauge(Metrics.RUNNING, model.name(), model.engine(), e -> e.runningCount());
        series.gauge(Metrics.WAITING, model.name(), model.engine(), e -> e.waitingCount());
        series.gauge(Metrics.KV_CACHE_USAGE, model.name(), model.engine(), e -> e.kvCacheUsage());
        series.gauge(Metrics.PREFIX_BYTES, model.name(), model.engine(), e -> e.prefixCacheBytes());
    }

    @Override
    public void dequeued(long nanos) {
        queue.accept(nanos);
    }

    @Override
    public void step(Phase phase, int rows, int tokens, long nanos) {
        iterationTokens.accept(tokens);
        if (phase == Phase.DECODE) {
            batchSize.accept(rows);
            decode.accept(nanos);
        } else {
            prefill.accept(nanos);
        }
    }

    @Override
    public void speculated(String role, int proposed, int accepted) {
        SpecMeters m = spec.computeIfAbsent(role, this::specMeters);
        m.drafts().accept(1);
        m.draftTokens().accept(proposed);
        m.accepted().accept(accepted);
        m.length().accept(accepted + 1);
    }

    private SpecMeters specMeters(String role) {
        Tags own = Tags.of("role", role);
        return new SpecMeters(series.counter(Metrics.SPEC_DRAFTS, model, own, Tags.empty()),
                series.counter(Metrics.SPEC_DRAFT_TOKENS, model, own, Tags.empty()),
                series.counter(Metrics.SPEC_ACCEPTED_TOKENS, model, own, Tags.empty()),
                series.summary(Metrics.SPEC_ACCEPTANCE_LENGTH, model, own));
    }

    @Override
    public void cancelled() {
        cancelled.accept(1);
        aborted.accept(1);
    }

    @Override
    public void timedOut() {
        timedOut.accept(1);
    }

    @Override
    public void prefixCacheQueried(int queried, int hits) {
        prefixQueries.accept(queried);
        prefixHits.accept(hits);
    }

    @Override
    public void prefixCacheEvicted(long bytes) {
        prefixEvictions.accept(1);
    }
}

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
 * {@code slhf_requests_timed_out_total} ran past their deadline), and draft-copy speculation as
 * vLLM's spec-decode series, by {@code model} and {@code role}:
 * {@code slhf_spec_decode_num_drafts_total}, {@code slhf_spec_decode_num_draft_tokens_total},
 * {@code slhf_spec_decode_num_accepted_tokens_total} and the summary
 * {@code slhf_spec_decode_acceptance_length} (tokens one verify pass emitted for a row: accepted + 1;
 * its mean is vLLM's mean acceptance length).
 */
final class EngineMeters implements EngineMetrics {

    private final DistributionSummary batchSize;
    private final Timer queue;
    private final Timer prefill;
    private final Timer decode;
    private final Counter cancelled;
    private final Counter timedOut;
    private final MeterRegistry registry;
    private final String model;
    /** Per role; the engine thread is the only writer, the map only saves a registry lookup per pass. */
    private final java.util.Map<String, SpecMeters> spec = new java.util.concurrent.ConcurrentHashMap<>();

    private record SpecMeters(Counter drafts, Counter draftTokens, Counter accepted, DistributionSummary length) {}

    EngineMeters(MeterRegistry registry, String model) {
        this.registry = registry;
        this.model = model;
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
    }

    /** Gauges read the engine's counters when scraped. */
    static void registerGauges(MeterRegistry registry, LoadedModel model) {
        Gauge.builder("slhf.num.requests.running", model.engine(), e -> e.runningCount())
                .description("Sequences prefilling or decoding").tag("model", model.name()).register(registry);
        Gauge.builder("slhf.num.requests.waiting", model.engine(), e -> e.waitingCount())
                .description("Sequences queued for admission").tag("model", model.name()).register(registry);
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
    public void speculated(String role, int proposed, int accepted) {
        SpecMeters m = spec.computeIfAbsent(role, this::specMeters);
        m.drafts().increment();
        m.draftTokens().increment(proposed);
        m.accepted().increment(accepted);
        m.length().record(accepted + 1);
    }

    private SpecMeters specMeters(String role) {
        return new SpecMeters(
                Counter.builder("slhf.spec.decode.num.drafts").description("Verify passes in which a sequence proposed tokens")
                        .tag("model", model).tag("role", role).register(registry),
                Counter.builder("slhf.spec.decode.num.draft.tokens").description("Prompt-lookup tokens proposed")
                        .tag("model", model).tag("role", role).register(registry),
                Counter.builder("slhf.spec.decode.num.accepted.tokens").description("Proposed tokens accepted")
                        .tag("model", model).tag("role", role).register(registry),
                DistributionSummary.builder("slhf.spec.decode.acceptance.length")
                        .description("Tokens one verify pass emitted for a sequence (accepted + 1)")
                        .tag("model", model).tag("role", role).register(registry));
    }

    @Override
    public void cancelled() {
        cancelled.increment();
    }

    @Override
    public void timedOut() {
        timedOut.increment();
    }
}

package dev.slhf.serve.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;
import java.util.function.ToDoubleFunction;

/**
 * Registers one {@link MetricName} under slhf's name with label {@code model} (plus its own
 * labels), and with {@code slhf.metrics.vllm-names=true} also under each of its vLLM names with
 * label {@code model_name} (plus only the labels vLLM has, such as {@code finished_reason}), so
 * vLLM dashboards and the inference gateway's endpoint picker read our series unchanged. Both are
 * fed by the same call: they cannot drift apart.
 */
@ApplicationScoped
public class MeterSeries {

    private final MeterRegistry registry;
    private final boolean vllmNames;

    public MeterSeries(MeterRegistry registry, SlhfConfig config) {
        this.registry = registry;
        this.vllmNames = config.metrics().vllmNames();
    }

    /** Applied by Quarkus to every registry before the first meter exists. */
    @Produces
    @Singleton
    static MeterFilter sloBuckets(SlhfConfig config) {
        return new SloBuckets(config.metrics());
    }

    @Produces
    @Singleton
    static MeterFilter lintClean() {
        return new LintCleanMeters();
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A timer (histogram in seconds); {@code own} are labels only the slhf series carries. */
    public LongConsumer timer(MetricName m, String model, Tags own) {
        List<Timer> timers = new ArrayList<>();
        timers.add(Timer.builder(m.name()).description(m.help()).tags(own).tag("model", model).register(registry));
        for (String name : vllm(m)) {
            timers.add(Timer.builder(name).description(m.help()).tag("model_name", model).register(registry));
        }
        return nanos -> timers.forEach(t -> t.record(nanos, TimeUnit.NANOSECONDS));
    }

    /** A count histogram (summary with buckets). */
    public DoubleConsumer summary(MetricName m, String model, Tags own) {
        List<DistributionSummary> summaries = new ArrayList<>();
        summaries.add(DistributionSummary.builder(m.name()).description(m.help()).tags(own).tag("model", model)
                .register(registry));
        for (String name : vllm(m)) {
            summaries.add(DistributionSummary.builder(name).description(m.help()).tag("model_name", model)
                    .register(registry));
        }
        return v -> summaries.forEach(s -> s.record(v));
    }

    /** A counter; {@code shared} labels go on both series, {@code own} only on slhf's. */
    public DoubleConsumer counter(MetricName m, String model, Tags own, Tags shared) {
        List<Counter> counters = new ArrayList<>();
        counters.add(Counter.builder(m.name()).description(m.help()).tags(own).tags(shared).tag("model", model)
                .register(registry));
        for (String name : vllm(m)) {
            counters.add(Counter.builder(name).description(m.help()).tags(shared).tag("model_name", model)
                    .register(registry));
        }
        return v -> counters.forEach(c -> c.increment(v));
    }

    /** A gauge read at scrape time; {@code source} is held strongly, for as long as the registry lives. */
    public <T> void gauge(MetricName m, String model, T source, ToDoubleFunction<T> value) {
        Gauge.builder(m.name(), source, value).description(m.help()).tag("model", model).strongReference(true)
                .register(registry);
        for (String name : vllm(m)) {
            Gauge.builder(name, source, value).description(m.help()).tag("model_name", model).strongReference(true)
                    .register(registry);
        }
    }

    private List<String> vllm(MetricName m) {
        return vllmNames ? m.vllm() : List.of();
    }
}

package dev.slhf.serve.app;

import dev.slhf.serve.app.MetricName.Buckets;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Gives every histogram the round bucket bounds configured for its kind of quantity
 * ({@code slhf.metrics.*-buckets}) instead of Micrometer's generated percentile buckets (69 per
 * timer, 277 for a summary), which no SLO is written against and which multiply series. Applied to
 * the whole registry, so a histogram added later without a catalogue entry still gets round
 * bounds: timers the latency list, summaries the token-count list.
 */
public final class SloBuckets implements MeterFilter {

    private static final double NANOS_PER_SECOND = 1e9;

    private final Map<Buckets, double[]> bounds = new EnumMap<>(Buckets.class);

    public SloBuckets(SlhfConfig.Metrics config) {
        bounds.put(Buckets.LATENCY, sorted("latency-buckets", config.latencyBuckets()));
        bounds.put(Buckets.STEP, sorted("step-buckets", config.stepBuckets()));
        bounds.put(Buckets.BATCH_SIZE, sorted("batch-size-buckets", config.batchSizeBuckets()));
        bounds.put(Buckets.TOKENS, sorted("token-buckets", config.tokenBuckets()));
    }

    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        boolean timer = id.getType() == Meter.Type.TIMER; // long task timers keep their own shape
        if (!timer && id.getType() != Meter.Type.DISTRIBUTION_SUMMARY) {
            return config;
        }
        Buckets kind = Metrics.byName(id.getName()).map(MetricName::buckets)
                .filter(b -> b != Buckets.NONE)
                .orElse(timer ? Buckets.LATENCY : Buckets.TOKENS);
        double[] b = bounds.get(kind);
        double[] slos = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            // a timer's distribution config is in nanoseconds, a summary's in its own unit
            slos[i] = timer ? b[i] * NANOS_PER_SECOND : b[i];
        }
        return DistributionStatisticConfig.builder()
                .percentilesHistogram(false)
                .percentiles()
                .serviceLevelObjectives(slos)
                .build()
                .merge(config);
    }

    /** Bounds must be positive and strictly increasing; a mistake stops start-up naming the key. */
    static double[] sorted(String key, List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("slhf.metrics." + key + " must list at least one bound");
        }
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
            if (!(out[i] > 0) || Double.isInfinite(out[i]) || (i > 0 && out[i] <= out[i - 1])) {
                throw new IllegalArgumentException("slhf.metrics." + key
                        + " must be positive, finite and strictly increasing: " + values);
            }
        }
        return out;
    }
}

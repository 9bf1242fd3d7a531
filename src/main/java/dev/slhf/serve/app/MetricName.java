package dev.slhf.serve.app;

import java.util.List;

/**
 * One published series: its slhf name (Micrometer dotted form; Prometheus adds the unit and
 * {@code _total} suffixes), the kind of bucket bounds its histogram uses, and the vLLM names it is
 * also published under when {@code slhf.metrics.vllm-names=true}. The catalogue is {@link Metrics}.
 */
public record MetricName(String name, Buckets buckets, String help, List<String> vllm) {

    /** Which configured list of bounds ({@code slhf.metrics.*-buckets}) a histogram gets. */
    public enum Buckets {
        /** Not a histogram. */
        NONE,
        LATENCY,
        STEP,
        BATCH_SIZE,
        TOKENS
    }

    public MetricName {
        vllm = List.copyOf(vllm);
    }

    static MetricName of(String name, Buckets buckets, String help, String... vllm) {
        return new MetricName(name, buckets, help, List.of(vllm));
    }
}

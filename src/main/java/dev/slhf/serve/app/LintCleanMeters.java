package dev.slhf.serve.app;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Set;

/**
 * Keeps the exposition {@code promtool check metrics} clean: meters registered without a
 * description (Quarkus' own HTTP server meters) get a HELP text, and long task timers are left
 * out, because Micrometer writes their samples ({@code _active_count}, {@code _duration_sum})
 * under names that match no HELP/TYPE family (the only one is Quarkus' open-connection timer), as
 * is {@code process.cpu.time}, a counter in nanoseconds that promtool flags for its {@code _ns}
 * unit ({@code process_cpu_usage} remains), and {@code system.cpu.count}, a gauge whose
 * {@code _count} suffix promtool reserves for histograms and summaries.
 *
 * <p>The vLLM-named series ({@code slhf.metrics.vllm-names}) are the one lint promtool still
 * reports: it flags every name with a {@code :}, vLLM's own exposition included; dashboards and
 * the endpoint picker need exactly those names.
 */
public final class LintCleanMeters implements MeterFilter {

    private static final Set<String> UNLINTABLE = Set.of("process.cpu.time", "system.cpu.count");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        boolean unlintable = id.getType() == Meter.Type.LONG_TASK_TIMER || UNLINTABLE.contains(id.getName());
        return unlintable ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getDescription() != null && !id.getDescription().isBlank()) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                "Micrometer meter " + id.getName(), id.getType());
    }
}

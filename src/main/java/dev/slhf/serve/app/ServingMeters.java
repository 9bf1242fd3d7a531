package dev.slhf.serve.app;

import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.Role;
import dev.slhf.serve.refine.Round;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Request-level series, next to the engine's own ({@link EngineMeters}); every name is listed in
 * the README and in {@link Metrics}. Rounds carry {@code round} and {@code role} tags because per-round latency is the
 * number refinement users watch. Plain (non-refinement) generations use {@code role="plain"}.
 */
@ApplicationScoped
public class ServingMeters {

    public static final String PLAIN = "plain";

    /** OpenAI's finish reasons; ours are {@code stop} and {@code length} ({@code abort} comes from the engine). */
    private static final Set<String> KNOWN_REASONS = Set.of("stop", "length", "tool_calls", "content_filter");

    private final MeterSeries series;

    public ServingMeters(MeterSeries series) {
        this.series = series;
    }

    /** Wraps {@code next} so that every finished round is also recorded. */
    public RefinementListener recording(RefinementListener next) {
        return new RefinementListener() {
            private String previous;

            @Override
            public void roundStarted(int round, Role role, String model) {
                next.roundStarted(round, role, model);
            }

            @Override
            public void delta(int round, String text) {
                next.delta(round, text);
            }

            @Override
            public void roundFinished(Round round) {
                round(round, previous);
                previous = round.text();
                next.roundFinished(round);
            }
        };
    }

    void round(Round r, String previousText) {
        String role = r.role().wireName();
        String model = r.model() == null ? "none" : r.model();
        series.counter(Metrics.ROUNDS, model, Tags.of("role", role), Tags.empty()).accept(1);
        if (r.role() == Role.DRAFT) {
            return; // the caller's text: nothing was generated or waited for
        }
        series.timer(Metrics.ROUND, model, Tags.of("round", Integer.toString(r.round()), "role", role))
                .accept((long) (r.latencyMs() * 1e6));
        if (previousText != null && r.role() == Role.FOLLOWER && r.text().equals(previousText)) {
            series.counter(Metrics.UNCHANGED, model, Tags.empty(), Tags.empty()).accept(1);
        }
        generated(model, role, r.finishReason(), r.promptTokens(), r.completionTokens(), r.ttftMs() * 1e6,
                r.latencyMs() * 1e6);
    }

    /** A plain generation (chat or completion, not part of a refinement). */
    public void generation(String model, GenerationResult r) {
        generated(model, PLAIN, r.finishReason().wireName(), r.promptTokens(), r.completionTokens(),
                r.timeToFirstTokenNanos(), r.totalNanos());
    }

    /**
     * One generation that ended normally: what vLLM records per finished request. An upstream
     * leader's round counts too (its call is the generation); its finish reason is the upstream's.
     */
    private void generated(String model, String role, String finishReason, int prompt, int completion,
            double ttftNanos, double totalNanos) {
        Tags own = Tags.of("role", role);
        series.counter(Metrics.PROMPT_TOKENS, model, own, Tags.empty()).accept(prompt);
        series.counter(Metrics.GENERATION_TOKENS, model, own, Tags.empty()).accept(completion);
        series.summary(Metrics.REQUEST_PROMPT_TOKENS, model, own).accept(prompt);
        series.summary(Metrics.REQUEST_GENERATION_TOKENS, model, own).accept(completion);
        series.timer(Metrics.E2E, model, own).accept((long) totalNanos);
        series.counter(Metrics.FINISHED, model, Tags.empty(),
                Tags.of("finished_reason", finishedReason(finishReason))).accept(1);
        if (completion > 0) {
            series.timer(Metrics.TTFT, model, own).accept((long) ttftNanos);
        }
        if (completion > 1) {
            // one sample per generation: its mean gap between tokens after the first
            series.timer(Metrics.INTER_TOKEN, model, own).accept((long) ((totalNanos - ttftNanos) / (completion - 1)));
        }
    }

    /** Label values stay bounded whatever an upstream leader answers. */
    private static String finishedReason(String reason) {
        return reason != null && KNOWN_REASONS.contains(reason) ? reason : "other";
    }

    /** One HTTP request under /v1, from arrival until the response ended (or the client left). */
    public void request(String endpoint, String outcome, long nanos) {
        Timer.builder(Metrics.REQUEST.name()).description(Metrics.REQUEST.help())
                .tag("endpoint", endpoint).tag("outcome", outcome).register(series.registry())
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A call to an upstream leader; {@code outcome} is {@code success} or the error kind. */
    public void upstream(String model, String outcome, long nanos) {
        series.timer(Metrics.UPSTREAM, model, Tags.of("outcome", outcome)).accept(nanos);
        if (!"success".equals(outcome)) {
            series.counter(Metrics.UPSTREAM_ERRORS, model, Tags.of("kind", outcome), Tags.empty()).accept(1);
        }
    }
}

package dev.slhf.serve.app;

import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.Role;
import dev.slhf.serve.refine.Round;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Request-level series, next to the engine's own ({@link EngineMeters}); every name is listed in
 * the README. Rounds carry {@code round} and {@code role} tags because per-round latency is the
 * number refinement users watch. Plain (non-refinement) generations use {@code role="plain"}.
 */
@ApplicationScoped
public class ServingMeters {

    public static final String PLAIN = "plain";

    private final MeterRegistry registry;

    public ServingMeters(MeterRegistry registry) {
        this.registry = registry;
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
        Counter.builder("slhf.refine.rounds").description("Refinement rounds finished")
                .tag("role", role).tag("model", model).register(registry).increment();
        if (r.role() == Role.DRAFT) {
            return; // the caller's text: nothing was generated or waited for
        }
        Timer.builder("slhf.refine.round").description("Latency of one refinement round, by round index")
                .tag("round", Integer.toString(r.round())).tag("role", role).tag("model", model)
                .publishPercentileHistogram().register(registry)
                .record((long) (r.latencyMs() * 1e6), TimeUnit.NANOSECONDS);
        if (previousText != null && r.role() == Role.FOLLOWER && r.text().equals(previousText)) {
            Counter.builder("slhf.refine.unchanged").description("Follower rounds that returned the previous text")
                    .tag("model", model).register(registry).increment();
        }
        tokens(model, role, r.promptTokens(), r.completionTokens(), r.ttftMs() * 1e6, r.latencyMs() * 1e6);
    }

    /** A plain generation (chat or completion, not part of a refinement). */
    public void generation(String model, GenerationResult r) {
        tokens(model, PLAIN, r.promptTokens(), r.completionTokens(), r.timeToFirstTokenNanos(), r.totalNanos());
    }

    private void tokens(String model, String role, int prompt, int completion, double ttftNanos, double totalNanos) {
        Counter.builder("slhf.prompt.tokens").description("Prompt tokens processed")
                .tag("model", model).tag("role", role).register(registry).increment(prompt);
        Counter.builder("slhf.generation.tokens").description("Tokens generated")
                .tag("model", model).tag("role", role).register(registry).increment(completion);
        if (completion > 0) {
            Timer.builder("slhf.time.to.first.token").description("Submission to first generated token")
                    .tag("model", model).tag("role", role).publishPercentileHistogram().register(registry)
                    .record((long) ttftNanos, TimeUnit.NANOSECONDS);
        }
        if (completion > 1) {
            // one sample per generation: its mean gap between tokens after the first
            Timer.builder("slhf.inter.token.latency").description("Mean time between generated tokens of a generation")
                    .tag("model", model).tag("role", role).publishPercentileHistogram().register(registry)
                    .record((long) ((totalNanos - ttftNanos) / (completion - 1)), TimeUnit.NANOSECONDS);
        }
    }

    /** One HTTP request under /v1, from arrival until the response ended (or the client left). */
    public void request(String endpoint, String outcome, long nanos) {
        Timer.builder("slhf.request").description("HTTP request duration, streams until their end")
                .tag("endpoint", endpoint).tag("outcome", outcome).publishPercentileHistogram().register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A call to an upstream leader; {@code outcome} is {@code success} or the error kind. */
    public void upstream(String model, String outcome, long nanos) {
        Timer.builder("slhf.upstream.request").description("Calls to upstream (foreign) leaders")
                .tag("model", model).tag("outcome", outcome).publishPercentileHistogram().register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        if (!"success".equals(outcome)) {
            Counter.builder("slhf.upstream.errors").description("Failed calls to upstream leaders")
                    .tag("model", model).tag("kind", outcome).register(registry).increment();
        }
    }
}

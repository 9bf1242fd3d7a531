package dev.slhf.serve.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /metrics}, where vLLM and llama.cpp serve Prometheus metrics, re-routed to
 * {@code /q/metrics}: the same handler answers both, so the exposition (format negotiation
 * included) cannot drift between them. Method and headers travel with the re-route.
 */
@ApplicationScoped
public class MetricsAlias {

    static final String TARGET = "/q/metrics";

    void install(@Observes Router router) {
        router.route("/metrics").order(ApiKeyFilter.ORDER + 2).handler(ctx -> ctx.reroute(TARGET));
    }
}

package dev.slhf.serve.api;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Serves the Prometheus scrape in the format the client asked for, ahead of Quarkus' own handler:
 * the 0.0.4 text format unless OpenMetrics is named explicitly in {@code Accept}. Quarkus answers
 * {@code Accept: *}{@code /*} (curl's default) with OpenMetrics, which {@code promtool check
 * metrics} and many scripts do not read; Prometheus itself asks for OpenMetrics by name and gets it.
 */
@ApplicationScoped
public class MetricsExposition {

    static final String TEXT_004 = TextFormat.CONTENT_TYPE_004;
    static final String OPENMETRICS = TextFormat.CONTENT_TYPE_OPENMETRICS_100;

    private final PrometheusMeterRegistry registry;
    private final String path;

    public MetricsExposition(PrometheusMeterRegistry registry,
            @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "/q/metrics") String path) {
        this.registry = registry;
        this.path = path;
    }

    void install(@Observes Router router) {
        // after the API-key check (which leaves public paths open), before the management routes
        router.route(path).order(ApiKeyFilter.ORDER + 1).blockingHandler(this::scrape, false);
    }

    private void scrape(RoutingContext ctx) {
        String contentType = contentType(ctx.request().getHeader("Accept"));
        String body = registry.scrape(contentType);
        ctx.response().putHeader("Content-Type", contentType).end(body);
    }

    /** OpenMetrics only when a media range names it with a non-zero quality; otherwise 0.0.4 text. */
    static String contentType(String accept) {
        if (accept == null) {
            return TEXT_004;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            if (!parts[0].strip().toLowerCase(Locale.ROOT).equals("application/openmetrics-text")) {
                continue;
            }
            if (!zeroQuality(parts)) {
                return OPENMETRICS;
            }
        }
        return TEXT_004;
    }

    private static boolean zeroQuality(String[] params) {
        for (int i = 1; i < params.length; i++) {
            String p = params[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2)) == 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }
}

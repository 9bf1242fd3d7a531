package dev.slhf.serve.api;

import dev.slhf.serve.app.ServingMeters;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Times every {@code /v1} request at the HTTP server, from arrival until the response has ended,
 * so streams count their full length and errors raised before a resource runs (malformed JSON)
 * are included. A response that never ended (client gone) has outcome {@code disconnected}.
 */
@ApplicationScoped
public class RequestMetrics {

    private static final Logger LOG = Logger.getLogger(RequestMetrics.class);

    private static final Set<String> ENDPOINTS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/models",
            "/v1/refine");

    private final ServingMeters meters;

    public RequestMetrics(ServingMeters meters) {
        this.meters = meters;
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(Integer.MIN_VALUE).handler(ctx -> {
            long t0 = System.nanoTime();
            String path = ctx.normalizedPath();
            // tag values stay bounded whatever paths clients try
            String endpoint = ENDPOINTS.contains(path) ? path : "other";
            ctx.addEndHandler(ended -> {
                if (!ended.succeeded() && ctx.get(ConnectionWrites.CUT) == null) {
                    // the one line per disconnect; the framework's own records of it are dropped (DisconnectLogFilter)
                    LOG.warnf("client %s disconnected before the response to %s %s ended", ctx.request().remoteAddress(),
                            ctx.request().method(), endpoint);
                }
                meters.request(endpoint, ended.succeeded() ? outcome(ctx.response().getStatusCode()) : "disconnected",
                        System.nanoTime() - t0);
            });
            ctx.next();
        });
    }

    private static String outcome(int status) {
        if (status < 400) {
            return "success";
        }
        return status < 500 ? "client_error" : "server_error";
    }
}

package dev.slhf.serve.api;

import dev.slhf.serve.app.ServingState;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * While draining, new API requests get 503 in the OpenAI error shape with {@code Retry-After}, so
 * clients retry on another replica; health and metrics stay reachable. Requests already running
 * are not affected (they passed this gate before draining began).
 */
@ApplicationScoped
public class DrainGate {

    private static final ApiError SHUTTING_DOWN = ApiError.of("The server is shutting down; retry the request.",
            "service_unavailable", null, "shutting_down");

    private final ServingState state;
    private final RouteErrors errors;

    public DrainGate(ServingState state, RouteErrors errors) {
        this.state = state;
        this.errors = errors;
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(ApiKeyFilter.ORDER + 1).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (!state.draining()) {
            ctx.next();
            return;
        }
        errors.send(ctx, 503, SHUTTING_DOWN, "Retry-After", "1", "Connection", "close");
    }
}

package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    private final ServingState state;
    private final String body;

    public DrainGate(ServingState state, ObjectMapper json) throws JsonProcessingException {
        this.state = state;
        this.body = json.writeValueAsString(ApiError.of("The server is shutting down; retry the request.",
                "service_unavailable", null, "shutting_down"));
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(ApiKeyFilter.ORDER + 1).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (!state.draining()) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json").putHeader("Retry-After", "1")
                .putHeader("Connection", "close").end(body);
    }
}

package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * OpenAI-shaped error responses written straight on a Vert.x route (API keys, drain gate, body
 * limit), where requests are refused before JAX-RS and its {@link ErrorMapper} ever see them.
 */
@ApplicationScoped
public class RouteErrors {

    private final ObjectMapper json;

    public RouteErrors(ObjectMapper json) {
        this.json = json;
    }

    /** Ends the response with {@code status} and the error body; {@code headers} are name/value pairs. */
    public void send(RoutingContext ctx, int status, ApiError error, String... headers) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.headWritten() || response.closed()) {
            return;
        }
        String text;
        try {
            text = json.writeValueAsString(error);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an error body", e); // a record of strings: never
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            response.putHeader(headers[i], headers[i + 1]);
        }
        response.end(text);
    }
}

package dev.slhf.serve.api;

import dev.slhf.serve.app.SlhfConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * {@code 431} (headers too large) and {@code 414} (URI too long) with OpenAI error bodies. Vert.x
 * answers both itself from the HTTP codec, with no body, and Quarkus exposes no hook on that path;
 * so the codec's bounds are set well above {@code slhf.limits.max-header-size} and
 * {@code slhf.limits.max-uri-length} (application.properties), and this route, the first of all,
 * applies the real bounds to every request that parsed. The connection is closed after the answer,
 * as the codec does: a client that sends such a request is not one to keep talking to.
 */
@ApplicationScoped
public class HeaderLimits {

    /** Before the API key check, which would otherwise answer an oversized request with a 401. */
    static final int ORDER = ApiKeyFilter.ORDER - 10;

    private final RouteErrors errors;
    private final long maxHeaderBytes;
    private final int maxUriLength;

    public HeaderLimits(RouteErrors errors, SlhfConfig config) {
        this.errors = errors;
        this.maxHeaderBytes = config.limits().maxHeaderSize().asLongValue();
        this.maxUriLength = config.limits().maxUriLength();
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.uri().length() > maxUriLength) {
            errors.send(ctx, 414, ApiError.of("Request URI too long: " + request.uri().length()
                    + " characters, the limit is " + maxUriLength + " (slhf.limits.max-uri-length)",
                    "invalid_request_error", null, "uri_too_long"), "Connection", "close");
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4; // ": " and CRLF, as on the wire
        }
        if (headerBytes > maxHeaderBytes) {
            errors.send(ctx, 431, ApiError.of("Request headers too large: " + headerBytes + " bytes, the limit is "
                    + maxHeaderBytes + " (slhf.limits.max-header-size)", "invalid_request_error", null,
                    "headers_too_large"), "Connection", "close");
            return;
        }
        ctx.next();
    }
}

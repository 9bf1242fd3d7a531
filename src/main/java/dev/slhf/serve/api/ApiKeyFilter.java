package dev.slhf.serve.api;

import dev.slhf.serve.app.ApiKeys;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code Authorization: Bearer <key>} as OpenAI clients send it, checked on the Vert.x router ahead
 * of every route, so no endpoint can be forgotten; paths in {@code slhf.public-paths} (health,
 * metrics) stay open for probes and Prometheus, and so do the playground's static files (see
 * {@link PlaygroundFiles}). A refusal is a 401 in the OpenAI error shape.
 */
@ApplicationScoped
public class ApiKeyFilter {

    /** Ahead of the REST routes and of the management routes under /q. */
    static final int ORDER = -200;

    private final ApiKeys keys;
    private final RouteErrors errors;

    public ApiKeyFilter(ApiKeys keys, RouteErrors errors) {
        this.keys = keys;
        this.errors = errors;
    }

    void install(@Observes Router router) {
        if (keys.enabled()) {
            router.route().order(ORDER).handler(this::check);
        }
    }

    private void check(RoutingContext ctx) {
        if (keys.isPublic(ctx.normalizedPath())
                || PlaygroundFiles.isPageRead(ctx.request().method().name(), relativePath(ctx))) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        String presented = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).strip();
        }
        if (keys.accepts(presented)) {
            ctx.next();
            return;
        }
        // OpenAI's wording and codes: a missing key and a wrong key are told apart, the key is never echoed
        ApiError body = presented == null
                ? ApiError.of("You didn't provide an API key. Provide it in the Authorization header using Bearer"
                        + " auth (Authorization: Bearer YOUR_KEY).", "invalid_request_error", null, "missing_api_key")
                : ApiError.of("Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");
        errors.send(ctx, 401, body, "WWW-Authenticate", "Bearer");
    }

    /** The path below quarkus.http.root-path, where one is set (the router is then mounted there). */
    private static String relativePath(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String mount = ctx.mountPoint();
        if (mount != null && !mount.isEmpty() && !mount.equals("/") && path.startsWith(mount)) {
            String rest = path.substring(mount.endsWith("/") ? mount.length() - 1 : mount.length());
            return rest.isEmpty() ? "/" : rest;
        }
        return path;
    }
}

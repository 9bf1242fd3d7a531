package dev.slhf.serve.api;

import dev.slhf.serve.api.tokenize.TokenizerResource;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.ByteArrayInputStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code quarkus.http.limits.max-body-size} with an OpenAI error body. Quarkus enforces the limit
 * itself, but answers a bare 413 with no body (a route at order -2 for a Content-Length over the
 * limit, and deep in the body reading for chunked requests, after the resource was matched, where
 * no exception mapper can reach). This route runs before Quarkus' and answers both cases as
 * {@code 413 {"error":{"type":"invalid_request_error","code":"request_too_large",...}}}:
 * <ul>
 * <li>a declared Content-Length over the limit is refused at once, before any of the body is read;
 * <li>a chunked body to {@code /v1/*} or a {@link TokenizerResource} path (no Content-Length) is read here, counting bytes, and refused as
 *     soon as it passes the limit; a body within it is handed to RESTEasy Reactive by
 *     {@link #preReadBody} instead of being read a second time.
 * </ul>
 * Either way the connection is closed after the 413, as Quarkus does, since the rest of the body
 * is not read.
 */
@ApplicationScoped
public class BodyLimit {

    public static final String CODE = "request_too_large";
    private static final String BODY_KEY = BodyLimit.class.getName() + ".body";

    private final RouteErrors errors;
    private final long limit;

    public BodyLimit(RouteErrors errors) {
        this.errors = errors;
        this.limit = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
    }

    public long limit() {
        return limit;
    }

    void install(@Observes Router router) {
        // Quarkus' own check is a route at order -2
        router.route().order(-3).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared < 0) {
                refuse(ctx, 400, ApiError.of("Invalid Content-Length header: '" + length + "'", "invalid_request_error",
                        null, null));
            } else if (declared > limit) {
                refuse(ctx, 413, tooLarge("declares " + declared + " bytes"));
            } else {
                ctx.next();
            }
            return;
        }
        boolean chunked = "chunked".equalsIgnoreCase(request.getHeader(HttpHeaderNames.TRANSFER_ENCODING));
        if (!chunked || request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD
                || !(request.path().startsWith("/v1/") || TokenizerResource.PATHS.contains(request.path()))
                || request.isEnded()) {
            ctx.next();
            return;
        }
        readChunked(ctx, request);
    }

    /** Reads a chunked body up to the limit, then lets the request go on with the body in hand. */
    private void readChunked(RoutingContext ctx, HttpServerRequest request) {
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(data -> {
            if (refused[0]) {
                return;
            }
            if ((long) body.length() + data.length() > limit) {
                refused[0] = true;
                refuse(ctx, 413, tooLarge("is longer than that"));
                return;
            }
            body.appendBuffer(data);
        });
        request.exceptionHandler(failure -> {
            if (!refused[0] && !ctx.response().ended()) {
                refused[0] = true;
                ctx.response().setStatusCode(400);
                ctx.response().close();
            }
        });
        request.endHandler(end -> {
            if (!refused[0]) {
                ctx.put(BODY_KEY, body);
                ctx.next();
            }
        });
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaderNames.EXPECT))) {
            ctx.response().writeContinue();
        }
        request.resume();
    }

    /** Gives RESTEasy Reactive the body read by {@link #readChunked}, so that it does not read it again. */
    @ServerRequestFilter(preMatching = true)
    public void preReadBody(ContainerRequestContext request, RoutingContext ctx) {
        Buffer body = ctx.get(BODY_KEY);
        if (body != null) {
            ctx.remove(BODY_KEY);
            request.setEntityStream(new ByteArrayInputStream(body.getBytes()));
        }
    }

    private ApiError tooLarge(String detail) {
        return ApiError.of("Request body too large: the limit is " + limit + " bytes and this request " + detail,
                "invalid_request_error", null, CODE);
    }

    private void refuse(RoutingContext ctx, int status, ApiError error) {
        // the unread rest of the body cannot be skipped on this connection: close it once answered
        ctx.response().endHandler(v -> {
            if (ctx.request().connection() != null) {
                ctx.request().connection().close();
            }
        });
        errors.send(ctx, status, error, HttpHeaderNames.CONNECTION.toString(), "close");
    }
}

package dev.slhf.serve.api;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.slhf.serve.app.SlhfConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.ByteArrayInputStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Reads every request body on the event loop, before any worker thread or resource is involved,
 * and enforces two limits with OpenAI error bodies:
 * <ul>
 * <li>{@code quarkus.http.limits.max-body-size}: a declared Content-Length over it is refused with
 *     {@code 413 request_too_large} before any of the body is read, a chunked body as soon as it
 *     passes it (Quarkus' own check answers a bare 413, at order -2 or deep in the body reading
 *     where no exception mapper reaches);
 * <li>{@code slhf.limits.body-read-timeout}: a body that has not arrived in full within it gets
 *     {@code 408 body_read_timeout}. Without this, a client declaring a body and sending nothing
 *     parked a worker thread in a blocking read (the resources are {@code @Blocking}), and about 200
 *     such connections took every worker, health probes included.
 * </ul>
 * The body read here is handed to RESTEasy Reactive by {@link #preReadBody}, so it is never read
 * twice, and the resource's worker thread starts with the whole body in memory. After a 413 or 408
 * the connection is closed, as Quarkus does, since the rest of the body is not read.
 */
@ApplicationScoped
public class BodyLimit {

    public static final String CODE = "request_too_large";
    public static final String TIMEOUT_CODE = "body_read_timeout";
    private static final String BODY_KEY = BodyLimit.class.getName() + ".body";

    private final RouteErrors errors;
    private final long limit;
    private final long readTimeoutMillis;

    public BodyLimit(RouteErrors errors, SlhfConfig config) {
        this.errors = errors;
        this.limit = ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
        this.readTimeoutMillis = Math.max(1, config.limits().bodyReadTimeout().toMillis());
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
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared < 0) {
                refuse(ctx, 400, ApiError.of("Invalid Content-Length header: '" + length + "'", "invalid_request_error",
                        null, null));
                return;
            }
            if (declared > limit) {
                refuse(ctx, 413, tooLarge("declares " + declared + " bytes"));
                return;
            }
        }
        boolean chunked = length == null
                && "chunked".equalsIgnoreCase(request.getHeader(HttpHeaderNames.TRANSFER_ENCODING));
        // HTTP/2 (h2c, which Java's HttpClient asks for by default) is not pre-read: RESTEasy pauses the
        // request when it starts, and an HTTP/2 request refuses a pause once its body has ended (500
        // "Request has already been read"). HTTP/2's own flow control bounds what a stream may hold.
        if ((declared <= 0 && !chunked) || request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD
                || request.isEnded() || request.version() == HttpVersion.HTTP_2) {
            ctx.next();
            return;
        }
        read(ctx, request, declared);
    }

    /** Reads the body up to the limit and the timeout, then lets the request go on with the body in hand. */
    private void read(RoutingContext ctx, HttpServerRequest request, long declared) {
        Buffer body = Buffer.buffer(declared > 0 ? (int) declared : 1024);
        boolean[] over = {false};
        long timer = ctx.vertx().setTimer(readTimeoutMillis, id -> {
            if (!over[0]) {
                over[0] = true;
                refuse(ctx, 408, ApiError.of("The request body did not arrive within " + readTimeoutMillis
                        + " ms (slhf.limits.body-read-timeout)", "invalid_request_error", null, TIMEOUT_CODE));
            }
        });
        request.handler(data -> {
            if (over[0]) {
                return;
            }
            if ((long) body.length() + data.length() > limit) {
                over[0] = true;
                ctx.vertx().cancelTimer(timer);
                refuse(ctx, 413, tooLarge("is longer than that"));
                return;
            }
            body.appendBuffer(data);
        });
        request.exceptionHandler(failure -> {
            ctx.vertx().cancelTimer(timer);
            if (!over[0] && !ctx.response().ended()) {
                over[0] = true;
                ctx.response().setStatusCode(400);
                ctx.response().close();
            }
        });
        request.endHandler(end -> {
            ctx.vertx().cancelTimer(timer);
            if (!over[0]) {
                over[0] = true;
                ctx.put(BODY_KEY, body);
                ctx.next();
            }
        });
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaderNames.EXPECT))) {
            ctx.response().writeContinue();
        }
        request.resume();
    }

    /** Gives RESTEasy Reactive the body read by {@link #read}, so that it does not read it again. */
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

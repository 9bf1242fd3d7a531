package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.slhf.serve.app.upstream.UpstreamFailedException;
import dev.slhf.serve.engine.EngineException;
import dev.slhf.serve.engine.EngineOverloadedException;
import dev.slhf.serve.engine.GenerationCancelledException;
import dev.slhf.serve.engine.GenerationTimedOutException;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.ModelUnavailableException;
import dev.slhf.serve.engine.UnknownModelException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The single place where failures become HTTP statuses, always with an OpenAI-style error body.
 * Client mistakes are 4xx; only the server's own failures are 5xx.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response engine(EngineException e) {
        Response response = build(status(e), describe(e));
        if (e instanceof EngineOverloadedException o) {
            return Response.fromResponse(response).header("Retry-After", o.retryAfterSeconds()).build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response upstream(UpstreamFailedException e) {
        return build(status(e), describe(e));
    }

    /**
     * The error body for a failure that happens after a stream has begun, when no status can be
     * sent any more: the same body a non-streaming request would have got.
     */
    public static ApiError describe(Throwable failure) {
        if (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof UpstreamFailedException u) {
            LOG.warn(u.getMessage());
            return ApiError.of(u.getMessage(), "upstream_error", null,
                    u.kind() == UpstreamFailedException.Kind.TIMEOUT ? "upstream_timeout" : "upstream_" + u.kind().wireName());
        }
        if (failure instanceof EngineException e) {
            String type;
            if (e instanceof InvalidRequestException || e instanceof UnknownModelException) {
                type = "invalid_request_error";
            } else if (e instanceof EngineOverloadedException) {
                type = "server_overloaded";
            } else if (e instanceof ModelUnavailableException) {
                type = "service_unavailable";
            } else if (e instanceof GenerationTimedOutException) {
                type = "timeout";
            } else if (e instanceof GenerationCancelledException) {
                type = "service_unavailable";
            } else {
                LOG.error("generation failed", e);
                type = "server_error";
            }
            return ApiError.of(e.getMessage(), type, e.param(), e.code());
        }
        LOG.error("unexpected failure", failure);
        return ApiError.of("Internal error: " + failure, "server_error", null, null);
    }

    static int status(Throwable failure) {
        if (failure instanceof UpstreamFailedException u) {
            return u.kind() == UpstreamFailedException.Kind.TIMEOUT ? 504 : 502;
        }
        if (failure instanceof InvalidRequestException) {
            return 400;
        }
        if (failure instanceof UnknownModelException) {
            return 404;
        }
        if (failure instanceof EngineOverloadedException) {
            return 429;
        }
        if (failure instanceof ModelUnavailableException) {
            return 503;
        }
        if (failure instanceof GenerationTimedOutException) {
            // the server gave up on its own work: a gateway-style timeout, retryable, not the client's fault
            return 504;
        }
        if (failure instanceof GenerationCancelledException) {
            return 503;
        }
        return 500;
    }

    // Quarkus ships its own mappers for these subtypes; more specific mappers win, so name them.
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response unparsable(JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response mapping(JsonMappingException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String param = null;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            param = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String expected = e instanceof MismatchedInputException m && param != null ? expected(m.getTargetType()) : null;
        if (expected != null) {
            // as OpenAI words it; Jackson's own message names Java classes
            return build(400, ApiError.of("Invalid type for '" + param + "': expected " + expected + ".",
                    "invalid_request_error", param, "invalid_type"));
        }
        String message = param == null
                ? "Request body is not valid JSON: " + e.getOriginalMessage()
                : "Invalid value for '" + param + "': " + e.getOriginalMessage();
        return build(400, ApiError.of(message, "invalid_request_error", param, null));
    }

    /** What a field of this Java type takes, in JSON words; null when the type says nothing useful. */
    private static String expected(Class<?> type) {
        if (type == null || com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(type)) {
            return null;
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        // RESTEasy Reactive's JSON reader wraps some parse failures (bad bytes, numbers out of range)
        for (Throwable cause = e.getCause(); status == 400 && cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException j) {
                return json(j);
            }
        }
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        String message = switch (status) {
            case 404 -> "Not found: no such endpoint";
            case 405 -> "Method not allowed on this endpoint";
            case 415 -> "Content-Type must be application/json";
            case 406 -> "Not acceptable: this endpoint produces application/json or text/event-stream";
            default -> e.getMessage();
        };
        return build(status, ApiError.of(message, type, null, null));
    }

    private static Response build(int status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}

package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.slhf.serve.engine.EngineException;
import dev.slhf.serve.engine.EngineOverloadedException;
import dev.slhf.serve.engine.GenerationCancelledException;
import dev.slhf.serve.engine.GenerationFailedException;
import dev.slhf.serve.engine.InvalidRequestException;
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
        if (e instanceof InvalidRequestException) {
            return error(400, "invalid_request_error", e);
        }
        if (e instanceof UnknownModelException) {
            return error(404, "invalid_request_error", e);
        }
        if (e instanceof EngineOverloadedException o) {
            return Response.fromResponse(error(429, "server_overloaded", e))
                    .header("Retry-After", o.retryAfterSeconds()).build();
        }
        if (e instanceof GenerationCancelledException) {
            return error(503, "service_unavailable", e);
        }
        if (e instanceof GenerationFailedException) {
            LOG.error("generation failed", e);
            return error(500, "server_error", e);
        }
        LOG.error("unexpected engine failure", e);
        return error(500, "server_error", e);
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
        String message = param == null
                ? "Request body is not valid JSON: " + e.getOriginalMessage()
                : "Invalid value for '" + param + "': " + e.getOriginalMessage();
        return build(400, ApiError.of(message, "invalid_request_error", param, null));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        String message = switch (status) {
            case 404 -> "Not found: no such endpoint";
            case 405 -> "Method not allowed on this endpoint";
            case 415 -> "Content-Type must be application/json";
            case 406 -> "Not acceptable: this endpoint produces application/json";
            default -> e.getMessage();
        };
        return build(status, ApiError.of(message, type, null, null));
    }

    private static Response error(int status, String type, EngineException e) {
        return build(status, ApiError.of(e.getMessage(), type, e.param(), e.code()));
    }

    private static Response build(int status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}

package dev.slhf.serve.api;

import dev.slhf.serve.app.ServingState;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The unversioned endpoints vLLM and llama.cpp users script against: {@code /health} (200 with an
 * empty body once serving, as vLLM answers; 503 in the OpenAI error shape while warming up,
 * draining or after an engine died) and {@code /version}. Kubernetes probes keep using
 * {@code /q/health/*}, which carry the details; {@code /metrics} is {@link MetricsAlias}.
 */
@Path("/")
@Tag(name = "server")
public class ServerStatusResource {

    private final ServingState state;
    private final String version;

    public ServerStatusResource(ServingState state,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.state = state;
        this.version = version;
    }

    @GET
    @Path("health")
    @Operation(operationId = "getHealth", summary = "200 when every model is loaded and warmed up and the server is not draining")
    @APIResponse(responseCode = "200", description = "Serving; the body is empty, as vLLM answers")
    @APIResponse(responseCode = "503", description = "Warming up, draining, or an engine has stopped (code not_ready)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response health() {
        String why = !state.enginesAlive() ? "an engine has stopped"
                : state.draining() ? "the server is shutting down"
                : !state.warmedUp() ? "models are still warming up"
                : null;
        if (why == null) {
            return Response.ok().build();
        }
        return Response.status(503).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.of("Not ready: " + why, "service_unavailable", null, "not_ready")).build();
    }

    @GET
    @Path("version")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getVersion", summary = "The server's version, from the build")
    public Map<String, String> version() {
        return Map.of("version", version);
    }
}

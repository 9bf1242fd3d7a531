package dev.slhf.serve.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The generation endpoints decide per request (the body's {@code stream} flag) whether they answer
 * JSON or {@code text/event-stream}, so JAX-RS negotiation can only see their declared JSON type.
 * A client that sends {@code Accept: text/event-stream} alone (as SSE libraries do) would get a 406;
 * this filter lets JSON through as well, so the body decides.
 */
public class EventStreamAccept {

    @ServerRequestFilter(preMatching = true)
    public void acceptJsonAlongsideEventStream(ContainerRequestContext request) {
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("text/event-stream") && !accept.contains("json")
                && !accept.contains("*/*") && request.getUriInfo().getPath().startsWith("/v1/")) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, accept + ", application/json");
        }
    }
}

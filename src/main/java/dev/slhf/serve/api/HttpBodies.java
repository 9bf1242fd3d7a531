package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * Response bodies for endpoints whose {@code stream} field picks JSON or Server-Sent Events at run
 * time. JAX-RS fixes the media type per method, so both shapes go out as pre-serialized text
 * ({@link TextChunk}) through one {@link RestMulti} whose Content-Type is set per response. Failures before the first
 * byte still reach the {@link ErrorMapper} with their proper status.
 */
@ApplicationScoped
public class HttpBodies {

    public static final String DONE = "data: [DONE]\n\n";

    private final ObjectMapper json;

    public HttpBodies(ObjectMapper json) {
        this.json = json;
    }

    /** One JSON document, sent when {@code body} resolves. */
    public RestMulti<TextChunk> json(Uni<?> body) {
        return RestMulti.fromMultiData(Multi.createFrom().uni(body.map(b -> new TextChunk(write(b)))))
                .encodeAsJsonArray(false)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .build();
    }

    /** A Server-Sent Events stream of already formatted frames ({@link #event}, {@link #data}). */
    public RestMulti<TextChunk> sse(Multi<String> frames) {
        return RestMulti.fromMultiData(frames.map(TextChunk::new))
                .encodeAsJsonArray(false)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.SERVER_SENT_EVENTS)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    /** A named event: {@code event: <name>\ndata: <json>\n\n}. */
    public String event(String name, Object data) {
        return "event: " + name + "\ndata: " + write(data) + "\n\n";
    }

    /** An unnamed event as OpenAI streams use: {@code data: <json>\n\n}. */
    public String data(Object data) {
        return "data: " + write(data) + "\n\n";
    }

    public String write(Object value) {
        try {
            // JSON text never contains a raw newline, so one data: line always holds the whole object
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}

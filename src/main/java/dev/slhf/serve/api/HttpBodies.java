package dev.slhf.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import dev.slhf.serve.engine.SamplingParams;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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

    /**
     * RESTEasy's streaming writer ends every item with one newline of its own, so a frame ends with
     * one newline here and goes out ending with exactly one blank line, as SSE defines an event.
     */
    public static final String DONE = "data: [DONE]\n";

    /** Characters per write of a large JSON body: the socket takes it piece by piece, as the client reads. */
    static final int PIECE = 16 * 1024;

    private final ObjectMapper json;
    private final WriteBudget budget;
    private final CurrentVertxRequest request;

    public HttpBodies(ObjectMapper json, WriteBudget budget, CurrentVertxRequest request) {
        this.json = json;
        this.budget = budget;
        this.request = request;
    }

    /**
     * One JSON document, sent when {@code body} resolves: serialized on a worker thread (the result
     * completes on an engine thread), taken from the {@link WriteBudget} as a whole (a 429 if it does
     * not fit, nothing being sent yet), then written in pieces as the client reads.
     */
    public RestMulti<TextChunk> json(Uni<?> body) {
        ConnectionWrites writes = budget.of(request.getCurrent());
        Multi<String> text = Multi.createFrom().uni(body.emitOn(Infrastructure.getDefaultWorkerPool()).map(this::write))
                .onItem().transformToMultiAndConcatenate(t -> writes.pieces(t, PIECE));
        return RestMulti.fromMultiData(text.map(TextChunk::new))
                .encodeAsJsonArray(false)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .build();
    }

    /**
     * Reserves the memory the response of {@code n} generations can need, before they start.
     *
     * @throws dev.slhf.serve.engine.EngineOverloadedException it does not fit now: a 429 with nothing started
     */
    public void expect(int n, SamplingParams params, int promptTokens, int contextLength) {
        // never more than the context leaves: beyond it the engine refuses the request with a 400 anyway
        long room = Math.max(0, contextLength - promptTokens);
        long tokens = params.maxTokens() != null ? Math.min(params.maxTokens(), room) : room;
        budget.of(request.getCurrent()).expect(WriteBudget.responseSize(n, tokens, params.topLogprobs()));
    }

    /** A Server-Sent Events stream of already formatted frames ({@link #event}, {@link #data}). */
    public RestMulti<TextChunk> sse(Multi<String> frames) {
        ConnectionWrites writes = budget.of(request.getCurrent());
        return RestMulti.fromMultiData(writes.bound(frames).map(TextChunk::new))
                .encodeAsJsonArray(false)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.SERVER_SENT_EVENTS)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }

    /** A named event: {@code event: <name>\ndata: <json>\n} (the writer adds the blank line's newline). */
    public String event(String name, Object data) {
        return "event: " + name + "\ndata: " + write(data) + "\n";
    }

    /** An unnamed event as OpenAI streams use: {@code data: <json>\n} (the writer adds the blank line's newline). */
    public String data(Object data) {
        return "data: " + write(data) + "\n";
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

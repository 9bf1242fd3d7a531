package dev.slhf.serve.api.responses;

import dev.slhf.serve.api.ErrorMapper;
import dev.slhf.serve.api.HttpBodies;
import dev.slhf.serve.api.refine.RefineResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Responses API's streaming events for one text message, each {@code event: <type>} with its
 * {@code type} and a {@code sequence_number} counting from 0:
 * {@code response.created}, {@code response.in_progress}, {@code response.output_item.added},
 * {@code response.content_part.added}, {@code response.output_text.delta}…,
 * {@code response.output_text.done}, {@code response.content_part.done},
 * {@code response.output_item.done}, then {@code response.completed} (or
 * {@code response.incomplete} when the token limit ended it). A failure after the first event is
 * an {@code error} event carrying the OpenAI error fields. No {@code [DONE]}: the Responses API
 * ends with the connection. Methods are synchronized because deltas come from the engine thread.
 */
final class ResponseEvents {

    private final ResponseBuilder response;
    private final HttpBodies bodies;
    private final StringBuilder text = new StringBuilder();
    private int sequence;

    ResponseEvents(ResponseBuilder response, HttpBodies bodies) {
        this.response = response;
        this.bodies = bodies;
    }

    synchronized String start() {
        Map<String, Object> part = Map.of("type", "output_text", "text", "", "annotations", List.of(), "logprobs",
                List.of());
        return frame(event("response.created", Map.of("response", response.inProgress()))
                + event("response.in_progress", Map.of("response", response.inProgress()))
                + event("response.output_item.added", Map.of("output_index", 0,
                        "item", response.message("in_progress", null)))
                + event("response.content_part.added", Map.of("item_id", response.messageId, "output_index", 0,
                        "content_index", 0, "part", part)));
    }

    synchronized String delta(String piece) {
        text.append(piece);
        return frame(event("response.output_text.delta", Map.of("item_id", response.messageId, "output_index", 0,
                "content_index", 0, "delta", piece, "logprobs", List.of())));
    }

    /** The closing events; {@code finalText} is the streamed text (the pipeline's final round). */
    synchronized String finish(String finalText, String finishReason, int inputTokens, int outputTokens,
            List<RefineResponse.RoundDto> rounds) {
        ResponseObject done = response.finished(finalText, finishReason, inputTokens, outputTokens, rounds);
        ResponseObject.OutputMessage item = done.output().get(0);
        return frame(event("response.output_text.done", Map.of("item_id", response.messageId, "output_index", 0,
                        "content_index", 0, "text", finalText, "logprobs", List.of()))
                + event("response.content_part.done", Map.of("item_id", response.messageId, "output_index", 0,
                        "content_index", 0, "part", item.content().get(0)))
                + event("response.output_item.done", Map.of("output_index", 0, "item", item))
                + event(done.status().equals("incomplete") ? "response.incomplete" : "response.completed",
                        Map.of("response", done)));
    }

    synchronized String text() {
        return text.toString();
    }

    synchronized String error(Throwable failure) {
        var e = ErrorMapper.describe(failure).error();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", "error");
        data.put("sequence_number", sequence++);
        data.put("code", e.code() != null ? e.code() : e.type());
        data.put("message", e.message());
        data.put("param", e.param());
        return frame("event: error\ndata: " + bodies.write(data) + "\n\n");
    }

    private String event(String type, Map<String, Object> fields) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("sequence_number", sequence++);
        data.putAll(fields);
        return "event: " + type + "\ndata: " + bodies.write(data) + "\n\n";
    }

    /** Events of one frame; the SSE writer adds the last newline of the final blank line itself. */
    private static String frame(String events) {
        return events.substring(0, events.length() - 1);
    }
}

package dev.slhf.serve.api.refine;

import dev.slhf.serve.api.HttpBodies;
import dev.slhf.serve.api.StreamBridge;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.Role;
import dev.slhf.serve.refine.Round;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The Server-Sent Events of a streamed refinement, in order per round: {@code round.start},
 * {@code delta}s (whose texts concatenate to the round's text), {@code round.end}; then
 * {@code done} with the full response, or {@code error}.
 */
final class RefineEvents implements RefinementListener {

    @Schema(name = "RefinementRoundStart", description = "data of event: round.start")
    record RoundStart(int round, @Schema(enumeration = {"leader", "draft", "follower"}) String role, String model) {}

    @Schema(name = "RefinementDelta", description = "data of event: delta; a round's deltas concatenate to its text")
    record Delta(int round, String text) {}

    private final StreamBridge.Sink<String> sink;
    private final HttpBodies bodies;

    RefineEvents(StreamBridge.Sink<String> sink, HttpBodies bodies) {
        this.sink = sink;
        this.bodies = bodies;
    }

    @Override
    public void roundStarted(int round, Role role, String model) {
        sink.emit(bodies.event("round.start", new RoundStart(round, role.wireName(), model)));
    }

    @Override
    public void delta(int round, String text) {
        if (!text.isEmpty()) {
            sink.emit(bodies.event("delta", new Delta(round, text)));
        }
    }

    @Override
    public void roundFinished(Round round) {
        sink.emit(bodies.event("round.end", RefineResponse.RoundDto.of(round)));
    }
}

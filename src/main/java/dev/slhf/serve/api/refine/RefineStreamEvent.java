package dev.slhf.serve.api.refine;

import dev.slhf.serve.api.ApiError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Documentation only: the data of each Server-Sent Event of a streamed refinement, named after the
 * event that carries it (the Java types are those RefineEvents and RefineStreams serialise).
 */
@Schema(name = "RefinementStreamEvent", description = "The data: line of each event of a streamed refinement."
        + " event: round.start -> RefinementRoundStart; event: delta -> RefinementDelta; event: round.end ->"
        + " RefinementRound; event: done -> Refinement (last event); event: error -> ErrorResponse (instead of done,"
        + " when a round fails after the stream began). anyOf, not oneOf: the event name, not the data, tells"
        + " them apart", anyOf = {RefineEvents.RoundStart.class,
                RefineEvents.Delta.class, RefineResponse.RoundDto.class, RefineResponse.class, ApiError.class})
public final class RefineStreamEvent {

    private RefineStreamEvent() {}
}

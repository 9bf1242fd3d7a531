package dev.slhf.serve.api;

import dev.slhf.serve.api.refine.RefineRequestBody;
import dev.slhf.serve.api.refine.RefineResponse;
import dev.slhf.serve.api.refine.RefineStreamEvent;
import dev.slhf.serve.api.refine.RefineStreams;
import dev.slhf.serve.app.Pipelines;
import dev.slhf.serve.app.ServingMeters;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.RefinementPipeline;
import dev.slhf.serve.refine.RefinementRequest;
import dev.slhf.serve.refine.RefinementRun;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/** {@code POST /v1/refine}: leader draft (or the caller's), then follower rounds; every round returned. */
@Path("/v1/refine")
@Tag(name = "refine")
public class RefineResource {

    private final Pipelines pipelines;
    private final ServingMeters meters;
    private final HttpBodies bodies;
    private final RequestLimits limits;

    public RefineResource(Pipelines pipelines, ServingMeters meters, HttpBodies bodies, RequestLimits limits) {
        this.limits = limits;
        this.pipelines = pipelines;
        this.meters = meters;
        this.bodies = bodies;
    }

    @POST
    @Blocking // templating and tokenizing a prompt of up to max-body-size takes seconds: not on the event loop
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createRefinement", summary = "Refine: round 0 by the leader (or a draft), then N follower rounds; all rounds returned")
    @APIResponse(responseCode = "200", description = "The refinement, or with stream:true a text/event-stream of"
            + " round.start, delta, round.end, done (or error) events", content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RefineResponse.class)),
                @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                        schema = @Schema(implementation = RefineStreamEvent.class)) })
    public RestMulti<TextChunk> refine(RefineRequestBody body) {
        if (body == null) {
            throw new InvalidRequestException(null, "request body is required");
        }
        var config = pipelines.models().config().refine();
        RefinementRequest request = body.toRequest(config.rounds(), config.maxRounds(),
                pipelines.models().followerPrompt());
        request = request.withSampling(limits.withDeadline(request.sampling()));
        RefinementPipeline pipeline = pipelines.pipeline(body.leader(), body.follower());
        String id = Ids.next("refine-");
        long created = Ids.nowSeconds();
        if (body.streaming()) {
            return bodies.sse(RefineStreams.events(pipeline, request, id, created, meters, bodies));
        }
        RefinementRun run = pipeline.start(request, meters.recording(RefinementListener.NONE));
        return bodies.json(Uni.createFrom().completionStage(run.result())
                .onCancellation().invoke(run::cancel)
                .map(r -> RefineResponse.of(id, created, r)));
    }
}

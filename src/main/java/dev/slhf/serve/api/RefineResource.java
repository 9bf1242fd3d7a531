package dev.slhf.serve.api;

import dev.slhf.serve.api.refine.RefineRequestBody;
import dev.slhf.serve.api.refine.RefineResponse;
import dev.slhf.serve.app.ServingModels;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.RefinementRequest;
import dev.slhf.serve.refine.RefinementRun;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /v1/refine}: leader draft (or the caller's), then follower rounds; every round returned. */
@Path("/v1/refine")
public class RefineResource {

    private final ServingModels models;

    public RefineResource(ServingModels models) {
        this.models = models;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RefineResponse> refine(RefineRequestBody body) {
        if (body == null) {
            throw new InvalidRequestException(null, "request body is required");
        }
        var refine = models.config().refine();
        RefinementRequest request = body.toRequest(refine.rounds(), refine.maxRounds(), models.followerPrompt());
        RefinementRun run = models.pipeline().start(request, RefinementListener.NONE);
        String id = Ids.next("refine-");
        long created = Ids.nowSeconds();
        return Uni.createFrom().completionStage(run.result())
                .onCancellation().invoke(run::cancel)
                .map(r -> RefineResponse.of(id, created, r));
    }
}

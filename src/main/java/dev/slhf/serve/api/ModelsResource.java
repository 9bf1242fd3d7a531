package dev.slhf.serve.api;

import dev.slhf.serve.api.openai.ModelList;
import dev.slhf.serve.app.Pipelines;
import java.util.ArrayList;
import java.util.List;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/models}: the loaded models, then the refinement pipeline id. */
@Path("/v1/models")
public class ModelsResource {

    private final Pipelines pipelines;
    private final long startedAt = Ids.nowSeconds();

    public ModelsResource(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ModelList list() {
        List<ModelList.ModelCard> cards = new ArrayList<>();
        pipelines.models().registry().all().forEach(m -> cards.add(new ModelList.ModelCard(m.name(), "model", startedAt,
                "slhf-serve", m.manifest().contextLength())));
        // the pipeline's rounds each fit the follower's context
        Integer followerContext = pipelines.models().registry().contains(pipelines.models().config().follower())
                ? pipelines.models().registry().get(pipelines.models().config().follower(), "follower").manifest()
                        .contextLength()
                : null;
        cards.add(new ModelList.ModelCard(pipelines.id(), "model", startedAt, "slhf-serve", followerContext));
        return new ModelList("list", cards);
    }
}

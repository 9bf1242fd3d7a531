package dev.slhf.serve.api;

import dev.slhf.serve.api.openai.ModelList;
import dev.slhf.serve.app.Pipelines;
import dev.slhf.serve.engine.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/models}: the loaded models, then the upstream leaders ({@code owned_by: "upstream"}, no
 * context length: they can lead a refinement, so a client such as the playground must be able to offer
 * them), then the refinement pipeline id; {@code /v1/models/{id}}: one loaded model or the pipeline id.
 */
@Path("/v1/models")
@Tag(name = "models")
public class ModelsResource {

    private final Pipelines pipelines;
    private final long startedAt = Ids.nowSeconds();

    public ModelsResource(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listModels", summary = "The loaded models, the upstream leaders, then the pipeline id")
    public ModelList list() {
        List<ModelList.ModelCard> cards = new ArrayList<>();
        pipelines.models().registry().all().forEach(m -> cards.add(card(m)));
        pipelines.upstreamNames().forEach(n -> cards.add(new ModelList.ModelCard(n, "model", startedAt, "upstream", null)));
        cards.add(pipelineCard());
        return new ModelList("list", cards);
    }

    /**
     * One model object, as the OpenAI SDKs' {@code models.retrieve} reads it. The id may hold
     * slashes ({@code Qwen/Qwen2.5-0.5B-Instruct}), as in vLLM; an unknown id is a 404
     * {@code model_not_found}.
     */
    @GET
    @Path("{id: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "retrieveModel", summary = "One loaded model or the pipeline id; 404 model_not_found")
    public ModelList.ModelCard retrieve(@PathParam("id") String id) {
        if (id.equals(pipelines.id())) {
            return pipelineCard();
        }
        // unknown: 404 model_not_found; configured but failed to load: 503, as on the generation endpoints
        return card(pipelines.models().registry().get(id, "model"));
    }

    private ModelList.ModelCard card(LoadedModel m) {
        return new ModelList.ModelCard(m.name(), "model", startedAt, "slhf-serve", m.manifest().contextLength());
    }

    private ModelList.ModelCard pipelineCard() {
        // the pipeline's rounds each fit the follower's context
        Integer followerContext = pipelines.models().registry().contains(pipelines.models().config().follower())
                ? pipelines.models().registry().get(pipelines.models().config().follower(), "follower").manifest()
                        .contextLength()
                : null;
        return new ModelList.ModelCard(pipelines.id(), "model", startedAt, "slhf-serve", followerContext);
    }
}

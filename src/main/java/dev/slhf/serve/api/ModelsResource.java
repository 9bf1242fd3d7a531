package dev.slhf.serve.api;

import dev.slhf.serve.api.openai.ModelList;
import dev.slhf.serve.app.ServingModels;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/models}: the loaded models. */
@Path("/v1/models")
public class ModelsResource {

    private final ServingModels models;
    private final long startedAt = Ids.nowSeconds();

    public ModelsResource(ServingModels models) {
        this.models = models;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ModelList list() {
        return new ModelList("list", models.registry().all().stream()
                .map(m -> new ModelList.ModelCard(m.name(), "model", startedAt, "slhf-serve",
                        m.manifest().contextLength()))
                .toList());
    }
}

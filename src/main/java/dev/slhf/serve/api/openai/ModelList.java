package dev.slhf.serve.api.openai;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /v1/models}: OpenAI list shape, with the context length as vLLM adds it. */
@Schema(name = "ModelList")
public record ModelList(@Schema(enumeration = "list") String object, List<ModelCard> data) {

    @Schema(name = "Model")
    public record ModelCard(String id, @Schema(enumeration = "model") String object, long created, String ownedBy,
            @Schema(description = "Context length in tokens (vLLM's field)") Integer maxModelLen) {}
}

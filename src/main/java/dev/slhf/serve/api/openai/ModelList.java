package dev.slhf.serve.api.openai;

import java.util.List;

/** {@code GET /v1/models}: OpenAI list shape, with the context length as vLLM adds it. */
public record ModelList(String object, List<ModelCard> data) {

    public record ModelCard(String id, String object, long created, String ownedBy, Integer maxModelLen) {}
}

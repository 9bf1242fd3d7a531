package dev.slhf.serve.api;

import dev.slhf.serve.api.openai.ChatCompletionRequest;
import dev.slhf.serve.api.openai.ChatCompletionResponse;
import dev.slhf.serve.api.openai.Usage;
import dev.slhf.serve.app.ServingModels;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** OpenAI-compatible chat completions on a single loaded model. */
@Path("/v1/chat/completions")
public class ChatCompletionsResource {

    private final ServingModels models;

    public ChatCompletionsResource(ServingModels models) {
        this.models = models;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ChatCompletionResponse> create(ChatCompletionRequest request) {
        if (request == null) {
            throw new InvalidRequestException(null, "request body is required");
        }
        if (request.model() == null) {
            throw new InvalidRequestException("model", "'model' is required");
        }
        if (Boolean.TRUE.equals(request.stream())) {
            throw new InvalidRequestException("stream", "streaming is not supported yet on this endpoint");
        }
        if (request.n() != null && request.n() != 1) {
            throw new InvalidRequestException("n", "only n=1 is supported");
        }
        LoadedModel model = models.registry().get(request.model(), "model");
        SamplingParams params = request.samplingParams();
        int[] prompt = model.encodeChat(RequestFields.messages(request.messages(), "messages"));
        GenerationHandle handle = model.generate(prompt, params, event -> {});
        String id = Ids.next("chatcmpl-");
        long created = Ids.nowSeconds();
        return Uni.createFrom().completionStage(handle.result())
                .onCancellation().invoke(handle::cancel)
                .map(r -> new ChatCompletionResponse(id, "chat.completion", created, model.name(),
                        List.of(new ChatCompletionResponse.Choice(0,
                                new ChatCompletionResponse.AssistantMessage("assistant", r.text()), null,
                                r.finishReason().wireName())),
                        Usage.of(r.promptTokens(), r.completionTokens())));
    }
}

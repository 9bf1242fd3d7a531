package dev.slhf.serve.api;

import dev.slhf.serve.api.openai.ChatCompletionChunk;
import dev.slhf.serve.api.openai.ChatCompletionRequest;
import dev.slhf.serve.api.openai.ChatCompletionResponse;
import dev.slhf.serve.api.openai.ChatCompletionStreamEvent;
import dev.slhf.serve.api.openai.ChatLogprobs;
import dev.slhf.serve.api.openai.Choices;
import dev.slhf.serve.api.openai.PipelineChoice;
import dev.slhf.serve.api.openai.StreamOptions;
import dev.slhf.serve.api.openai.Usage;
import dev.slhf.serve.api.refine.RefineResponse;
import dev.slhf.serve.app.Pipelines;
import dev.slhf.serve.app.ServingMeters;
import dev.slhf.serve.engine.GenerationEvent;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.refine.Refinement;
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.RefinementPipeline;
import dev.slhf.serve.refine.RefinementRequest;
import dev.slhf.serve.refine.RefinementRun;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * OpenAI-compatible chat completions: on a loaded model, plain generation with {@code n} choices;
 * on the pipeline id, a refinement whose last round is the message.
 */
@Path("/v1/chat/completions")
@Tag(name = "chat")
public class ChatCompletionsResource {

    private static final String OBJECT = "chat.completion";
    private static final String CHUNK = "chat.completion.chunk";

    private final Pipelines pipelines;
    private final ServingMeters meters;
    private final HttpBodies bodies;
    private final RequestLimits limits;

    public ChatCompletionsResource(Pipelines pipelines, ServingMeters meters, HttpBodies bodies, RequestLimits limits) {
        this.limits = limits;
        this.pipelines = pipelines;
        this.meters = meters;
        this.bodies = bodies;
    }

    @POST
    @Blocking // templating and tokenizing a prompt of up to max-body-size takes seconds: not on the event loop
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createChatCompletion", summary = "OpenAI chat completion on a model, or a refinement on the pipeline id")
    @APIResponse(responseCode = "200", description = "chat.completion, or with stream:true a text/event-stream of"
            + " chat.completion.chunk objects ending with data: [DONE]", content = {
                @Content(mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = ChatCompletionResponse.class)),
                @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                        schema = @Schema(implementation = ChatCompletionStreamEvent.class)) })
    public RestMulti<TextChunk> create(ChatCompletionRequest request) {
        if (request == null) {
            throw new InvalidRequestException(null, "request body is required");
        }
        if (request.model() == null) {
            throw new InvalidRequestException("model", "'model' is required");
        }
        SamplingParams params = limits.withDeadline(request.samplingParams());
        List<ChatMessage> conversation = RequestFields.messages(request.messages(), "messages");
        String id = Ids.next("chatcmpl-");
        long created = Ids.nowSeconds();
        if (request.model().equals(pipelines.id())) {
            RefinementRequest refinement = PipelineChoice.request(pipelines, conversation, params, request.n(),
                    request.refinementRounds());
            RefinementPipeline pipeline = pipelines.pipeline(null, null);
            return request.streaming()
                    ? bodies.sse(pipelineStream(pipeline, refinement, id, created, request.streamOptions()))
                    : bodies.json(pipelineResponse(pipeline, refinement, id, created));
        }
        LoadedModel model = pipelines.models().registry().get(request.model(), "model");
        int n = limits.n(request.n());
        int[] prompt = model.encodeChat(conversation);
        bodies.expect(n, params, prompt.length, model.engine().contextLength());
        if (request.streaming()) {
            return bodies.sse(Choices.stream(model, prompt, params, n, meters, bodies,
                    new ChunkFormat(id, created, model.name(), params.wantsLogprobs(),
                            StreamOptions.includeUsage(request.streamOptions()))));
        }
        return bodies.json(Choices.all(model, prompt, params, n, meters).map(results -> {
            List<ChatCompletionResponse.Choice> choices = new ArrayList<>();
            int completion = 0;
            for (int i = 0; i < results.size(); i++) {
                GenerationResult r = results.get(i);
                completion += r.completionTokens();
                choices.add(new ChatCompletionResponse.Choice(i, new ChatCompletionResponse.AssistantMessage("assistant",
                        r.text()), ChatLogprobs.of(r.logprobs(), params.wantsLogprobs()), r.finishReason().wireName()));
            }
            return new ChatCompletionResponse(id, OBJECT, created, model.name(), choices,
                    Usage.of(prompt.length, completion));
        }));
    }

    private Uni<ChatCompletionResponse> pipelineResponse(RefinementPipeline pipeline, RefinementRequest request,
            String id, long created) {
        RefinementRun run = pipeline.start(request, meters.recording(RefinementListener.NONE));
        return Uni.createFrom().completionStage(run.result())
                .onCancellation().invoke(run::cancel)
                .map(r -> new ChatCompletionResponse(id, OBJECT, created, pipelines.id(),
                        List.of(new ChatCompletionResponse.Choice(0, new ChatCompletionResponse.AssistantMessage(
                                "assistant", r.last().text()), null, r.last().finishReason())),
                        Usage.of(r.promptTokens(), r.completionTokens()), rounds(r)));
    }

    /** Streams the last round as it is generated; earlier rounds run silently before it. */
    private Multi<String> pipelineStream(RefinementPipeline pipeline, RefinementRequest request, String id,
            long created, StreamOptions options) {
        int last = request.rounds();
        return StreamBridge.multi(sink -> {
            sink.emit(chunk(id, created, pipelines.id(), 0, new ChatCompletionChunk.Delta("assistant", ""), null, null));
            RefinementRun run = pipeline.start(request, meters.recording(new RefinementListener() {
                @Override
                public void delta(int round, String text) {
                    if (round == last && !text.isEmpty()) {
                        sink.emit(chunk(id, created, pipelines.id(), 0, new ChatCompletionChunk.Delta(null, text), null,
                                null));
                    }
                }
            }));
            run.result().whenComplete((r, error) -> {
                if (error != null) {
                    sink.emit(bodies.data(ErrorMapper.describe(error)));
                } else {
                    sink.emit(bodies.data(new ChatCompletionChunk(id, CHUNK, created, pipelines.id(),
                            List.of(new ChatCompletionChunk.Choice(0, new ChatCompletionChunk.Delta(null, null), null,
                                    r.last().finishReason())), null, rounds(r))));
                    if (StreamOptions.includeUsage(options)) {
                        sink.emit(bodies.data(new ChatCompletionChunk(id, CHUNK, created, pipelines.id(), List.of(),
                                Usage.of(r.promptTokens(), r.completionTokens()), null)));
                    }
                }
                sink.emit(HttpBodies.DONE);
                sink.complete();
            });
            return run::cancel;
        });
    }

    private static List<RefineResponse.RoundDto> rounds(Refinement r) {
        return r.rounds().stream().map(RefineResponse.RoundDto::of).toList();
    }

    private String chunk(String id, long created, String model, int index, ChatCompletionChunk.Delta delta,
            ChatLogprobs logprobs, String finishReason) {
        return bodies.data(new ChatCompletionChunk(id, CHUNK, created, model,
                List.of(new ChatCompletionChunk.Choice(index, delta, logprobs, finishReason)), null, null));
    }

    /** chat.completion.chunk frames of a plain generation. */
    private final class ChunkFormat implements Choices.StreamFormat {
        private final String id;
        private final long created;
        private final String model;
        private final boolean logprobs;
        private final boolean includeUsage;

        ChunkFormat(String id, long created, String model, boolean logprobs, boolean includeUsage) {
            this.id = id;
            this.created = created;
            this.model = model;
            this.logprobs = logprobs;
            this.includeUsage = includeUsage;
        }

        @Override
        public String start(int choice) {
            return chunk(id, created, model, choice, new ChatCompletionChunk.Delta("assistant", ""), null, null);
        }

        @Override
        public String delta(int choice, GenerationEvent.Delta d) {
            if (d.text().isEmpty() && (!logprobs || d.logprobs().isEmpty())) {
                return null;
            }
            return chunk(id, created, model, choice, new ChatCompletionChunk.Delta(null, d.text()),
                    ChatLogprobs.of(d.logprobs(), logprobs), null);
        }

        @Override
        public String finish(int choice, GenerationResult result) {
            return chunk(id, created, model, choice, new ChatCompletionChunk.Delta(null, null), null,
                    result.finishReason().wireName());
        }

        @Override
        public String usage(Usage usage) {
            return includeUsage ? bodies.data(new ChatCompletionChunk(id, CHUNK, created, model, List.of(), usage, null))
                    : null;
        }
    }
}

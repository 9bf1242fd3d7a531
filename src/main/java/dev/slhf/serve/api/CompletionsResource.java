package dev.slhf.serve.api;

import dev.slhf.serve.api.openai.Choices;
import dev.slhf.serve.api.openai.CompletionRequest;
import dev.slhf.serve.api.openai.CompletionResponse;
import dev.slhf.serve.api.openai.PipelineChoice;
import dev.slhf.serve.api.openai.StreamOptions;
import dev.slhf.serve.api.openai.TextCompletionStreamEvent;
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
import dev.slhf.serve.refine.RefinementListener;
import dev.slhf.serve.refine.RefinementRequest;
import dev.slhf.serve.refine.RefinementRun;
import io.smallrye.common.annotation.Blocking;
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

/** OpenAI's text completions: the raw prompt continued, no chat template. */
@Path("/v1/completions")
@Tag(name = "completions")
public class CompletionsResource {

    private static final String OBJECT = "text_completion";

    private final Pipelines pipelines;
    private final ServingMeters meters;
    private final HttpBodies bodies;
    private final RequestLimits limits;

    public CompletionsResource(Pipelines pipelines, ServingMeters meters, HttpBodies bodies, RequestLimits limits) {
        this.limits = limits;
        this.pipelines = pipelines;
        this.meters = meters;
        this.bodies = bodies;
    }

    @POST
    @Blocking // templating and tokenizing a prompt of up to max-body-size takes seconds: not on the event loop
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createCompletion", summary = "OpenAI text completion on a model, or a refinement on the pipeline id")
    @APIResponse(responseCode = "200", description = "text_completion, or with stream:true a text/event-stream of"
            + " text_completion chunks ending with data: [DONE]", content = {
                @Content(mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = CompletionResponse.class)),
                @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                        schema = @Schema(implementation = TextCompletionStreamEvent.class)) })
    public RestMulti<TextChunk> create(CompletionRequest request) {
        if (request == null) {
            throw new InvalidRequestException(null, "request body is required");
        }
        if (request.model() == null) {
            throw new InvalidRequestException("model", "'model' is required");
        }
        String text = request.promptText();
        SamplingParams params = limits.withDeadline(request.samplingParams());
        // echo: OpenAI's and vLLM's choice text starts with the prompt, streamed as each choice's first chunk
        String echo = request.echoing() ? text : "";
        String id = Ids.next("cmpl-");
        long created = Ids.nowSeconds();
        if (request.model().equals(pipelines.id())) {
            if (request.streaming()) {
                throw new InvalidRequestException("stream",
                        "stream is available for the pipeline on /v1/chat/completions and /v1/refine");
            }
            RefinementRequest refinement = PipelineChoice.request(pipelines,
                    List.of(new ChatMessage("user", text)), params, request.n(), request.refinementRounds());
            RefinementRun run = pipelines.pipeline(null, null).start(refinement, meters.recording(RefinementListener.NONE));
            return bodies.json(Uni.createFrom().completionStage(run.result()).onCancellation().invoke(run::cancel)
                    .map(r -> new CompletionResponse(id, OBJECT, created, pipelines.id(),
                            List.of(new CompletionResponse.Choice(echo + r.last().text(), 0, null,
                                    r.last().finishReason())),
                            Usage.of(r.promptTokens(), r.completionTokens()),
                            r.rounds().stream().map(RefineResponse.RoundDto::of).toList())));
        }
        LoadedModel model = pipelines.models().registry().get(request.model(), "model");
        int n = limits.n(request.n());
        int[] prompt = model.encode(text);
        bodies.expect(n, params, prompt.length, model.engine().contextLength());
        boolean logprobs = params.wantsLogprobs();
        if (request.streaming()) {
            boolean includeUsage = StreamOptions.includeUsage(request.streamOptions());
            int[] offsets = new int[n];
            return bodies.sse(Choices.stream(model, prompt, params, n, meters, bodies, new Choices.StreamFormat() {
                @Override
                public String start(int choice) {
                    return echo.isEmpty() ? null
                            : chunk(id, created, model.name(), new CompletionResponse.Choice(echo, choice, null, null));
                }

                @Override
                public String delta(int choice, GenerationEvent.Delta d) {
                    if (d.text().isEmpty() && (!logprobs || d.logprobs().isEmpty())) {
                        return null;
                    }
                    var lp = CompletionResponse.Logprobs.of(d.logprobs(), offsets[choice], logprobs);
                    offsets[choice] += d.text().length();
                    return chunk(id, created, model.name(), new CompletionResponse.Choice(d.text(), choice, lp, null));
                }

                @Override
                public String finish(int choice, GenerationResult r) {
                    return chunk(id, created, model.name(),
                            new CompletionResponse.Choice("", choice, null, r.finishReason().wireName()));
                }

                @Override
                public String usage(Usage usage) {
                    return includeUsage ? bodies.data(new CompletionResponse(id, OBJECT, created, model.name(), List.of(),
                            usage, null)) : null;
                }
            }));
        }
        return bodies.json(Choices.all(model, prompt, params, n, meters).map(results -> {
            List<CompletionResponse.Choice> choices = new ArrayList<>();
            int completion = 0;
            for (int i = 0; i < results.size(); i++) {
                GenerationResult r = results.get(i);
                completion += r.completionTokens();
                choices.add(new CompletionResponse.Choice(echo + r.text(), i,
                        CompletionResponse.Logprobs.of(r.logprobs(), 0, logprobs), r.finishReason().wireName()));
            }
            return new CompletionResponse(id, OBJECT, created, model.name(), choices, Usage.of(prompt.length, completion),
                    null);
        }));
    }

    private String chunk(String id, long created, String model, CompletionResponse.Choice choice) {
        return bodies.data(new CompletionResponse(id, OBJECT, created, model, List.of(choice), null, null));
    }
}

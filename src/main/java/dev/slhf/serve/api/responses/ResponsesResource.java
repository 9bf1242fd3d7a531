package dev.slhf.serve.api.responses;

import dev.slhf.serve.api.HttpBodies;
import dev.slhf.serve.api.RequestLimits;
import dev.slhf.serve.api.StreamBridge;
import dev.slhf.serve.api.TextChunk;
import dev.slhf.serve.api.openai.Choices;
import dev.slhf.serve.api.openai.PipelineChoice;
import dev.slhf.serve.api.refine.RefineResponse;
import dev.slhf.serve.app.Pipelines;
import dev.slhf.serve.app.ServingMeters;
import dev.slhf.serve.engine.GenerationEvent;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.refine.Refinement;
import dev.slhf.serve.refine.RefinementListener;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * OpenAI's Responses API, text only: one generation on a loaded model, or a refinement on the
 * pipeline id whose final round is the output (every round under {@code refinement}).
 */
@Path("/v1/responses")
@Tag(name = "responses")
public class ResponsesResource {

    private final Pipelines pipelines;
    private final ServingMeters meters;
    private final HttpBodies bodies;
    private final RequestLimits limits;

    public ResponsesResource(Pipelines pipelines, ServingMeters meters, HttpBodies bodies, RequestLimits limits) {
        this.pipelines = pipelines;
        this.meters = meters;
        this.bodies = bodies;
        this.limits = limits;
    }

    @POST
    @Blocking // templating and tokenizing a long input: not on the event loop
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createResponse", summary = "OpenAI Responses API (text only) on a model or the pipeline id")
    @APIResponse(responseCode = "200", description = "a response object, or with stream:true a text/event-stream of"
            + " response.* events", content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ResponseObject.class)),
                @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                        schema = @Schema(implementation = ResponseSchemas.StreamEvent.class)) })
    public RestMulti<TextChunk> create(ResponsesRequest request) {
        if (request == null) {
            throw new InvalidRequestException(null, "request body is required");
        }
        if (request.model() == null) {
            throw new InvalidRequestException("model", "'model' is required");
        }
        request.checkSupported();
        SamplingParams params = limits.withDeadline(request.samplingParams());
        List<ChatMessage> conversation = request.turns();
        if (request.model().equals(pipelines.id())) {
            RefinementRequest refinement = PipelineChoice.request(pipelines, conversation, params, null,
                    request.refinementRounds());
            ResponseBuilder response = new ResponseBuilder(request, params, pipelines.id());
            return request.streaming() ? bodies.sse(pipelineStream(refinement, response))
                    : bodies.json(pipelineResponse(refinement, response));
        }
        if (request.refinementRounds() != null) {
            throw new InvalidRequestException("refinement_rounds", "refinement_rounds needs the pipeline id '"
                    + pipelines.id() + "' as model");
        }
        LoadedModel model = pipelines.models().registry().get(request.model(), "model");
        int[] prompt = model.encodeChat(conversation);
        ResponseBuilder response = new ResponseBuilder(request, params, model.name());
        if (request.streaming()) {
            return bodies.sse(modelStream(model, prompt, params, response));
        }
        return bodies.json(Choices.all(model, prompt, params, 1, meters).map(results -> response.finished(
                results.get(0).text(), results.get(0).finishReason().wireName(), prompt.length,
                results.get(0).completionTokens(), null)));
    }

    private Multi<String> modelStream(LoadedModel model, int[] prompt, SamplingParams params, ResponseBuilder response) {
        ResponseEvents events = new ResponseEvents(response, bodies);
        return StreamBridge.multi(sink -> {
            sink.emit(events.start());
            GenerationHandle handle = model.generate(prompt, params, event -> {
                if (event instanceof GenerationEvent.Delta d) {
                    if (!d.text().isEmpty()) {
                        sink.emit(events.delta(d.text()));
                    }
                } else if (event instanceof GenerationEvent.Finished f) {
                    meters.generation(model.name(), f.result());
                    sink.emit(events.finish(events.text(), f.result().finishReason().wireName(), prompt.length,
                            f.result().completionTokens(), null));
                    sink.complete();
                } else if (event instanceof GenerationEvent.Failed failed) {
                    sink.emit(events.error(failed.error()));
                    sink.complete();
                }
            });
            return handle::cancel;
        });
    }

    private Uni<ResponseObject> pipelineResponse(RefinementRequest request, ResponseBuilder response) {
        RefinementRun run = pipelines.pipeline(null, null).start(request, meters.recording(RefinementListener.NONE));
        return Uni.createFrom().completionStage(run.result()).onCancellation().invoke(run::cancel)
                .map(r -> response.finished(r.last().text(), r.last().finishReason(), r.promptTokens(),
                        r.completionTokens(), rounds(r)));
    }

    /** Streams the final round as it is generated; earlier rounds run silently before it, as on chat. */
    private Multi<String> pipelineStream(RefinementRequest request, ResponseBuilder response) {
        ResponseEvents events = new ResponseEvents(response, bodies);
        int last = request.rounds();
        return StreamBridge.multi(sink -> {
            sink.emit(events.start());
            RefinementRun run = pipelines.pipeline(null, null).start(request, meters.recording(new RefinementListener() {
                @Override
                public void delta(int round, String text) {
                    if (round == last && !text.isEmpty()) {
                        sink.emit(events.delta(text));
                    }
                }
            }));
            run.result().whenComplete((r, error) -> {
                sink.emit(error != null ? events.error(error)
                        : events.finish(r.last().text(), r.last().finishReason(), r.promptTokens(),
                                r.completionTokens(), rounds(r)));
                sink.complete();
            });
            return run::cancel;
        });
    }

    private static List<RefineResponse.RoundDto> rounds(Refinement r) {
        return r.rounds().stream().map(RefineResponse.RoundDto::of).toList();
    }
}

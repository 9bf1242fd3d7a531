package dev.slhf.serve.api.refine;

import dev.slhf.serve.api.ErrorMapper;
import dev.slhf.serve.api.HttpBodies;
import dev.slhf.serve.api.StreamBridge;
import dev.slhf.serve.app.ServingMeters;
import dev.slhf.serve.refine.RefinementPipeline;
import dev.slhf.serve.refine.RefinementRequest;
import dev.slhf.serve.refine.RefinementRun;
import io.smallrye.mutiny.Multi;

/** A streamed refinement as SSE frames; the refinement starts on subscription and stops when the client leaves. */
public final class RefineStreams {

    private RefineStreams() {}

    public static Multi<String> events(RefinementPipeline pipeline, RefinementRequest request, String id, long created,
            ServingMeters meters, HttpBodies bodies) {
        return StreamBridge.multi(sink -> {
            RefinementRun run = pipeline.start(request, meters.recording(new RefineEvents(sink, bodies)));
            run.result().whenComplete((refinement, error) -> {
                if (error != null) {
                    // the 200 and earlier events are already out: the error travels as an event
                    sink.emit(bodies.event("error", ErrorMapper.describe(error)));
                } else {
                    sink.emit(bodies.event("done", RefineResponse.of(id, created, refinement)));
                }
                sink.complete();
            });
            return run::cancel;
        });
    }
}

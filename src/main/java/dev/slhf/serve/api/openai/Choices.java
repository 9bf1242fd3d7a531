package dev.slhf.serve.api.openai;

import dev.slhf.serve.api.ErrorMapper;
import dev.slhf.serve.api.HttpBodies;
import dev.slhf.serve.api.StreamBridge;
import dev.slhf.serve.app.ServingMeters;
import dev.slhf.serve.engine.GenerationEvent;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.engine.SamplingParams;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The {@code n} choices of an OpenAI request on one loaded model: each an independent generation
 * of the same prompt (batched together by the engine), choice {@code i} seeded {@code seed + i}
 * so that a seeded request is reproducible and its choices still differ.
 */
public final class Choices {

    private Choices() {}

    /** How one streaming endpoint writes its frames. */
    public interface StreamFormat {
        /** Frame before any text of a choice, or null. */
        String start(int choice);

        /** Frame for new text (and its tokens' logprobs), or null to skip. */
        String delta(int choice, GenerationEvent.Delta delta);

        String finish(int choice, GenerationResult result);

        /** The usage frame when the client asked for one, else null. */
        String usage(Usage usage);
    }

    /** Non-streaming: all results, in choice order; cancelling the Uni cancels every generation. */
    public static Uni<List<GenerationResult>> all(LoadedModel model, int[] prompt, SamplingParams params, int n,
            ServingMeters meters) {
        List<GenerationHandle> handles = start(model, prompt, params, n, (i, e) -> {});
        CompletableFuture<?>[] futures = handles.stream().map(GenerationHandle::result).toArray(CompletableFuture[]::new);
        return Uni.createFrom().completionStage(CompletableFuture.allOf(futures))
                .onCancellation().invoke(() -> handles.forEach(GenerationHandle::cancel))
                .onFailure().invoke(() -> handles.forEach(GenerationHandle::cancel))
                .map(done -> {
                    List<GenerationResult> results = handles.stream().map(h -> h.result().join()).toList();
                    results.forEach(r -> meters.generation(model.name(), r));
                    return results;
                });
    }

    /** Streaming: frames of every choice as they are generated, then usage (if asked) and {@code [DONE]}. */
    public static Multi<String> stream(LoadedModel model, int[] prompt, SamplingParams params, int n,
            ServingMeters meters, HttpBodies bodies, StreamFormat format) {
        return StreamBridge.multi(sink -> {
            AtomicInteger open = new AtomicInteger(n);
            int[] completionTokens = new int[n];
            for (int i = 0; i < n; i++) {
                String start = format.start(i);
                if (start != null) {
                    sink.emit(start);
                }
            }
            // filled while events may already arrive on the engine thread
            List<GenerationHandle> handles = new CopyOnWriteArrayList<>();
            handles.addAll(start(model, prompt, params, n, (i, event) -> {
                if (event instanceof GenerationEvent.Delta d) {
                    String frame = format.delta(i, d);
                    if (frame != null) {
                        sink.emit(frame);
                    }
                } else if (event instanceof GenerationEvent.Finished f) {
                    meters.generation(model.name(), f.result());
                    completionTokens[i] = f.result().completionTokens();
                    sink.emit(format.finish(i, f.result()));
                    if (open.decrementAndGet() == 0) {
                        int completion = 0;
                        for (int c : completionTokens) {
                            completion += c;
                        }
                        String usage = format.usage(Usage.of(prompt.length, completion));
                        if (usage != null) {
                            sink.emit(usage);
                        }
                        sink.emit(HttpBodies.DONE);
                        sink.complete();
                    }
                } else if (event instanceof GenerationEvent.Failed failed && open.getAndSet(-1) > 0) {
                    // as vLLM: an error object in the stream, then [DONE]; the other choices stop too
                    sink.emit(bodies.data(ErrorMapper.describe(failed.error())));
                    sink.emit(HttpBodies.DONE);
                    sink.complete();
                    handles.forEach(GenerationHandle::cancel);
                }
            }));
            return () -> handles.forEach(GenerationHandle::cancel);
        });
    }

    private static List<GenerationHandle> start(LoadedModel model, int[] prompt, SamplingParams params, int n,
            BiConsumer<Integer, GenerationEvent> listener) {
        List<GenerationHandle> handles = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                int choice = i;
                handles.add(model.generate(prompt, seeded(params, i), event -> listener.accept(choice, event)));
            }
        } catch (RuntimeException e) {
            handles.forEach(GenerationHandle::cancel); // e.g. the queue filled up half-way: all or nothing
            throw e;
        }
        return handles;
    }

    private static SamplingParams seeded(SamplingParams p, int choice) {
        if (p.seed() == null || choice == 0) {
            return p;
        }
        return p.withSeed(p.seed() + choice);
    }
}

package dev.slhf.serve.refine;

import dev.slhf.serve.engine.EngineException;
import dev.slhf.serve.engine.GenerationCancelledException;
import dev.slhf.serve.engine.GenerationEvent;
import dev.slhf.serve.engine.GenerationHandle;
import dev.slhf.serve.engine.GenerationResult;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * SLHF iterative refinement: {@code y0 = Leader(x)} (or the caller's draft), then
 * {@code y_k = Follower(x, y_{k-1})} for k = 1..N, every round kept. Text crosses rounds as
 * decoded text and is re-rendered with the follower's own template and tokenizer, which is what
 * lets a follower refine drafts from any model family.
 *
 * <p>Rounds run asynchronously on the engines' threads; no thread waits for a round to finish.
 */
public final class RefinementPipeline {

    private final LoadedModel leader;
    private final LoadedModel follower;

    public RefinementPipeline(LoadedModel leader, LoadedModel follower) {
        this.leader = leader;
        this.follower = follower;
    }

    public LoadedModel leader() {
        return leader;
    }

    public LoadedModel follower() {
        return follower;
    }

    /**
     * Starts a refinement. Mistakes detectable before any generation (bad template input, prompt
     * beyond the context, a full queue) are thrown here; later ones complete the result exceptionally.
     */
    public RefinementRun start(RefinementRequest request, RefinementListener listener) {
        RefinementRun run = new RefinementRun();
        List<Round> rounds = new ArrayList<>();
        if (request.draft() != null) {
            listener.roundStarted(0, Role.DRAFT, null);
            Round draft = new Round(0, Role.DRAFT, null, request.draft(), null, 0,
                    follower.encode(request.draft()).length, 0, 0);
            rounds.add(draft);
            listener.delta(0, request.draft());
            listener.roundFinished(draft);
            nextRound(request, listener, run, rounds, true);
        } else {
            int[] prompt = leader.encodeChat(request.prompt());
            generate(leader, Role.LEADER, 0, prompt, request, listener, run, rounds);
        }
        return run;
    }

    private void nextRound(RefinementRequest request, RefinementListener listener, RefinementRun run,
            List<Round> rounds, boolean throwDirectly) {
        int k = rounds.size();
        if (k > request.rounds()) {
            run.result().complete(new Refinement(List.copyOf(rounds)));
            return;
        }
        try {
            String previous = rounds.get(k - 1).text();
            List<ChatMessage> conversation = request.followerPrompt().conversation(request.prompt(), previous);
            generate(follower, Role.FOLLOWER, k, follower.encodeChat(conversation), request, listener, run, rounds);
        } catch (EngineException e) {
            if (throwDirectly) {
                throw e;
            }
            run.result().completeExceptionally(e);
        }
    }

    private void generate(LoadedModel model, Role role, int index, int[] prompt, RefinementRequest request,
            RefinementListener listener, RefinementRun run, List<Round> rounds) {
        if (run.cancelled()) {
            run.result().completeExceptionally(new GenerationCancelledException("refinement cancelled"));
            return;
        }
        listener.roundStarted(index, role, model.name());
        GenerationHandle handle = model.generate(prompt, request.sampling(), event -> {
            if (event instanceof GenerationEvent.Delta d) {
                listener.delta(index, d.text());
            }
        });
        run.running(handle);
        // Off the engine thread: the next round renders a template and tokenizes, which must not stall decoding.
        handle.result().whenCompleteAsync((result, error) -> {
            if (error != null) {
                run.result().completeExceptionally(unwrap(error));
                return;
            }
            Round round = toRound(index, role, model.name(), result);
            rounds.add(round);
            listener.roundFinished(round);
            nextRound(request, listener, run, rounds, false);
        });
    }

    private static Round toRound(int index, Role role, String model, GenerationResult r) {
        return new Round(index, role, model, r.text(), r.finishReason().wireName(), r.promptTokens(),
                r.completionTokens(), r.totalNanos() / 1e6, r.timeToFirstTokenNanos() / 1e6);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}

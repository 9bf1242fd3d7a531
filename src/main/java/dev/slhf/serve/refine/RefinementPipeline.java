package dev.slhf.serve.refine;

import dev.slhf.serve.engine.Admission;
import dev.slhf.serve.engine.EngineException;
import dev.slhf.serve.engine.EngineOverloadedException;
import dev.slhf.serve.engine.GenerationCancelledException;
import dev.slhf.serve.engine.LoadedModel;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * SLHF iterative refinement: {@code y0 = Leader(x)} (or the caller's draft), then
 * {@code y_k = Follower(x, y_{k-1})} for k = 1..N, every round kept. Text crosses rounds as
 * decoded text and is re-rendered with the follower's own template and tokenizer, which is what
 * lets a follower refine drafts from any model family, a remote leader's included.
 *
 * <p>Admission is per request: only the request's first generation can be refused as overload
 * (thrown from {@link #start}, before any response exists). Every later follower round is queued
 * as {@link Admission#RESERVED}, ahead of new requests and never refused, so an accepted
 * refinement always runs all its rounds.
 *
 * <p>Rounds run asynchronously on the engines' threads; no thread waits for a round to finish.
 * A pipeline holds no per-request state, so building one per request is cheap.
 */
public final class RefinementPipeline {

    private final DraftSource leader;
    private final LoadedModel follower;

    public RefinementPipeline(DraftSource leader, LoadedModel follower) {
        this.leader = leader;
        this.follower = follower;
    }

    public RefinementPipeline(LoadedModel leader, LoadedModel follower) {
        this(new LocalLeader(leader), follower);
    }

    public DraftSource leader() {
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
            if (!(leader instanceof LocalLeader) && !follower.engine().hasRoom()) {
                // a remote leader takes no local slot: the follower's queue decides admission up front
                throw new EngineOverloadedException(follower.name(), 1);
            }
            listener.roundStarted(0, Role.LEADER, leader.name());
            follow(leader.draft(request.prompt(), request.sampling(), text -> listener.delta(0, text)),
                    request, listener, run, rounds);
        }
        return run;
    }

    private void nextRound(RefinementRequest request, RefinementListener listener, RefinementRun run,
            List<Round> rounds, boolean throwDirectly) {
        int k = rounds.size();
        if (k > request.rounds() || (request.stopWhenUnchanged() && k >= 2 && unchanged(rounds, k - 1))) {
            run.result().complete(new Refinement(List.copyOf(rounds)));
            return;
        }
        if (run.cancelled()) {
            run.result().completeExceptionally(new GenerationCancelledException("refinement cancelled"));
            return;
        }
        try {
            String previous = rounds.get(k - 1).text();
            List<ChatMessage> conversation = request.followerPrompt().conversation(request.prompt(), previous);
            int[] prompt = follower.encodeChat(conversation);
            listener.roundStarted(k, Role.FOLLOWER, follower.name());
            follow(LocalRound.start(follower, Role.FOLLOWER, k, prompt, request.sampling(),
                    text -> listener.delta(k, text), throwDirectly ? Admission.NEW : Admission.RESERVED),
                    request, listener, run, rounds);
        } catch (EngineException e) {
            if (throwDirectly) {
                throw e;
            }
            run.result().completeExceptionally(e);
        }
    }

    /** Whether round {@code k} repeated the text of round {@code k - 1}. */
    public static boolean unchanged(List<Round> rounds, int k) {
        return k >= 1 && rounds.get(k).text().equals(rounds.get(k - 1).text());
    }

    private void follow(CompletableFuture<Round> round, RefinementRequest request, RefinementListener listener,
            RefinementRun run, List<Round> rounds) {
        run.running(round);
        // Off the engine thread: the next round renders a template and tokenizes, which must not stall decoding.
        round.whenCompleteAsync((result, error) -> {
            if (error != null) {
                Throwable cause = LocalRound.unwrap(error);
                run.result().completeExceptionally(cause instanceof CancellationException
                        ? new GenerationCancelledException("refinement cancelled") : cause);
                return;
            }
            try {
                rounds.add(result);
                listener.roundFinished(result);
                nextRound(request, listener, run, rounds, false);
            } catch (RuntimeException e) {
                // a failing listener (closed stream) must end the run, never leave it pending
                run.result().completeExceptionally(e);
            }
        });
    }
}

package dev.slhf.serve.refine;

import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Whoever writes round 0 (role {@code leader}): a loaded model ({@link LocalLeader}) or, at the
 * outer layer, another server. Only the text crosses into the follower rounds, which is why a
 * draft may come from any model family.
 */
public interface DraftSource {

    /** The model name reported on round 0. */
    String name();

    /**
     * Starts writing the answer to {@code prompt}. Mistakes detectable at once (a prompt beyond
     * the context, a full queue) are thrown; later failures complete the future exceptionally.
     * Text pieces go to {@code deltas} as they become final; together they are the round's text.
     * Cancelling the returned future stops the work.
     */
    CompletableFuture<Round> draft(List<ChatMessage> prompt, SamplingParams sampling, Consumer<String> deltas);
}

package dev.slhf.serve.refine;

import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import java.util.List;

/**
 * What to refine and how.
 *
 * @param prompt            the conversation x (a plain prompt arrives as one user turn)
 * @param draft             caller-supplied round 0, or null to let the leader write it
 * @param rounds            follower rounds after round 0
 * @param sampling          the same settings for every round, as in the reference evaluation
 * @param stopWhenUnchanged end early once a follower round returns its predecessor's text: with the
 *                          same input the next round would only repeat it under greedy decoding
 */
public record RefinementRequest(
        List<ChatMessage> prompt,
        String draft,
        int rounds,
        SamplingParams sampling,
        FollowerPrompt followerPrompt,
        boolean stopWhenUnchanged) {

    public RefinementRequest {
        prompt = List.copyOf(prompt);
    }

    public RefinementRequest(List<ChatMessage> prompt, String draft, int rounds, SamplingParams sampling,
            FollowerPrompt followerPrompt) {
        this(prompt, draft, rounds, sampling, followerPrompt, false);
    }

    public RefinementRequest withSampling(SamplingParams value) {
        return new RefinementRequest(prompt, draft, rounds, value, followerPrompt, stopWhenUnchanged);
    }
}

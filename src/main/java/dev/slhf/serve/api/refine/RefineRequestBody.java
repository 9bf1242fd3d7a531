package dev.slhf.serve.api.refine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slhf.serve.api.MessageDto;
import dev.slhf.serve.api.RequestFields;
import dev.slhf.serve.engine.InvalidRequestException;
import dev.slhf.serve.engine.SamplingParams;
import dev.slhf.serve.model.template.ChatMessage;
import dev.slhf.serve.refine.FollowerPrompt;
import dev.slhf.serve.refine.RefinementRequest;
import java.util.List;

/**
 * {@code POST /v1/refine} body: {@code prompt} (one user turn) or {@code messages}, optional
 * {@code draft} to refine instead of asking the leader, {@code rounds} of follower refinement and
 * the usual sampling fields, applied identically to every round.
 */
public record RefineRequestBody(
        String prompt,
        List<MessageDto> messages,
        String draft,
        Integer rounds,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Double minP,
        Double repetitionPenalty,
        Long seed,
        JsonNode stop) {

    public RefinementRequest toRequest(int defaultRounds, int maxRounds, FollowerPrompt followerPrompt) {
        if (rounds != null && (rounds < 0 || rounds > maxRounds)) {
            throw new InvalidRequestException("rounds", "rounds must be between 0 and " + maxRounds + ", got " + rounds);
        }
        return new RefinementRequest(conversation(), draft, rounds == null ? defaultRounds : rounds, sampling(),
                followerPrompt);
    }

    private List<ChatMessage> conversation() {
        if (prompt != null && messages != null) {
            throw new InvalidRequestException("prompt", "send either 'prompt' or 'messages', not both");
        }
        if (prompt != null) {
            if (prompt.isEmpty()) {
                throw new InvalidRequestException("prompt", "'prompt' must not be empty");
            }
            return List.of(new ChatMessage("user", prompt));
        }
        if (messages == null) {
            throw new InvalidRequestException("prompt", "one of 'prompt' or 'messages' is required");
        }
        return RequestFields.messages(messages, "messages");
    }

    private SamplingParams sampling() {
        return new SamplingParams(RequestFields.orDefault(temperature, 1.0), RequestFields.orDefault(topP, 1.0),
                topK == null ? 0 : topK, RequestFields.orDefault(minP, 0.0),
                RequestFields.orDefault(repetitionPenalty, 1.0), seed, maxTokens, RequestFields.stop(stop), false);
    }
}

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
import dev.slhf.serve.api.openapi.StringOrList;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /v1/refine} body: {@code prompt} (one user turn) or {@code messages}, optional
 * {@code draft} to refine instead of asking the leader, {@code rounds} of follower refinement and
 * the usual sampling fields, applied identically to every round.
 */
@Schema(name = "RefineRequest", description = "A refinement: leader draft (or the caller's), then follower rounds")
public record RefineRequestBody(
        @Schema(description = "The prompt as one user turn; send this or messages") String prompt,
        @Schema(description = "The conversation x; send this or prompt") List<MessageDto> messages,
        @Schema(description = "Model writing round 0 (a loaded or an upstream model); default slhf.leader") String leader,
        @Schema(description = "Loaded model refining; default slhf.follower") String follower,
        @Schema(description = "Caller's round 0 (role draft); the leader is not called") String draft,
        @Schema(description = "Follower rounds, 0..slhf.refine.max-rounds; default slhf.refine.rounds") Integer rounds,
        @Schema(description = "Instruction turn given to the follower; default slhf.refine.follower-prompt")
        String followerPrompt,
        @Schema(description = "Stop once a follower round returns the previous round's text", defaultValue = "false")
        Boolean stopWhenUnchanged,
        @Schema(description = "Per round; default: the rest of the context") Integer maxTokens,
        @Schema(defaultValue = "1.0") Double temperature,
        @Schema(defaultValue = "1.0") Double topP,
        @Schema(description = "0 or -1 disable it", defaultValue = "0") Integer topK,
        @Schema(defaultValue = "0") Double minP,
        @Schema(defaultValue = "1.0") Double repetitionPenalty,
        Long seed,
        @Schema(implementation = StringOrList.class) JsonNode stop,
        @Schema(description = "Server-Sent Events: round.start, delta, round.end, done, error", defaultValue = "false")
        Boolean stream,
        @Schema(description = "Keep generating up to max_tokens past end-of-sequence, every round", defaultValue = "false")
        Boolean ignoreEos,
        @Schema(description = "-2..2, every round: minus count x this for each token the round generated", defaultValue = "0")
        Double frequencyPenalty,
        @Schema(description = "-2..2, every round: minus this for each token the round generated", defaultValue = "0")
        Double presencePenalty,
        @Schema(description = "Token id (as a string) -> bias in -100..100, every round") Map<String, Double> logitBias) {

    public RefinementRequest toRequest(int defaultRounds, int maxRounds, FollowerPrompt defaultFollowerPrompt) {
        if (rounds != null && (rounds < 0 || rounds > maxRounds)) {
            throw new InvalidRequestException("rounds", "rounds must be between 0 and " + maxRounds + ", got " + rounds);
        }
        if (followerPrompt != null && followerPrompt.isEmpty()) {
            throw new InvalidRequestException("follower_prompt", "follower_prompt must not be empty");
        }
        return new RefinementRequest(conversation(), draft, rounds == null ? defaultRounds : rounds, sampling(),
                followerPrompt == null ? defaultFollowerPrompt : new FollowerPrompt(followerPrompt),
                Boolean.TRUE.equals(stopWhenUnchanged));
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
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
        return RequestFields.sampling(temperature, topP, topK, minP, repetitionPenalty, seed, maxTokens, stop, null,
                ignoreEos).withAdjustments(RequestFields.adjustments(frequencyPenalty, presencePenalty, logitBias));
    }
}

package dev.slhf.serve.api.refine;

import dev.slhf.serve.api.openai.Usage;
import dev.slhf.serve.refine.Refinement;
import dev.slhf.serve.refine.Round;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The {@code refinement} object: every round, the final text and summed usage. */
@Schema(name = "Refinement")
public record RefineResponse(String id, @Schema(enumeration = "refinement") String object, long created,
        List<RoundDto> rounds,
        @Schema(description = "The last round's text")
        @com.fasterxml.jackson.annotation.JsonProperty("final") String finalText,
        @Schema(description = "Summed over the rounds") Usage usage) {

    @Schema(name = "RefinementRound")
    public record RoundDto(int round,
            @Schema(enumeration = {"leader", "draft", "follower"}, description = "draft: the caller's round 0") String role,
            @Schema(description = "null for a draft") String model, String text,
            @Schema(description = "stop or length for a local round; an upstream leader's own value; null for a draft")
            String finishReason,
            int promptTokens, int completionTokens, double latencyMs, double ttftMs) {

        public static RoundDto of(Round r) {
            return new RoundDto(r.round(), r.role().wireName(), r.model(), r.text(), r.finishReason(),
                    r.promptTokens(), r.completionTokens(), r.latencyMs(), r.ttftMs());
        }
    }

    public static RefineResponse of(String id, long created, Refinement refinement) {
        return new RefineResponse(id, "refinement", created,
                refinement.rounds().stream().map(RoundDto::of).toList(), refinement.last().text(),
                Usage.of(refinement.promptTokens(), refinement.completionTokens()));
    }
}

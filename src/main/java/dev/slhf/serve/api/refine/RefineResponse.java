package dev.slhf.serve.api.refine;

import dev.slhf.serve.api.openai.Usage;
import dev.slhf.serve.refine.Refinement;
import dev.slhf.serve.refine.Round;
import java.util.List;

/** The {@code refinement} object: every round, the final text and summed usage. */
public record RefineResponse(String id, String object, long created, List<RoundDto> rounds,
        @com.fasterxml.jackson.annotation.JsonProperty("final") String finalText, Usage usage) {

    public record RoundDto(int round, String role, String model, String text, String finishReason,
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

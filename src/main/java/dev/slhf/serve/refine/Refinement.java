package dev.slhf.serve.refine;

import java.util.List;

/** Every round of one refinement, leader (or draft) first; {@code final} is the last round's text. */
public record Refinement(List<Round> rounds) {

    public Round last() {
        return rounds.get(rounds.size() - 1);
    }

    public int promptTokens() {
        return rounds.stream().mapToInt(Round::promptTokens).sum();
    }

    public int completionTokens() {
        return rounds.stream().mapToInt(Round::completionTokens).sum();
    }
}

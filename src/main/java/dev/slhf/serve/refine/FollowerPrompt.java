package dev.slhf.serve.refine;

import dev.slhf.serve.model.template.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The follower's input as the SLHF reference code builds it: the prompt's turns, the answer to
 * improve as an assistant turn, then the instruction as a user turn. Each round sees only the
 * prompt and the latest answer; history does not accumulate.
 */
public record FollowerPrompt(String instruction) {

    /** The sentence of the reference implementation, kept as the default. */
    public static final String PAPER_INSTRUCTION =
            "Improve the previous answer. Phrase it as if it was the original response.";

    public FollowerPrompt {
        if (instruction == null || instruction.isEmpty()) {
            throw new IllegalArgumentException("follower prompt must not be empty");
        }
    }

    public static FollowerPrompt paper() {
        return new FollowerPrompt(PAPER_INSTRUCTION);
    }

    /** {@code prompt} turns, then {@code previous} verbatim (no trimming), then the instruction. */
    public List<ChatMessage> conversation(List<ChatMessage> prompt, String previous) {
        List<ChatMessage> turns = new ArrayList<>(prompt.size() + 2);
        turns.addAll(prompt);
        turns.add(new ChatMessage("assistant", previous));
        turns.add(new ChatMessage("user", instruction));
        return turns;
    }
}

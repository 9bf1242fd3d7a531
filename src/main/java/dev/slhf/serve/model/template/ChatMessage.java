package dev.slhf.serve.model.template;

import java.util.Objects;

/** One chat turn as a chat template sees it. */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        // Templates concatenate content with '+'; a null would render differently from Python's
        // behaviour for a missing turn, so an absent content is an empty turn.
        content = content == null ? "" : content;
    }
}

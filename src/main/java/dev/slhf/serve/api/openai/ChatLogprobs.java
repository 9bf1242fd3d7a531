package dev.slhf.serve.api.openai;

import dev.slhf.serve.engine.TokenLogprob;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenAI's chat {@code logprobs}: per generated token, its log-probability and the top alternatives. */
@Schema(name = "ChatLogprobs")
public record ChatLogprobs(List<Entry> content) {

    @Schema(name = "ChatTokenLogprob")
    public record Entry(String token, double logprob, List<Integer> bytes, List<Top> topLogprobs) {}

    @Schema(name = "ChatTopLogprob")
    public record Top(String token, double logprob, List<Integer> bytes) {}

    /** Null when none were asked for, so the field reads {@code "logprobs": null} as in OpenAI. */
    public static ChatLogprobs of(List<TokenLogprob> tokens, boolean requested) {
        if (!requested) {
            return null;
        }
        return new ChatLogprobs(tokens.stream().map(t -> new Entry(t.token(), t.logprob(), bytes(t.bytes()),
                t.top().stream().map(a -> new Top(a.token(), a.logprob(), bytes(a.bytes()))).toList())).toList());
    }

    static List<Integer> bytes(byte[] raw) {
        List<Integer> out = new ArrayList<>(raw.length);
        for (byte b : raw) {
            out.add(b & 0xff);
        }
        return out;
    }
}

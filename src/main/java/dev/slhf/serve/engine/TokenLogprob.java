package dev.slhf.serve.engine;

import java.util.List;

/**
 * Log-probability of one generated token under the model's raw distribution, with the most likely
 * alternatives at that position (OpenAI's {@code logprobs.content[]} entry).
 *
 * @param token the token's text as decoded alone (may be a partial UTF-8 character: see bytes)
 * @param bytes the token's UTF-8 bytes, which is what clients join for exact text
 */
public record TokenLogprob(int tokenId, String token, byte[] bytes, double logprob, List<Alternative> top) {

    public record Alternative(int tokenId, String token, byte[] bytes, double logprob) {}
}

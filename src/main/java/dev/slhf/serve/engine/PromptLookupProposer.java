package dev.slhf.serve.engine;

/**
 * Draft-copy speculation's guess (prompt lookup, as vLLM's {@code ngram} method and llama.cpp's
 * lookup decoding): find the last n tokens of the sequence earlier in its own context and
 * propose the tokens that followed them there.
 *
 * <p>A follower's prompt is {@code x + draft + instruction}, and its answer mostly copies the
 * draft, so the search order favours the draft: for n from {@link #MAX_NGRAM} down to 1 (a longer
 * match is more likely to continue the same way), first the prompt from its end backwards (the
 * draft is the last long span of a follower prompt, so it is met before {@code x}), then the
 * generated text from its end backwards (answers that repeat themselves: lists, code).
 *
 * <p>Stateless and allocation-free apart from the proposal; the cost of a failed search is a few
 * thousand int comparisons, nothing next to a forward pass. The proposal depends only on the
 * sequence's own tokens, so seeded requests stay reproducible whatever else shares the batch.
 */
final class PromptLookupProposer {

    /** Longest suffix matched. Longer n-grams rarely add matches the 3-gram misses. */
    static final int MAX_NGRAM = 3;
    private static final int[] NONE = new int[0];

    private final int maxTokens;

    /** @param maxTokens the largest proposal (slhf.models.&lt;name&gt;.speculative-tokens), ≥ 1 */
    PromptLookupProposer(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("a proposer proposes at least one token");
        }
        this.maxTokens = maxTokens;
    }

    int maxTokens() {
        return maxTokens;
    }

    /**
     * Proposes up to {@code min(limit, maxTokens)} tokens to follow {@code context[0, length)},
     * of which the first {@code promptLength} are the prompt; empty when no suffix recurs.
     */
    int[] propose(int[] context, int length, int promptLength, int limit) {
        int k = Math.min(limit, maxTokens);
        if (k <= 0 || length < 2) {
            return NONE;
        }
        for (int n = Math.min(MAX_NGRAM, length - 1); n >= 1; n--) {
            int suffix = length - n;
            // in the prompt: the n-gram ends inside it; its continuation may run into the answer
            int at = lastMatch(context, suffix, n, Math.min(promptLength, suffix) - n, 0);
            if (at < 0) {
                // in the generated text, before the suffix itself
                at = lastMatch(context, suffix, n, suffix - 1, Math.max(0, promptLength - n + 1));
            }
            if (at >= 0) {
                int from = at + n, count = Math.min(k, length - from);
                int[] out = new int[count];
                System.arraycopy(context, from, out, 0, count);
                return out;
            }
        }
        return NONE;
    }

    /** Latest start in {@code [lowest, highest]} where {@code context[start, start + n)} equals the suffix. */
    private static int lastMatch(int[] context, int suffix, int n, int highest, int lowest) {
        for (int start = highest; start >= lowest; start--) {
            if (context[start + n - 1] != context[suffix + n - 1]) {
                continue; // the last token differs: the common fast rejection
            }
            int j = 0;
            while (j < n - 1 && context[start + j] == context[suffix + j]) {
                j++;
            }
            if (j == n - 1) {
                return start;
            }
        }
        return -1;
    }
}

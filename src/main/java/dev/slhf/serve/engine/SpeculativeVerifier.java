package dev.slhf.serve.engine;

import java.util.Arrays;

/**
 * Accepts or rejects one sequence's proposal from the logits of one verify pass: the pass fed
 * {@code [last, p_1 .. p_k]}, so logits position j predicts the token after {@code p_j} (j = 0:
 * after {@code last}).
 *
 * <p>Walking j = 0..k, the sequence's own {@link Sampler} builds the processed target
 * distribution at j, after every token accepted before j was observed (so the repetition penalty
 * at j sees exactly the tokens plain decoding would have seen). A proposed {@code p_{j+1}} is
 * accepted with probability p(p_{j+1}) (greedy: iff it is the argmax); on rejection the token is
 * drawn from p with p_{j+1} removed and renormalised, and the run ends. If all k are accepted,
 * one more token is drawn at position k. For a deterministic proposal this is the standard rule
 * that makes every emitted token distributed exactly as plain sampling would draw it, and under
 * greedy decoding it emits exactly the plain greedy tokens.
 *
 * <p>Tokens are handed to the sink one by one, so stop ids, stop strings and max_tokens act in the
 * middle of an accepted run: the sink says when the sequence finished and the rest is dropped.
 */
final class SpeculativeVerifier {

    /** Receives each emitted token; returns false once the sequence finished. */
    interface TokenSink {
        boolean accept(int token, float[] rawLogits);
    }

    private SpeculativeVerifier() {}

    /**
     * @param offset  where position 0's row starts in {@code logits}; position j starts at
     *                {@code offset + j * vocab}
     * @param rawCopy whether the sink wants each position's raw logits (for logprobs)
     * @return how many proposed tokens were accepted (the sequence got that many plus at most one)
     */
    static int verify(Sampler sampler, int[] proposal, float[] logits, int offset, int vocab, boolean rawCopy,
            TokenSink sink) {
        for (int j = 0; j <= proposal.length; j++) {
            int at = offset + j * vocab;
            // the sampler edits the row in place (penalties), so logprobs need the raw row first
            float[] raw = rawCopy ? Arrays.copyOfRange(logits, at, at + vocab) : null;
            TargetDistribution target = sampler.target(logits, at, vocab);
            if (j == proposal.length) {
                sink.accept(sampler.draw(target), raw);
                return j;
            }
            int guess = proposal[j];
            if (!sampler.accepts(target, guess)) {
                sink.accept(sampler.drawReplacing(target, guess), raw);
                return j;
            }
            if (!sink.accept(guess, raw)) {
                return j + 1;
            }
        }
        throw new AssertionError("unreachable");
    }
}

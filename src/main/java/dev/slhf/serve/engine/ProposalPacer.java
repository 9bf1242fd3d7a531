package dev.slhf.serve.engine;

/**
 * How much one sequence proposes, from how its own proposals fared: the part of speculation that
 * keeps a failed guess cheap. A verify pass of k + 1 positions costs more than a one-token step
 * wherever the model is not memory-bound (RefinementBenchmark measures 1.1–1.3x for a short
 * proposal on a CPU, more in a batch), so guesses that keep failing must stop being made.
 *
 * <ul>
 *   <li>A proposal of which anything was accepted is followed by a full one (the configured k):
 *       copying a draft goes on for long runs, and a follower that edits a word resumes copying
 *       right after it. (Shrinking k after a partial acceptance, or starting short, was measured:
 *       it halved the follower's acceptance length for little saving.)
 *   <li>A proposal of which nothing was accepted makes the sequence skip lookups for 1, 3, 7, then
 *       15 steps (exponential back-off, reset by the next accepted token) and propose one token
 *       after that, so a sequence whose text copies nothing pays for a short guess on about one
 *       step in sixteen.
 * </ul>
 * The pace depends only on the sequence's own outcomes, so seeded requests stay reproducible in
 * any batch.
 */
final class ProposalPacer {

    static final int MAX_BACKOFF = 15;

    private final int max;
    private int next;
    private int failures;
    private int skip;

    ProposalPacer(int max) {
        this.max = max;
        this.next = max;
    }

    /** Tokens the sequence may propose this step (0: skip the lookup); call once per step. */
    int allowance() {
        if (skip > 0) {
            skip--;
            return 0;
        }
        return next;
    }

    void outcome(int proposed, int accepted) {
        if (accepted == 0) {
            failures++;
            skip = Math.min(MAX_BACKOFF, (1 << Math.min(failures, 4)) - 1);
            next = 1;
            return;
        }
        failures = 0;
        next = max;
    }
}

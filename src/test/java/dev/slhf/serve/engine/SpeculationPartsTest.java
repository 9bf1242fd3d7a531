package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The proposer's search order, the cache mask's holes and the pacer's back-off, each alone. */
class SpeculationPartsTest {

    private static int[] propose(int[] context, int promptLength, int limit) {
        return new PromptLookupProposer(8).propose(context, context.length, promptLength, limit);
    }

    @Test
    void longestSuffixWinsAndTheLatestPromptOccurrenceIsUsed() {
        // prompt: x = [1 2 3 9], draft = [1 2 3 4 5]; generated so far: [1 2 3]
        int[] ctx = {1, 2, 3, 9, 1, 2, 3, 4, 5, 7, 1, 2, 3};
        assertArrayEquals(new int[] {4, 5, 7, 1, 2, 3}, propose(ctx, 10, 8), "the draft's copy, not x's");
        assertArrayEquals(new int[] {4, 5}, propose(ctx, 10, 2), "capped by the limit");
        // a 3-gram only in x beats a 1-gram in the draft: [8 2 3] ... suffix [8 2 3]
        int[] ctx2 = {8, 2, 3, 6, 0, 3, 5, 8, 2, 3};
        assertArrayEquals(new int[] {6, 0, 3, 5, 8, 2, 3}, propose(ctx2, 7, 8));
    }

    @Test
    void generatedTextIsSearchedWhenThePromptHasNoMatch() {
        int[] ctx = {9, 9, 4, 5, 6, 1, 4, 5};
        assertArrayEquals(new int[] {6, 1, 4, 5}, propose(ctx, 2, 8));
    }

    @Test
    void noRecurrenceProposesNothing() {
        assertEquals(0, propose(new int[] {1, 2, 3, 4, 5, 6}, 3, 8).length);
        assertEquals(0, propose(new int[] {1, 2, 1}, 2, 0).length, "no room left: nothing");
    }

    @Test
    void rejectedPositionsStayMaskedUntilTheRepack() {
        CacheMask mask = new CacheMask();
        mask.reset(new int[] {2, 3}, 3); // row 0 left-padded by one
        // row 0 feeds 3 tokens (2 proposed), row 1 feeds 1; pass width 3
        long[] m = mask.forStep(3, new int[] {3, 1});
        assertArrayEquals(new long[] {0, 1, 1, 1, 1, 1, /**/ 1, 1, 1, 1, 0, 0}, m);
        mask.commit(3, new int[] {2, 1}); // row 0 accepted one of its two
        assertArrayEquals(new int[] {1, 2, 3, 4}, mask.positions(0));
        assertArrayEquals(new int[] {0, 1, 2, 3}, mask.positions(1));
        long[] next = mask.forStep(1, new int[] {1, 1});
        assertArrayEquals(new long[] {0, 1, 1, 1, 1, 0, 1, /**/ 1, 1, 1, 1, 0, 0, 1}, next);
        assertFalse(mask.wasteful(), "a few holes are not worth a copy");
    }

    @Test
    void manyHolesAskForACompaction() {
        CacheMask mask = new CacheMask();
        mask.reset(new int[] {10}, 10);
        for (int i = 0; i < 10; i++) {
            mask.commit(9, new int[] {1}); // every proposal rejected
        }
        assertEquals(20, mask.positions(0).length);
        assertTrue(mask.wasteful(), "100 positions attended for 20 real ones");
    }

    @Test
    void failedProposalsBackOffAndAnAcceptedOneRestoresFullLength() {
        ProposalPacer pacer = new ProposalPacer(8);
        assertEquals(8, pacer.allowance());
        pacer.outcome(8, 0);
        assertEquals(0, pacer.allowance(), "one step skipped");
        assertEquals(1, pacer.allowance(), "then a one-token guess");
        pacer.outcome(1, 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, pacer.allowance());
        }
        assertEquals(1, pacer.allowance());
        pacer.outcome(1, 1);
        assertEquals(8, pacer.allowance(), "copying resumed: full proposals again");
        pacer.outcome(8, 3);
        assertEquals(8, pacer.allowance());
        for (int f = 0; f < 6; f++) {
            pacer.outcome(1, 0);
        }
        int skipped = 0;
        while (pacer.allowance() == 0) {
            skipped++;
        }
        assertEquals(ProposalPacer.MAX_BACKOFF, skipped, "the back-off is bounded");
    }
}

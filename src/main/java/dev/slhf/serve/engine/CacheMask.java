package dev.slhf.serve.engine;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Which positions of each row of the decode batch's KV cache hold a real token: the attention
 * mask of the cached part, kept across steps instead of being derived from the row's length.
 *
 * <p>This is how rejected speculative tokens are rolled back without copying the cache. A verify
 * pass appends {@code S} positions to every row (a row feeding fewer tokens pads the rest); after
 * acceptance, only the row's last token and its accepted proposals stay valid. The rejected and
 * padded positions remain in the KV tensors as holes with mask 0, so no later query attends to
 * them, and every real token carries an explicit position id (its row's real count), so a hole
 * shifts nothing. Graphs that derive positions from the mask's cumulative sum see the same ids,
 * because holes add 0 to it. The holes are dropped at the next re-pack, which the batch does
 * anyway when its composition changes ({@link #positions} lists what to keep), or earlier when
 * they make the attended span much longer than a compact one ({@link #wasteful}).
 */
final class CacheMask {

    private BitSet[] valid = new BitSet[0];
    private int length;

    /** After a re-pack: row i holds {@code real[i]} contiguous positions, right-aligned in {@code length}. */
    void reset(int[] real, int length) {
        this.length = length;
        valid = new BitSet[real.length];
        for (int i = 0; i < real.length; i++) {
            valid[i] = new BitSet(length + 64);
            valid[i].set(length - real[i], length);
        }
    }

    int length() {
        return length;
    }

    /**
     * The attention mask of a pass that feeds {@code fed[i]} tokens to row i in {@code step}
     * slots ({@code fed[i] <= step}): the cached validity, then 1 for fed tokens, 0 for padding.
     */
    long[] forStep(int step, int[] fed) {
        int width = length + step;
        long[] mask = new long[valid.length * width];
        for (int i = 0; i < valid.length; i++) {
            int base = i * width;
            BitSet v = valid[i];
            for (int p = v.nextSetBit(0); p >= 0 && p < length; p = v.nextSetBit(p + 1)) {
                mask[base + p] = 1L;
            }
            Arrays.fill(mask, base + length, base + length + fed[i], 1L);
        }
        return mask;
    }

    /** After the pass: row i keeps the first {@code kept[i]} of its {@code step} new positions. */
    void commit(int step, int[] kept) {
        for (int i = 0; i < valid.length; i++) {
            if (kept[i] > 0) {
                valid[i].set(length, length + kept[i]);
            }
        }
        length += step;
    }

    /** The valid positions of row {@code row}, ascending: what a re-pack keeps. */
    int[] positions(int row) {
        return valid[row].stream().toArray();
    }

    /**
     * True when a re-pack would shorten the attended span by more than a third (and by more than
     * 32 positions): then the one copy pays for itself in the passes that follow.
     */
    boolean wasteful() {
        int longest = 0;
        for (BitSet v : valid) {
            longest = Math.max(longest, v.cardinality());
        }
        int saved = length - longest;
        return saved > 32 && saved * 3 > length;
    }
}

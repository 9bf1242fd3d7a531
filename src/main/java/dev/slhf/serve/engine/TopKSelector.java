package dev.slhf.serve.engine;

/**
 * The k largest logits of a row in one pass, with a k-entry min-heap: O(V log k) with small
 * constants (most tokens lose one comparison against the heap's root), instead of sorting the
 * vocabulary. Order is logit descending, ties by the lower token id (torch.topk's order on CPU
 * for equal values is not specified; lower id is what greedy argmax does too). NaN logits are
 * never selected.
 */
final class TopKSelector {

    private TopKSelector() {
    }

    /**
     * Fills {@code scratch.heapIds/heapLogits[0, count)} with the top {@code k} tokens of
     * {@code logits[offset, offset + vocab)}, best first; returns count (k unless the row has
     * fewer non-NaN entries).
     */
    static int select(float[] logits, int offset, int vocab, int k, SamplingScratch scratch) {
        scratch.ensureHeap(k);
        float[] hl = scratch.heapLogits;
        int[] hi = scratch.heapIds;
        int n = 0;
        for (int t = 0; t < vocab; t++) {
            float l = logits[offset + t];
            if (l != l) {
                continue; // NaN
            }
            if (n < k) {
                hl[n] = l;
                hi[n] = t;
                siftUp(hl, hi, n++);
            } else if (l > hl[0]) {
                // ids arrive ascending, so an equal logit is never better than the root: only '>'
                hl[0] = l;
                hi[0] = t;
                siftDown(hl, hi, 0, n);
            }
        }
        // heap sort in place: repeatedly move the worst to the end, leaving best first
        for (int end = n - 1; end > 0; end--) {
            swap(hl, hi, 0, end);
            siftDown(hl, hi, 0, end);
        }
        return n;
    }

    /** The heap's order: {@code a} is worse than {@code b} (the root is the worst entry). */
    private static boolean worse(float[] hl, int[] hi, int a, int b) {
        return hl[a] < hl[b] || (hl[a] == hl[b] && hi[a] > hi[b]);
    }

    private static void siftUp(float[] hl, int[] hi, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(hl, hi, i, parent)) {
                return;
            }
            swap(hl, hi, i, parent);
            i = parent;
        }
    }

    private static void siftDown(float[] hl, int[] hi, int i, int n) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= n) {
                return;
            }
            int child = left + 1 < n && worse(hl, hi, left + 1, left) ? left + 1 : left;
            if (!worse(hl, hi, child, i)) {
                return;
            }
            swap(hl, hi, i, child);
            i = child;
        }
    }

    private static void swap(float[] hl, int[] hi, int a, int b) {
        float l = hl[a];
        hl[a] = hl[b];
        hl[b] = l;
        int t = hi[a];
        hi[a] = hi[b];
        hi[b] = t;
    }
}

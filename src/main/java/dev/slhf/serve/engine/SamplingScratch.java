package dev.slhf.serve.engine;

/**
 * Per-thread work arrays of the sampler, grown once to the vocabulary size and reused for every
 * token: a sampling step allocates nothing vocabulary-sized (at 151,936 entries a fresh
 * {@code double[]} per token is 1.2 MB of garbage per generated token per sequence).
 *
 * <p>Per thread rather than per sequence, because a sequence only samples on the engine thread
 * and a batch of 64 sequences would otherwise hold 64 vocabulary-sized arrays.
 */
final class SamplingScratch {

    private static final ThreadLocal<SamplingScratch> CURRENT = ThreadLocal.withInitial(SamplingScratch::new);

    int[] ids = new int[64];
    double[] weights = new double[64];
    /** Top-k selection heap: logits and ids. */
    float[] heapLogits = new float[64];
    int[] heapIds = new int[64];
    /** top_p's quickselect works on a copy of the candidates. */
    double[] workWeights = new double[64];
    int[] workIds = new int[64];
    /** Sorting the top-k survivors back into id order. */
    long[] packed = new long[64];

    static SamplingScratch current() {
        return CURRENT.get();
    }

    void ensureCandidates(int n) {
        if (ids.length < n) {
            ids = new int[n];
            weights = new double[n];
        }
    }

    void ensureWork(int n) {
        if (workIds.length < n) {
            workWeights = new double[n];
            workIds = new int[n];
        }
    }

    void ensurePacked(int n) {
        if (packed.length < n) {
            packed = new long[n];
        }
    }

    void ensureHeap(int k) {
        if (heapIds.length < k) {
            heapLogits = new float[k];
            heapIds = new int[k];
        }
    }
}

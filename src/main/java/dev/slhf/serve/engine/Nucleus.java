package dev.slhf.serve.engine;

/**
 * top_p: the smallest set of the heaviest candidates whose mass reaches {@code topP} of the
 * total, heaviest first and ties by the lower id (the order the full sort used to give).
 *
 * <p>Found by quickselect on a copy of the candidates in expected O(n): partition around a
 * pivot; if the heavier side already holds enough mass the boundary is in it, otherwise take it
 * whole and continue in the lighter side. Once the boundary candidate is known, one pass over the
 * original list keeps everything at least as heavy, so the list stays in id order without
 * sorting (the inverse-CDF draw walks candidates in id order).
 */
final class Nucleus {

    private static final int SMALL = 16;

    private Nucleus() {
    }

    /**
     * Keeps the nucleus of {@code ids/weights[0, n)} (ascending ids, positive weights) in place,
     * still in id order; returns its size.
     */
    static int keep(int[] ids, double[] weights, int n, double topP, SamplingScratch scratch) {
        if (n <= 1) {
            return n;
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += weights[i];
        }
        double need = topP * total;
        scratch.ensureWork(n);
        double[] w = scratch.workWeights;
        int[] id = scratch.workIds;
        System.arraycopy(weights, 0, w, 0, n);
        System.arraycopy(ids, 0, id, 0, n);

        int lo = 0;
        int hi = n;
        double acc = 0; // mass of everything before lo, all of it inside the nucleus
        int boundary = -1;
        while (hi - lo > SMALL) {
            int pivot = medianOfThree(w, id, lo, (lo + hi) >>> 1, hi - 1);
            swap(w, id, pivot, hi - 1);
            double pw = w[hi - 1];
            int pid = id[hi - 1];
            int store = lo;
            double heavier = 0;
            for (int i = lo; i < hi - 1; i++) {
                if (before(w[i], id[i], pw, pid)) {
                    heavier += w[i];
                    swap(w, id, i, store++);
                }
            }
            swap(w, id, store, hi - 1);
            if (store > lo && acc + heavier >= need) {
                hi = store;
            } else if (acc + heavier + pw >= need) {
                boundary = store;
                break;
            } else {
                acc += heavier + pw;
                lo = store + 1;
            }
        }
        if (boundary < 0) {
            insertionSort(w, id, lo, hi);
            boundary = hi - 1; // rounding never reached need: the whole remaining segment
            for (int i = lo; i < hi; i++) {
                acc += w[i];
                if (acc >= need) {
                    boundary = i;
                    break;
                }
            }
        }
        double bw = w[boundary];
        int bid = id[boundary];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] > bw || (weights[i] == bw && ids[i] <= bid)) {
                ids[kept] = ids[i];
                weights[kept++] = weights[i];
            }
        }
        return kept;
    }

    /** The nucleus order: heavier first, then the lower id. */
    private static boolean before(double wa, int ia, double wb, int ib) {
        return wa > wb || (wa == wb && ia < ib);
    }

    private static int medianOfThree(double[] w, int[] id, int a, int b, int c) {
        boolean ab = before(w[a], id[a], w[b], id[b]);
        boolean bc = before(w[b], id[b], w[c], id[c]);
        boolean ac = before(w[a], id[a], w[c], id[c]);
        if (ab == bc) {
            return b;
        }
        return ab == ac ? c : a;
    }

    private static void insertionSort(double[] w, int[] id, int lo, int hi) {
        for (int i = lo + 1; i < hi; i++) {
            for (int j = i; j > lo && before(w[j], id[j], w[j - 1], id[j - 1]); j--) {
                swap(w, id, j, j - 1);
            }
        }
    }

    private static void swap(double[] w, int[] id, int a, int b) {
        double x = w[a];
        w[a] = w[b];
        w[b] = x;
        int t = id[a];
        id[a] = id[b];
        id[b] = t;
    }
}

package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sparse target (heap top_k, quickselect top_p, skipped exps) keeps exactly the tokens and
 * weights the dense full-sort reference keeps, over random rows with ties, -Infinity entries and
 * every combination of the filters; and the draw walks them in id order, so a seeded sequence
 * draws what it drew before.
 */
class SparseTargetTest {

    private static SamplingParams params(double t, double topP, int topK, double minP) {
        return new SamplingParams(t, topP, topK, minP, 1.0, 7L, 10, List.of(), false);
    }

    private static float[] row(SplittableRandom random, int vocab, double scale) {
        float[] l = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            l[i] = (float) (random.nextGaussian() * scale);
            if (random.nextInt(50) == 0) {
                l[i] = l[random.nextInt(i + 1)]; // exact ties
            }
            if (random.nextInt(200) == 0) {
                l[i] = Float.NEGATIVE_INFINITY; // banned tokens (a padded vocabulary row)
            }
        }
        return l;
    }

    @Test
    void sparseTargetEqualsTheDenseReference() {
        SplittableRandom random = new SplittableRandom(2026);
        double[] temperatures = {0.05, 0.7, 0.9, 1.0, 3.0};
        int[] topKs = {0, 1, 2, 50, 1000, 4999, 5000, 9000};
        double[] topPs = {1.0, 0.999, 0.9, 0.5, 0.01};
        double[] minPs = {0, 0.001, 0.05, 0.5};
        int checked = 0;
        for (double t : temperatures) {
            for (int k : topKs) {
                for (double p : topPs) {
                    for (double m : minPs) {
                        float[] logits = row(random, 5000, 1 + random.nextInt(8));
                        int offset = random.nextInt(3);
                        float[] shifted = new float[offset + logits.length];
                        System.arraycopy(logits, 0, shifted, offset, logits.length);
                        double[] expected = DenseReferenceSampler.weights(shifted.clone(), offset, 5000, t, k, p, m);
                        TargetDistribution target = new Sampler(params(t, p, k, m)).target(shifted, offset, 5000);
                        String where = "T=" + t + " k=" + k + " p=" + p + " min_p=" + m;
                        int nonZero = 0;
                        for (int id = 0; id < 5000; id++) {
                            assertEquals(expected[id], target.weight(id), 0.0, where + " token " + id);
                            nonZero += expected[id] > 0 ? 1 : 0;
                        }
                        assertEquals(nonZero, target.size(), where);
                        for (int i = 1; i < target.size(); i++) {
                            assertTrue(target.id(i - 1) < target.id(i), where + ": candidates in id order");
                        }
                        checked++;
                    }
                }
            }
        }
        assertEquals(temperatures.length * topKs.length * topPs.length * minPs.length, checked);
    }

    @Test
    void aFlatRowKeepsTheLowestIdsOnTheNucleusBoundary() {
        float[] flat = new float[1000];
        TargetDistribution target = new Sampler(params(1.0, 0.1, 0, 0)).target(flat, 0, 1000);
        assertEquals(100, target.size());
        assertEquals(0, target.id(0));
        assertEquals(99, target.id(99));
    }

    @Test
    void topKTiesGoToTheLowerIds() {
        float[] row = {1, 5, 5, 5, 2, 5};
        TargetDistribution target = new Sampler(params(1.0, 1.0, 2, 0)).target(row, 0, 6);
        assertEquals(2, target.size());
        assertEquals(1, target.id(0));
        assertEquals(2, target.id(1));
    }

    @Test
    void aNaNRowFallsBackToTheArgmax() {
        float[] row = {1, Float.NaN, 3, 2};
        TargetDistribution all = new Sampler(params(1.0, 1.0, 0, 0)).target(row.clone(), 0, 4);
        assertTrue(all.isPointMass());
        // the heap path ignores NaN entries and samples among the rest
        TargetDistribution topK = new Sampler(params(1.0, 1.0, 2, 0)).target(row.clone(), 0, 4);
        assertEquals(2, topK.size());
        assertEquals(0.0, topK.weight(1), 0.0);
    }
}

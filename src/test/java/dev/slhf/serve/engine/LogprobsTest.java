package dev.slhf.serve.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** top_logprobs from the heap selection equal a full sort of the row (logit descending, lower id on ties). */
class LogprobsTest {

    @Test
    void topAlternativesEqualAFullSort() {
        SplittableRandom random = new SplittableRandom(5);
        int vocab = 3000;
        String[] pieces = IntStream.range(0, vocab).mapToObj(i -> "t" + i).toArray(String[]::new);
        FakeTokenizer tokenizer = new FakeTokenizer(pieces);
        for (int trial = 0; trial < 40; trial++) {
            float[] row = new float[vocab];
            for (int i = 0; i < vocab; i++) {
                row[i] = random.nextInt(4) == 0 ? row[random.nextInt(i + 1)] : (float) random.nextGaussian() * 3;
            }
            int k = 1 + random.nextInt(20);
            TokenLogprob lp = Logprobs.of(row, 7, k, tokenizer);
            Integer[] order = IntStream.range(0, vocab).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparingInt(i -> i));
            assertEquals(k, lp.top().size());
            for (int r = 0; r < k; r++) {
                assertEquals(order[r], lp.top().get(r).tokenId(), "trial " + trial + " rank " + r);
                assertEquals("t" + order[r], lp.top().get(r).token());
            }
            double logZ = Math.log(IntStream.range(0, vocab).mapToDouble(i -> Math.exp(row[i])).sum());
            assertEquals(row[7] - logZ, lp.logprob(), 1e-6);
        }
    }
}
